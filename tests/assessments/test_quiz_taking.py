"""Taking an assessment: confirmation before grading unanswered questions (without JavaScript),
the counter, the language switch to the other translation, and a result page that says what it
means and where to go, the next attempt in words."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from wagtail.models import Locale

from assessments.models import Attempt
from assessments.quizzes import services
from certificates.models import Certificate
from courses import services as course_services
from tests.factories import (
    UserFactory,
    course_with_lessons,
    question_bank,
    quiz_question,
    quiz_with_questions,
    right_answers,
    translate_page,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html_lib.unescape(response.content.decode())


def _started(client, quiz, user=None):
    user = user or UserFactory()
    client.force_login(user)
    client.post(reverse("quiz_start", args=[quiz.pk]))
    return user, Attempt.objects.get(user=user, quiz__translation_key=quiz.translation_key)


def test_submitting_with_an_unanswered_question_asks_first_without_javascript(client):
    quiz = quiz_with_questions(questions=7)
    _user, attempt = _started(client, quiz)
    right = right_answers(attempt)
    ids = attempt.question_ids
    url = reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
    client.post(url, {"page": 1, **{f"q{pk}": right[pk] for pk in ids[:5]}, "action": "next"})
    # Page 2: the last question left unanswered (seen, nothing ticked).
    response = client.post(
        url, {"page": 2, f"q{ids[5]}": right[ids[5]], f"seen{ids[6]}": "1", "action": "submit"}
    )
    assert response.status_code == 200
    body = _text(response)
    assert "1 question sans réponse : envoyer quand même ?" in body
    assert "Question sans réponse : 7." in body
    assert f'href="{url}?page=2">Revenir aux questions' in body
    assert 'name="confirm" value="1"' in body
    attempt.refresh_from_db()
    assert attempt.is_open  # nothing graded yet; the answers given are kept
    assert attempt.answers.exclude(selected=[]).count() == 6

    response = client.post(url, {"page": 2, "confirm": "1", "action": "submit"})
    assert response.url == reverse("quiz_result", args=[quiz.pk, attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.points == 6


def test_several_unanswered_questions_are_counted_and_the_way_back_is_their_page(client):
    quiz = quiz_with_questions(questions=7)
    _user, attempt = _started(client, quiz)
    url = reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
    body = _text(client.post(url, {"page": 2, "action": "submit"}))
    assert "7 questions sans réponse : envoyer quand même ?" in body
    assert "Questions sans réponse : 1, 2, 3, 4, 5, 6, 7." in body
    assert f'href="{url}?page=1">Revenir aux questions' in body
    assert Attempt.objects.get(pk=attempt.pk).is_open


def test_a_fully_answered_attempt_is_graded_without_a_question(client):
    quiz = quiz_with_questions(questions=2)
    _user, attempt = _started(client, quiz)
    answers = {f"q{pk}": keys for pk, keys in right_answers(attempt).items()}
    url = reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
    response = client.post(url, {"page": 1, **answers, "action": "submit"})
    assert response.url == reverse("quiz_result", args=[quiz.pk, attempt.pk])


def test_the_counter_counts_questions_with_a_choice_ticked(client):
    quiz = quiz_with_questions(questions=3)
    _user, attempt = _started(client, quiz)
    first, second, _third = attempt.question_ids
    services.save_answers(attempt=attempt, answers={first: right_answers(attempt)[first]})
    services.save_answers(attempt=attempt, answers={second: []})  # seen, then unticked
    body = _text(client.get(reverse("quiz_attempt", args=[quiz.pk, attempt.pk])))
    assert ">1 question répondue sur 3</span>" in body
    # What quiz.js fills in as the answers change ({n}: the count).
    assert 'data-zero="{n} question répondue sur 3"' in body
    assert 'data-one="{n} question répondue sur 3"' in body
    assert 'data-many="{n} questions répondues sur 3"' in body
    assert 'data-elsewhere="0"' in body and 'data-total="3"' in body
    assert 'data-confirm-many="{n} questions sans réponse : envoyer quand même ?"' in body
    # « Réponse enregistrée » is said under each question, not once under the last one.
    assert body.count("data-saved-status") == 3


def _translated_quiz():
    bank = question_bank()
    quiz_question(bank, english=True)
    quiz = quiz_with_questions(questions=0, bank=bank)
    english = quiz.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Assessment"
    english.save()
    return quiz, english


def _switch(body: str) -> dict[str, str]:
    nav = body.split('class="lang-switch"')[1].split("</nav>")[0]
    return dict((code, url) for url, code in re.findall(r'href="([^"]+)" hreflang="(\w+)"', nav))


def test_the_language_switch_leads_to_the_other_translation_of_the_quiz(client):
    french, english = _translated_quiz()
    _user, attempt = _started(client, french)
    pages = [
        ("quiz_detail", []),
        ("quiz_attempt", [attempt.pk]),
    ]
    for name, args in pages:
        body = _text(client.get(reverse(name, args=[french.pk, *args])))
        assert _switch(body) == {"en": reverse(name, args=[english.pk, *args])}, name
        body = _text(client.get(reverse(name, args=[english.pk, *args])))
        assert _switch(body) == {"fr": reverse(name, args=[french.pk, *args])}, name
    services.submit_attempt(attempt=attempt)
    body = _text(client.get(reverse("quiz_result", args=[english.pk, attempt.pk])))
    assert _switch(body) == {"fr": reverse("quiz_result", args=[french.pk, attempt.pk])}
    assert "Assessment not passed" in body


def _module_course(*, modules=2, min_delay=timedelta(minutes=1)):
    course, module_pages, lessons = course_with_lessons(modules=modules, lessons=1)
    quiz = quiz_with_questions(
        questions=2,
        module=module_pages[0],
        title="Évaluation du module 1",
        pass_mark=100,
        min_delay=min_delay,
    )
    return course, module_pages, lessons, quiz


def test_a_failed_assessment_says_when_to_try_again_in_words_and_links_to_the_lessons(client):
    course, modules, lessons, quiz = _module_course()
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    course_services.complete_lesson(user=learner, lesson=lessons[0])
    _user, attempt = _started(client, quiz, learner)
    services.save_answers(attempt=attempt, answers=wrong_answers(attempt))
    services.submit_attempt(attempt=attempt)
    body = _text(client.get(reverse("quiz_result", args=[quiz.pk, attempt.pk])))
    assert "Évaluation non réussie" in body
    assert "Vous pourrez réessayer dans 1 minute." in body
    assert f'href="{modules[0].url}">Revoir les leçons de « {modules[0].title} »' in body
    assert "Mauvaise réponse" in body
    assert "heures:minutes:secondes" not in body and "0:01:00" not in body
    detail = _text(client.get(reverse("quiz_detail", args=[quiz.pk])))
    assert "Attendre 1 minute entre deux tentatives" in detail
    assert "Vous pourrez réessayer dans 1 minute." in detail
    # One name for the thing, in the words the learner reads: « évaluation ».
    words = re.sub(r"<[^>]+>", " ", detail.split("<main")[1].split("</main>")[0])
    assert "quiz" not in words.lower() and "évaluation" in words


def test_a_passed_assessment_says_the_module_is_completed_and_leads_to_the_next_lesson(client):
    course, modules, lessons, quiz = _module_course()
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    course_services.complete_lesson(user=learner, lesson=lessons[0])
    _user, attempt = _started(client, quiz, learner)
    services.save_answers(attempt=attempt, answers=right_answers(attempt))
    services.submit_attempt(attempt=attempt)
    body = _text(client.get(reverse("quiz_result", args=[quiz.pk, attempt.pk])))
    assert "Évaluation réussie" in body and "Bonne réponse" in body
    assert f"Module « {modules[0].title} » terminé." in body
    assert f'href="{lessons[1].url}">Leçon suivante' in body
    assert "Réessayer" not in body


def test_passing_the_last_assessment_says_the_course_is_completed_and_links_the_certificate(
    client, django_capture_on_commit_callbacks
):
    course, modules, lessons, quiz = _module_course(modules=1)
    learner = UserFactory(full_name="Ibrahim Coulibaly")
    course_services.enrol(user=learner, course=course)
    course_services.complete_lesson(user=learner, lesson=lessons[0])
    _user, attempt = _started(client, quiz, learner)
    services.save_answers(attempt=attempt, answers=right_answers(attempt))
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_attempt(attempt=attempt)
    certificate = Certificate.objects.get(holder=learner)
    body = _text(client.get(reverse("quiz_result", args=[quiz.pk, attempt.pk])))
    assert f"Cours « {course.title} » terminé." in body
    assert "Votre attestation est délivrée." in body
    download = reverse("certificate_download", kwargs={"certificate_id": certificate.pk})
    assert f'href="{download}">Télécharger mon attestation (PDF)' in body


def test_a_quiz_in_a_lesson_leads_back_to_that_lesson_when_failed(client):
    from tests.factories import LessonPageFactory, ModulePageFactory, quiz_block

    quiz = quiz_with_questions(questions=1, pass_mark=100)
    module = ModulePageFactory()
    lesson = LessonPageFactory(parent=module, title="Leçon avec quiz", body=[quiz_block(quiz)])
    _user, attempt = _started(client, quiz)
    services.save_answers(attempt=attempt, answers=wrong_answers(attempt))
    services.submit_attempt(attempt=attempt)
    body = _text(client.get(reverse("quiz_result", args=[quiz.pk, attempt.pk])))
    assert f'href="{lesson.url}">Revoir la leçon « Leçon avec quiz »' in body
    lesson_html = _text(client.get(lesson.url))
    assert "Ouvrir l’évaluation" in lesson_html


def test_the_assessment_shows_in_english_after_the_translated_module(client):
    course, modules, lessons, quiz = _module_course()
    english_course = translate_page(course, title="Course", slug="course")
    translate_page(modules[0], title="Module one", slug="module-one")
    english = quiz.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Module one assessment"
    english.save()
    learner = UserFactory()
    client.force_login(learner)
    course_services.enrol(user=learner, course=course)
    body = _text(client.get(english_course.url))
    assert f'<a href="{reverse("quiz_detail", args=[english.pk])}">Module one assessment</a>' in (
        body
    )
    assert "to take" in body
