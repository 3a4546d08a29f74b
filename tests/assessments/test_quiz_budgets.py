"""Query budgets: submitting a 20-question attempt and rendering a quiz page cost the same
whatever the size of the bank."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Quiz
from assessments.quizzes import services
from tests.factories import (
    UserFactory,
    question_bank,
    quiz_question,
    quiz_with_questions,
    right_answers,
)

pytestmark = pytest.mark.django_db

SUBMIT_BUDGET = 11  # lock, questions, keys, answers, bulk update, save, roll-up lookups


def _bank_of(size: int):
    bank = question_bank()
    for _ in range(size):
        quiz_question(bank)
    return bank


def _submit_queries(bank_size: int) -> int:
    quiz = Quiz.objects.create(bank=_bank_of(bank_size), title="Q", draw_count=20, pass_mark=50)
    attempt = services.start_attempt(user=UserFactory(), quiz=quiz)
    services.save_answers(attempt=attempt, answers=right_answers(attempt))
    with CaptureQueriesContext(connection) as queries:
        attempt = services.submit_attempt(attempt=attempt)
    assert attempt.passed and len(attempt.question_ids) == 20
    return len(queries)


def test_submitting_a_20_question_attempt_costs_the_same_with_20_or_200_questions_in_the_bank():
    _submit_queries(20)  # warm up (content types are cached after the first lookup)
    small = _submit_queries(20)
    large = _submit_queries(200)
    print(f"submit of a 20-question attempt: {small} queries (bank of 20), {large} (bank of 200)")
    assert small == large <= SUBMIT_BUDGET


def _page_queries(client, bank_size: int) -> int:
    quiz = quiz_with_questions(questions=bank_size, draw_count=10)
    user = UserFactory()
    client.force_login(user)
    attempt = services.start_attempt(user=user, quiz=quiz)
    url = reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_quiz_page_costs_the_same_with_10_or_1000_questions_in_the_bank(client):
    small = _page_queries(client, 10)
    large = _page_queries(client, 1000)
    print(f"quiz page: {small} queries (bank of 10), {large} (bank of 1,000)")
    assert small == large
