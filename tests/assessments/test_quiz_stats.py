"""Item statistics for editors: facility, wrong choices picked, score distribution, flag."""

import pytest
from django.urls import reverse

from assessments.quizzes import services
from assessments.quizzes.stats import quiz_statistics
from tests.factories import UserFactory, quiz_with_questions, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


def _take(quiz, answers):
    attempt = services.start_attempt(user=UserFactory(), quiz=quiz)
    services.save_answers(attempt=attempt, answers=answers(attempt))
    return services.submit_attempt(attempt=attempt)


def test_a_question_most_learners_miss_is_flagged_with_its_distractor_picks():
    quiz = quiz_with_questions(questions=2)
    first_question = None

    def hard_second(attempt):
        nonlocal first_question
        first_question, second = attempt.question_ids
        return {
            first_question: right_answers(attempt)[first_question],
            second: wrong_answers(attempt)[second],
        }

    for _ in range(5):
        _take(quiz, hard_second)
    _take(quiz, right_answers)
    stats = quiz_statistics(quiz)
    assert stats.attempts == 6
    hardest, easiest = stats.questions
    assert hardest.answers == 6 and hardest.right == 1 and hardest.flagged
    assert easiest.facility == 1 and not easiest.flagged
    assert [c.picks for c in hardest.choices if not c.is_correct] == [5, 0, 0]
    assert dict(stats.distribution)["50–59 %"] == 5
    assert dict(stats.distribution)["90–100 %"] == 1


def test_editors_see_the_statistics_page(client, editor):
    quiz = quiz_with_questions(questions=1)
    _take(quiz, right_answers)
    client.force_login(editor)
    response = client.get(reverse("quiz_admin_statistics", args=[quiz.pk]))
    assert response.status_code == 200
    assert "Répartition des notes" in response.content.decode()
