"""Two tabs submitting, or starting, the same attempt at the same moment: graded once, one
attempt. Run on PostgreSQL, where the requests really run in parallel."""

import threading

import pytest
from django.db import connection

from assessments.models import Attempt
from assessments.quizzes import services
from courses import services as course_services
from courses.models import ModuleCompletion
from tests.concurrency import run_concurrently
from tests.factories import UserFactory, course_with_lessons, quiz_with_questions, right_answers

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so nothing runs at once")


def test_submitting_from_several_tabs_at_once_grades_once():
    _needs_postgresql()
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    quiz = quiz_with_questions(questions=3, module=modules[0])
    user = UserFactory()
    course_services.enrol(user=user, course=course)
    course_services.complete_lesson(user=user, lesson=lessons[0])
    attempt = services.start_attempt(user=user, quiz=quiz)
    services.save_answers(attempt=attempt, answers=right_answers(attempt))

    submitted = []
    lock = threading.Lock()

    def submit():
        graded = services.submit_attempt(attempt=attempt)
        with lock:
            submitted.append(graded.submitted_at)

    errors = run_concurrently(submit, count=6)
    assert errors == []
    assert len(set(submitted)) == 1  # every tab sees the one grading
    attempt.refresh_from_db()
    assert attempt.passed
    assert ModuleCompletion.objects.filter(user=user).count() == 1


def test_starting_from_several_tabs_at_once_gives_one_attempt():
    _needs_postgresql()
    quiz = quiz_with_questions(questions=2)
    user = UserFactory()
    errors = run_concurrently(lambda: services.start_attempt(user=user, quiz=quiz), count=6)
    assert errors == []
    assert Attempt.objects.filter(user=user).count() == 1
