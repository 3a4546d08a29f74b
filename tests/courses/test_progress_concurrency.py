"""Two tabs pressing « terminé » at the same moment: one completion, one signal. Run on
PostgreSQL, where the requests really run in parallel, each on its own connection."""

import threading

import pytest
from django.db import connection

from courses import services
from courses.models import Enrolment, EnrolmentStatus, LessonProgress, ModuleCompletion
from courses.signals import course_completed
from tests.concurrency import run_concurrently
from tests.factories import UserFactory, course_with_lessons

pytestmark = pytest.mark.django_db(transaction=True)


def test_completing_the_last_lesson_from_several_tabs_at_once_completes_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so nothing runs at once")
    course, _modules, lessons = course_with_lessons(modules=1, lessons=2)
    user = UserFactory()
    services.enrol(user=user, course=course)
    services.complete_lesson(user=user, lesson=lessons[0])

    sent = []
    lock = threading.Lock()

    def receiver(sender, enrolment, **kwargs):
        with lock:
            sent.append(enrolment.pk)

    course_completed.connect(receiver)
    try:
        errors = run_concurrently(
            lambda: services.complete_lesson(user=user, lesson=lessons[1]), count=6
        )
    finally:
        course_completed.disconnect(receiver)

    assert errors == []
    assert LessonProgress.objects.filter(user=user, lesson=lessons[1]).count() == 1
    assert ModuleCompletion.objects.filter(user=user).count() == 1
    enrolment = Enrolment.objects.get(user=user, course=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert sent == [enrolment.pk]


def test_enrolling_from_several_tabs_at_once_gives_one_enrolment():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so nothing runs at once")
    course, _modules, _lessons = course_with_lessons()
    user = UserFactory()
    errors = run_concurrently(lambda: services.enrol(user=user, course=course), count=6)
    assert errors == []
    assert Enrolment.objects.filter(user=user, course=course).count() == 1
