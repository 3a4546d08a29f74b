"""Two tabs submitting, or starting, the same attempt at the same moment: graded once, one
attempt. Run on PostgreSQL, where the requests really run in parallel."""

import threading
import time

import pytest
from django.db import connection, transaction

from assessments.models import Answer, Attempt
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


def test_a_save_that_waits_for_a_submit_is_refused_and_writes_nothing():
    # The submit holds the attempt's lock (its transaction kept open a moment); the save that
    # comes meanwhile waits for it, then finds the attempt submitted: refused, nothing written
    # after the grading while the learner would be told it was saved.
    _needs_postgresql()
    quiz = quiz_with_questions(questions=2, pass_mark=100)
    attempt = services.start_attempt(user=UserFactory(), quiz=quiz)
    keys = right_answers(attempt)
    first, second = attempt.question_ids
    services.save_answers(attempt=attempt, answers={first: keys[first]})
    graded = threading.Event()
    roles = iter(["submit", "save"])
    lock = threading.Lock()
    outcome = {}

    def act():
        with lock:
            role = next(roles)
        if role == "submit":
            with transaction.atomic():
                services.submit_attempt(attempt=attempt)
                graded.set()
                time.sleep(1)  # the save below is sent now and waits for this commit
            return
        assert graded.wait(timeout=20)
        try:
            services.save_answers(attempt=attempt, answers={second: keys[second]})
        except services.QuizRefused as refusal:
            outcome["refused"] = refusal.message
        else:
            outcome["saved"] = True

    errors = run_concurrently(act, count=2)
    assert errors == []
    assert outcome == {"refused": str(services.ALREADY_SUBMITTED)}
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.points == 1
    assert list(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True)) == [
        first
    ]


def test_two_tabs_saving_the_same_new_answer_at_once_keep_one_row():
    _needs_postgresql()
    quiz = quiz_with_questions(questions=2)
    attempt = services.start_attempt(user=UserFactory(), quiz=quiz)
    item = attempt.layout[0]
    choices = iter(item["c"] * 2)
    lock = threading.Lock()

    def save():
        with lock:
            key = next(choices)
        services.save_answers(attempt=attempt, answers={item["q"]: [key]})

    errors = run_concurrently(save, count=6)
    assert errors == []
    answers = list(Answer.objects.filter(attempt=attempt))
    assert len(answers) == 1 and answers[0].selected[0] in item["c"]
