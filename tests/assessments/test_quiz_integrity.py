"""Integrity: no answer key before submission, opaque choice ids, and every refusal changes
nothing: a choice not in the attempt, someone else's attempt, after the deadline, after the
attempt limit, a double submit."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Attempt, AttemptStatus
from assessments.quizzes import services
from assessments.quizzes.tasks import close_expired_attempt_task
from tests.factories import (
    UserFactory,
    question_bank,
    quiz_question,
    quiz_with_questions,
    right_answers,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _started(client, quiz, user=None):
    user = user or UserFactory()
    client.force_login(user)
    response = client.post(reverse("quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user, quiz__translation_key=quiz.translation_key)
    assert response.url == reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
    return user, attempt


def test_the_page_before_submission_holds_no_answer_key(client):
    bank = question_bank()
    for _ in range(3):
        quiz_question(bank, explanation="EXPLICATION-SECRETE")
    quiz = quiz_with_questions(questions=0, bank=bank, shuffle_choices=True)
    _user, attempt = _started(client, quiz)
    html = client.get(reverse("quiz_attempt", args=[quiz.pk, attempt.pk])).content.decode()
    for question_id in right_answers(attempt):
        assert f'name="q{question_id}"' in html
    assert "EXPLICATION-SECRETE" not in html
    assert "correct" not in html.lower().replace("incorrect", "")
    # Choices are named only by their opaque keys, and every key of the attempt is offered.
    values = re.findall(r'name="q\d+" value="([^"]+)"', html)
    assert sorted(values) == sorted(k for item in attempt.layout for k in item["c"])
    # The autosave JSON says whether it saved, nothing about right or wrong.
    question_id = attempt.question_ids[0]
    key = right_answers(attempt)[question_id][0]
    response = client.post(
        reverse("quiz_autosave", args=[quiz.pk, attempt.pk]),
        {"question": question_id, f"q{question_id}": key},
    )
    assert response.json() == {"saved": True}


def test_a_choice_that_is_not_part_of_the_attempt_is_refused_and_nothing_is_saved(client):
    quiz = quiz_with_questions(questions=2)
    other = quiz_with_questions(questions=1)
    _user, attempt = _started(client, quiz)
    foreign_key = str(other.bank.questions.first().choices.first().key)
    question_id = attempt.question_ids[0]
    good = right_answers(attempt)[attempt.question_ids[1]]
    response = client.post(
        reverse("quiz_attempt", args=[quiz.pk, attempt.pk]),
        {
            "page": 1,
            f"q{question_id}": foreign_key,
            f"q{attempt.question_ids[1]}": good,
            "action": "next",
        },
        follow=True,
    )
    assert "ne fait pas partie de cette tentative" in response.content.decode()
    assert not Answer.objects.filter(attempt=attempt).exists()
    response = client.post(
        reverse("quiz_autosave", args=[quiz.pk, attempt.pk]),
        {"question": question_id, f"q{question_id}": foreign_key},
    )
    assert response.status_code == 409
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_someone_elses_attempt_is_not_found(client):
    quiz = quiz_with_questions(questions=1)
    _owner, attempt = _started(client, quiz)
    client.force_login(UserFactory())
    question_id = attempt.question_ids[0]
    key = right_answers(attempt)[question_id][0]
    for name in ("quiz_attempt", "quiz_result"):
        assert client.get(reverse(name, args=[quiz.pk, attempt.pk])).status_code == 404
    assert (
        client.post(
            reverse("quiz_attempt", args=[quiz.pk, attempt.pk]),
            {f"q{question_id}": key, "action": "submit"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("quiz_autosave", args=[quiz.pk, attempt.pk]),
            {"question": question_id, f"q{question_id}": key},
        ).status_code
        == 404
    )
    attempt.refresh_from_db()
    assert attempt.is_open and not Answer.objects.exists()


def test_an_attempt_of_another_quiz_in_the_url_is_not_found(client):
    quiz = quiz_with_questions(questions=1)
    other = quiz_with_questions(questions=1)
    _user, attempt = _started(client, quiz)
    assert client.get(reverse("quiz_attempt", args=[other.pk, attempt.pk])).status_code == 404


def test_answers_after_the_deadline_are_refused_and_the_attempt_is_graded(client):
    quiz = quiz_with_questions(questions=2, time_limit_minutes=10)
    user, attempt = _started(client, quiz)
    first, second = attempt.question_ids
    services.save_answers(attempt=attempt, answers={first: right_answers(attempt)[first]})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = client.post(
        reverse("quiz_attempt", args=[quiz.pk, attempt.pk]),
        {f"q{second}": right_answers(attempt)[second], "action": "submit"},
        follow=True,
    )
    assert "temps imparti" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score_percent == 50  # only the answer saved before the deadline counts
    assert not Answer.objects.filter(attempt=attempt, question_id=second).exists()


def test_an_abandoned_attempt_is_graded_by_the_task_at_the_deadline():
    quiz = quiz_with_questions(questions=2, time_limit_minutes=5, pass_mark=50)
    user = UserFactory()
    attempt = services.start_attempt(user=user, quiz=quiz)
    first = attempt.question_ids[0]
    services.save_answers(attempt=attempt, answers={first: right_answers(attempt)[first]})
    close_expired_attempt_task(attempt.pk)  # too early: nothing happens
    attempt.refresh_from_db()
    assert attempt.is_open
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    close_expired_attempt_task(attempt.pk)
    close_expired_attempt_task(attempt.pk)  # twice: graded once
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.passed and attempt.score_percent == 50
    assert attempt.submitted_at == attempt.deadline


def test_starting_an_attempt_with_a_deadline_queues_the_closing_task(
    django_capture_on_commit_callbacks,
):
    quiz = quiz_with_questions(questions=1, time_limit_minutes=5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt = services.start_attempt(user=UserFactory(), quiz=quiz)
    assert len(callbacks) == 1
    attempt.refresh_from_db()
    assert attempt.is_open  # run eagerly before the deadline: nothing closed


def test_no_attempt_beyond_the_limit(client):
    quiz = quiz_with_questions(questions=1, max_attempts=1)
    user, attempt = _started(client, quiz)
    services.submit_attempt(attempt=attempt)
    response = client.post(reverse("quiz_start", args=[quiz.pk]), follow=True)
    assert "Vous avez utilisé la seule tentative autorisée" in response.content.decode()
    assert Attempt.objects.filter(user=user).count() == 1


def test_no_new_attempt_before_the_delay(client):
    quiz = quiz_with_questions(questions=1, min_delay=timedelta(minutes=30))
    user, attempt = _started(client, quiz)
    services.submit_attempt(attempt=attempt)
    response = client.post(reverse("quiz_start", args=[quiz.pk]), follow=True)
    assert "Vous pourrez réessayer dans 30 minutes." in response.content.decode()
    assert Attempt.objects.filter(user=user).count() == 1
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=31)
    )
    client.post(reverse("quiz_start", args=[quiz.pk]))
    assert Attempt.objects.filter(user=user).count() == 2


def test_a_double_submit_grades_once(client):
    quiz = quiz_with_questions(questions=2)
    user, attempt = _started(client, quiz)
    services.save_answers(attempt=attempt, answers=wrong_answers(attempt))
    first = services.submit_attempt(attempt=attempt)
    submitted_at = first.submitted_at
    # A retried POST after grading changes nothing:
    with pytest.raises(services.QuizRefused):
        services.save_answers(attempt=attempt, answers=right_answers(attempt))
    again = services.submit_attempt(attempt=attempt)
    assert again.submitted_at == submitted_at and not again.passed
    url = reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
    response = client.post(url, {"action": "submit"})
    assert response.url == reverse("quiz_result", args=[quiz.pk, attempt.pk])
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == submitted_at


def test_the_whole_attempt_works_without_javascript_page_by_page(client):
    quiz = quiz_with_questions(questions=7, pass_mark=100)
    user, attempt = _started(client, quiz)
    right = right_answers(attempt)
    url = reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
    page1 = {f"q{pk}": right[pk] for pk in attempt.question_ids[:5]}
    response = client.post(url, {"page": 1, **page1, "action": "next"})
    assert response.url == url + "?page=2"
    page2 = {f"q{pk}": right[pk] for pk in attempt.question_ids[5:]}
    response = client.post(url, {"page": 2, **page2, "action": "submit"})
    assert response.url == reverse("quiz_result", args=[quiz.pk, attempt.pk])
    html = client.get(response.url).content.decode()
    assert "100 %" in html and "Évaluation réussie" in html
    attempt.refresh_from_db()
    assert attempt.passed


def test_the_quiz_shows_in_english_from_its_translation(client):
    from wagtail.models import Locale

    bank = question_bank()
    quiz_question(bank, english=True)
    quiz = quiz_with_questions(questions=0, bank=bank)
    english = quiz.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Assessment"
    english.save()
    user, attempt = _started(client, english)
    assert attempt.quiz_id == quiz.pk  # attempts belong to the original
    html = client.get(reverse("quiz_attempt", args=[english.pk, attempt.pk])).content.decode()
    assert "EN Question" in html and "Answer 1" in html and 'lang="en"' in html
    question_id = attempt.question_ids[0]
    client.post(
        reverse("quiz_attempt", args=[english.pk, attempt.pk]),
        {f"q{question_id}": right_answers(attempt)[question_id], "action": "submit"},
    )
    attempt.refresh_from_db()
    assert attempt.passed


@pytest.mark.parametrize(
    ("feedback", "shows_marks", "shows_key"),
    [("score", False, False), ("correctness", True, False), ("full", True, True)],
)
def test_the_result_page_follows_the_feedback_policy(client, feedback, shows_marks, shows_key):
    quiz = quiz_with_questions(questions=1, feedback=feedback)
    _user, attempt = _started(client, quiz)
    services.save_answers(attempt=attempt, answers=wrong_answers(attempt))
    services.submit_attempt(attempt=attempt)
    html = client.get(reverse("quiz_result", args=[quiz.pk, attempt.pk])).content.decode()
    assert "Votre note : 0 %" in html
    assert ("Mauvaise réponse" in html) is shows_marks
    assert ("bonne réponse" in html) is shows_key
    assert ("Parce que la loi le dit." in html) is shows_key
