"""The quiz block in a lesson: the lesson is completed by passing its quiz."""

import pytest
from django.urls import reverse

from assessments.quizzes import services
from courses import services as course_services
from courses.models import LessonProgress, ModuleCompletion
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    quiz_block,
    quiz_with_questions,
    right_answers,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _submit(quiz, user, answers_for):
    attempt = services.start_attempt(user=user, quiz=quiz)
    services.save_answers(attempt=attempt, answers=answers_for(attempt))
    return services.submit_attempt(attempt=attempt)


def test_a_lesson_with_a_quiz_is_completed_by_passing_it():
    quiz = quiz_with_questions(questions=2)
    lesson = LessonPageFactory(body=[quiz_block(quiz)])
    user = UserFactory()
    course_services.enrol(user=user, course=lesson.get_parent().get_parent().specific)

    with pytest.raises(course_services.ProgressRefused):
        course_services.complete_lesson(user=user, lesson=lesson)
    _submit(quiz, user, wrong_answers)
    assert not LessonProgress.objects.filter(user=user, completed_at__isnull=False).exists()
    _submit(quiz, user, right_answers)
    assert LessonProgress.objects.get(user=user, lesson=lesson).completed_at is not None
    assert ModuleCompletion.objects.filter(user=user).exists()


def test_the_lesson_shows_a_link_to_its_quiz(client):
    quiz = quiz_with_questions(questions=1, title="Quiz de la leçon")
    lesson = LessonPageFactory(body=[quiz_block(quiz)])
    client.force_login(UserFactory())
    html = client.get(lesson.url).content.decode()
    assert "Quiz de la leçon" in html
    assert reverse("quiz_detail", args=[quiz.pk]) in html
