"""The demo quizzes: 46 questions, one bank per course, one assessment per module in both
languages; loading twice changes nothing."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Question, QuestionBank, Quiz
from courses.models import ModulePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_curriculum_questions_and_one_assessment_per_module(client):
    call_command("seed_demo")
    counts = (QuestionBank.objects.count(), Question.objects.count(), Quiz.objects.count())
    call_command("seed_demo")
    assert (QuestionBank.objects.count(), Question.objects.count(), Quiz.objects.count()) == counts

    assert QuestionBank.objects.count() == 3
    assert Question.objects.in_language("fr").count() == 46
    assert Question.objects.in_language("en").count() == 46
    french_modules = ModulePage.objects.filter(locale__language_code="fr")
    assert Quiz.objects.in_language("fr").count() == french_modules.count() == 11
    assert Quiz.objects.in_language("en").count() == 11

    client.force_login(UserFactory())
    for module in ModulePage.objects.live():
        html = client.get(module.url).content.decode()
        english = module.locale.language_code == "en"
        assert ("Module assessment" if english else "Évaluation du module") in html
        quiz = Quiz.objects.get(
            translation_key=Quiz.objects.originals()
            .get(module__translation_key=module.translation_key)
            .translation_key,
            locale=module.locale,
        )
        assert reverse("quiz_detail", args=[quiz.pk]) in html


# Choices are shuffled for each attempt (and their letters never shown): a text that names a
# choice by its letter or its place (« la réponse b », "option c", "all of the above") points
# at the wrong one.
_BY_LETTER = re.compile(
    r"\b(?:r[ée]ponses?|choix|options?|propositions?|lettres?|answers?|choices?|letters?)"
    r"\s*\(?[a-eA-E]\b(?!['’])|\(\s*[a-eA-E]\s*\)|(?:^|\s)[a-eA-E]\)",
    re.IGNORECASE,
)
_BY_PLACE = re.compile(r"ci-dessus|ci-dessous|\babove\b|\bbelow\b", re.IGNORECASE)


def _demo_questions():
    from courses.demo import load_curriculum

    for course in load_curriculum()["courses"]:
        for module in course["modules"]:
            yield from module.get("quiz", [])


def test_the_checks_would_catch_a_choice_named_by_letter():
    for text in ("La réponse b énumère des moyens", "Option c lists forms", "voir (b)", " a) x"):
        assert _BY_LETTER.search(text), text
    assert _BY_PLACE.search("All of the above")
    assert not _BY_LETTER.search("Les actes de la loi, article 3 ; a priori")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_demo_explanation_or_choice_names_a_choice_by_letter_or_place(language):
    questions = list(_demo_questions())
    assert len(questions) == 46
    for question in questions:
        explanation = question.get(f"explanation_{language}", "")
        assert explanation, question["id"]
        assert not _BY_LETTER.search(explanation), (question["id"], explanation)
        assert not _BY_LETTER.search(question[f"text_{language}"]), question["id"]
        for choice in question["choices"]:
            assert not _BY_PLACE.search(choice[language]), (question["id"], choice[language])


def test_the_demo_assessments_have_no_time_limit_and_a_demo_learner_takes_one_offline(
    client, django_capture_on_commit_callbacks
):
    import json
    import uuid

    from django.utils import timezone

    from assessments.models import Attempt
    from courses.models import Assignment
    from people.models import User
    from tests.factories import right_answers

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    quizzes = Quiz.objects.all()
    assert quizzes.count() == 22
    assert all(quiz.offline_allowed and not quiz.time_limit_minutes for quiz in quizzes)

    learner = User.objects.get(email__startswith="aminata.traore@")
    client.force_login(learner)
    course = Assignment.objects.get(cohort__members=learner).course  # she is enrolled in it
    module = ModulePage.objects.child_of(course).live().order_by("path").first()
    response = client.get(f"/fr/offline/modules/{module.pk}/")
    assert response.status_code == 200, response.content
    data = response.json()
    [entry] = data["quizzes"]
    assert "reason" not in entry  # taken offline, not « en ligne uniquement »
    attempt = Attempt.objects.get(user=learner, pk=entry["attempt"])
    urls = [item["url"] for item in data["urls"]]
    assert entry["attempt_url"] in urls
    assert f"{entry['attempt_url']}?page=1" in urls
    for url in urls:
        assert client.get(url).status_code == 200, url

    # Answered on the phone, sent when the connection returns: graded on the server.
    answers = {str(k): v for k, v in right_answers(attempt).items()}
    now = timezone.now().isoformat()
    actions = [
        {"id": str(uuid.uuid4()), "kind": kind, "payload": payload, "client_time": now}
        for kind, payload in (
            ("quiz_answers", {"attempt": attempt.pk, "answers": answers}),
            ("quiz_submit", {"attempt": attempt.pk, "quiz": entry["quiz"]}),
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fr/offline/sync/", json.dumps({"actions": actions}), "application/json"
        )
    assert [r["status"] for r in response.json()["results"]] == ["applied", "applied"]
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100
