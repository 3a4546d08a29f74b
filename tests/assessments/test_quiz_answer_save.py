"""Saving answers (services.save_answers): one statement that writes only into an open attempt
within its time, all the answers given or none, a second save replacing the first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Attempt, AttemptStatus
from assessments.quizzes import services
from tests.factories import UserFactory, quiz_with_questions, right_answers

pytestmark = pytest.mark.django_db


def _attempt(**quiz_fields):
    quiz = quiz_with_questions(questions=3, **quiz_fields)
    return quiz, services.start_attempt(user=UserFactory(), quiz=quiz)


def _selected(attempt) -> dict[int, list[str]]:
    return dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "selected"))


def test_a_second_save_replaces_the_first_and_keeps_one_row_per_question():
    _quiz, attempt = _attempt()
    first, second = attempt.layout[0], attempt.layout[1]
    services.save_answers(attempt=attempt, answers={first["q"]: [first["c"][1]]})
    later = timezone.now() + timedelta(seconds=5)
    services.save_answers(
        attempt=attempt,
        answers={first["q"]: [first["c"][2], first["c"][0]], second["q"]: []},
        now=later,
    )
    assert _selected(attempt) == {
        first["q"]: sorted([first["c"][2], first["c"][0]]),
        second["q"]: [],
    }
    assert Answer.objects.get(attempt=attempt, question_id=first["q"]).saved_at == later


def test_one_foreign_choice_among_several_answers_saves_none_of_them():
    _quiz, attempt = _attempt()
    first, second = attempt.layout[0], attempt.layout[1]
    with pytest.raises(services.QuizRefused):
        services.save_answers(
            attempt=attempt,
            answers={first["q"]: [first["c"][0]], second["q"]: [first["c"][0]]},
        )
    assert _selected(attempt) == {}


def test_a_submitted_attempt_refuses_the_save_and_keeps_its_graded_answers(client):
    quiz, attempt = _attempt()
    services.save_answers(attempt=attempt, answers=right_answers(attempt))
    services.submit_attempt(attempt=attempt)
    before = _selected(attempt)
    item = attempt.layout[0]
    with pytest.raises(services.QuizRefused) as refusal:
        services.save_answers(attempt=attempt, answers={item["q"]: [item["c"][3]]})
    assert refusal.value.message == str(services.ALREADY_SUBMITTED)
    client.force_login(attempt.user)
    response = client.post(
        reverse("quiz_autosave", args=[quiz.pk, attempt.pk]),
        {"question": item["q"], f"q{item['q']}": item["c"][3]},
    )
    assert response.status_code == 409
    assert response.json() == {
        "saved": False,
        "message": "Cette tentative a déjà été envoyée : rien n'a été modifié.",
    }
    assert _selected(attempt) == before


def test_a_save_after_the_deadline_is_refused_and_the_attempt_graded_with_what_was_saved():
    _quiz, attempt = _attempt(time_limit_minutes=10)
    first, second = attempt.layout[0], attempt.layout[1]
    services.save_answers(attempt=attempt, answers={first["q"]: right_answers(attempt)[first["q"]]})
    at_deadline = attempt.deadline
    # Still in time at the deadline itself.
    services.save_answers(attempt=attempt, answers={second["q"]: [second["c"][1]]}, now=at_deadline)
    with pytest.raises(services.QuizRefused) as refusal:
        services.save_answers(
            attempt=attempt,
            answers={second["q"]: right_answers(attempt)[second["q"]]},
            now=at_deadline + timedelta(seconds=1),
        )
    assert refusal.value.message == str(services.TIME_OVER)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.submitted_at == at_deadline
    assert _selected(attempt)[second["q"]] == [second["c"][1]]
    assert attempt.points == 1


def test_nothing_to_save_still_says_the_attempt_is_closed():
    _quiz, attempt = _attempt()
    assert services.save_answers(attempt=attempt, answers={}).pk == attempt.pk
    services.submit_attempt(attempt=attempt)
    with pytest.raises(services.QuizRefused):
        services.save_answers(attempt=attempt, answers={})


def test_the_write_of_the_other_databases_follows_the_same_rules():
    # SQLite (development) writes through the ORM: locked, checked, one upsert.
    _quiz, attempt = _attempt(time_limit_minutes=10)
    item = attempt.layout[0]
    now = timezone.now()
    assert services._write_answers_locked(attempt.pk, [(item["q"], [item["c"][0]])], now)
    assert services._write_answers_locked(attempt.pk, [(item["q"], [item["c"][1]])], now)
    assert _selected(attempt) == {item["q"]: [item["c"][1]]}
    late = attempt.deadline + timedelta(seconds=1)
    assert not services._write_answers_locked(attempt.pk, [(item["q"], [item["c"][2]])], late)
    Attempt.objects.filter(pk=attempt.pk).update(status=AttemptStatus.SUBMITTED, submitted_at=now)
    assert not services._write_answers_locked(attempt.pk, [(item["q"], [item["c"][2]])], now)
    assert _selected(attempt) == {item["q"]: [item["c"][1]]}
