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


# Exact counts of the two requests a learner sends most during an attempt, signed in, after a
# warm-up request (the session is then read from the cache: SESSION_ENGINE is cached_db).
# The quiz page: the user with their roles (groups and managed institutions, for the
# second-factor check, in the same query: people/backends.py), the attempt with its quiz
# (ownership and the quiz of the URL checked in the same query), the quiz's translations (the
# quiz of the URL and the language switch), the attempt's answers,
# the page's questions with their translations, their choices.
ATTEMPT_PAGE_QUERIES = 6
# The answer save: the user with their roles, the attempt with its quiz, and one statement that
# locks the attempt, checks it is open and in time, and inserts or replaces the answer.
AUTOSAVE_QUERIES = 3


def _learner_in_attempt(client, quiz, asked=None):
    user = UserFactory()
    client.force_login(user)
    attempt = services.start_attempt(user=user, quiz=quiz)
    return attempt, (asked or quiz).pk


def test_the_quiz_page_during_an_attempt_costs_6_queries(client, django_assert_num_queries):
    quiz = quiz_with_questions(questions=12)
    attempt, quiz_id = _learner_in_attempt(client, quiz)
    url = reverse("quiz_attempt", args=[quiz_id, attempt.pk])
    client.get(url)  # warm up
    for page in (1, 2, 3):
        with django_assert_num_queries(ATTEMPT_PAGE_QUERIES):
            response = client.get(url, {"page": page})
        assert response.status_code == 200
    assert response.context["page_number"] == 3 and len(response.context["items"]) == 2


def test_the_quiz_page_in_a_translation_costs_the_same(client, django_assert_num_queries):
    from wagtail.models import Locale

    bank = question_bank()
    for _ in range(4):
        quiz_question(bank, english=True)
    quiz = quiz_with_questions(questions=0, bank=bank)
    english = quiz.copy_for_translation(Locale.objects.get(language_code="en"))
    english.save()
    attempt, quiz_id = _learner_in_attempt(client, quiz, asked=english)
    url = reverse("quiz_attempt", args=[quiz_id, attempt.pk])
    client.get(url)
    with django_assert_num_queries(ATTEMPT_PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("EN Question") == 4 and "Answer 1" in html and "Réponse" not in html


def test_saving_an_answer_costs_3_queries(client, django_assert_num_queries):
    from assessments.models import Answer

    quiz = quiz_with_questions(questions=3)
    attempt, quiz_id = _learner_in_attempt(client, quiz)
    url = reverse("quiz_autosave", args=[quiz_id, attempt.pk])
    first, second = attempt.layout[0], attempt.layout[1]
    client.post(url, {"question": first["q"], f"q{first['q']}": first["c"][0]})  # warm up
    # A new answer, then a changed one: the same statement.
    for item, key in ((second, second["c"][0]), (second, second["c"][2])):
        with django_assert_num_queries(AUTOSAVE_QUERIES):
            response = client.post(url, {"question": item["q"], f"q{item['q']}": key})
        assert response.json() == {"saved": True}
        assert Answer.objects.get(attempt=attempt, question_id=item["q"]).selected == [key]
    assert Answer.objects.filter(attempt=attempt).count() == 2
