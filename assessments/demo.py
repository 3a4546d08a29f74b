"""Demo quizzes for `seed_demo`: the 46 questions of the demo curriculum, one bank per course
(French with English translations), and one assessment per module, in both languages. The demo
assessments have no time limit, so they may be taken offline (`offline_allowed`): a demo learner
can download a module and answer its assessment on the phone without a connection.
Idempotent: questions are found by their external id, quizzes by their module (a quiz already
there is left as it is, its offline switch too)."""

from __future__ import annotations

from datetime import timedelta

from wagtail.models import Locale

from assessments.models import QuestionBank, Quiz
from assessments.quizzes import importing
from courses.demo import load_curriculum
from courses.models import CoursePage, ModulePage


def _rows(module: dict) -> list[dict[str, str]]:
    rows = []
    for question in module.get("quiz", []):
        row = {
            "external_id": question["id"],
            "category": module["id"],
            "type": "single",
            "question_fr": question["text_fr"],
            "question_en": question["text_en"],
            "correct": str(
                next(
                    i
                    for i, c in enumerate(question["choices"], start=1)
                    if c["id"] == question["correct"]
                )
            ),
            "explanation_fr": question.get("explanation_fr", ""),
            "explanation_en": question.get("explanation_en", ""),
            "source": " ".join(question.get("source", {}).get("urls", [])[:1]),
        }
        for i, choice in enumerate(question["choices"], start=1):
            row[f"choice_{i}_fr"] = choice["fr"]
            row[f"choice_{i}_en"] = choice["en"]
        rows.append(row)
    return rows


def _module_page(module: dict, course_title: str) -> ModulePage | None:
    course = (
        CoursePage.objects.filter(title=course_title, locale__language_code="fr")
        .order_by("pk")
        .first()
    )
    if course is None:
        return None
    return ModulePage.objects.child_of(course).filter(title=module["title_fr"]).first()


def seed(out=print) -> None:
    curriculum = load_curriculum()
    fr = Locale.objects.get(language_code="fr")
    en = Locale.objects.filter(language_code="en").first()
    questions = quizzes = 0
    for course in curriculum["courses"]:
        bank, _created = QuestionBank.objects.get_or_create(
            name=f"{course['id']} — {course['title_fr']}"[:200],
            defaults={"description": course["title_en"]},
        )
        for module in course["modules"]:
            rows = _rows(module)
            if not rows:
                continue
            report = importing.check_rows(rows)
            if not report.ok:
                raise ValueError(report.errors)
            importing.apply_rows(bank=bank, report=report)
            questions += report.created
            page = _module_page(module, course["title_fr"])
            if page is None:
                continue
            quiz = Quiz.objects.filter(module=page, locale=fr).first()
            if quiz is None:
                quiz = Quiz.objects.create(
                    locale=fr,
                    module=page,
                    bank=bank,
                    category=module["id"],
                    title=f"Évaluation du module — {module['title_fr']}"[:200],
                    introduction="Répondez à toutes les questions ; la note de passage est 70 %.",
                    pass_mark=70,
                    min_delay=timedelta(minutes=1),
                    # No time limit (the server could not hold one offline): offline allowed.
                    time_limit_minutes=None,
                    offline_allowed=True,
                )
                quizzes += 1
            if (
                en is not None
                and not Quiz.objects.filter(
                    translation_key=quiz.translation_key, locale=en
                ).exists()
            ):
                english = quiz.copy_for_translation(en)
                english.title = f"Module assessment — {module['title_en']}"[:200]
                english.introduction = "Answer every question; the pass mark is 70%."
                english.save()
    if questions or quizzes:
        out(
            f"Évaluations de démonstration : {questions} questions, {quizzes} évaluations créées"
            " / demo assessments created."
        )
    else:
        out("Évaluations de démonstration déjà présentes / demo assessments already exist.")
