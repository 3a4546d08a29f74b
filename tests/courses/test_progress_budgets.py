"""Query budgets of the learner's pages: the same number of queries whatever the number of
lessons, enrolments and progress rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from tests.factories import LessonPageFactory, UserFactory, course_with_lessons

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm Wagtail's site-root cache, as on any running server
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _course_with_progress(user, *, lessons: int):
    course, modules, lesson_pages = course_with_lessons(modules=2, lessons=lessons // 2)
    services.enrol(user=user, course=course)
    for lesson in lesson_pages[: lessons // 3]:
        services.complete_lesson(user=user, lesson=lesson)
    return course, lesson_pages


def test_course_page_queries_do_not_grow_with_lessons(client):
    user = UserFactory()
    client.force_login(user)
    small, _ = _course_with_progress(user, lessons=10)
    large, _ = _course_with_progress(user, lessons=200)
    # 7: the user with their groups and managed institutions (people/backends.py), the page
    # (its route, site, restrictions and the course's modules and lessons come from the shared
    # cache, courses/cache.py), then the learner's: lesson states, completed modules, every
    # module's assessment and the learner's state with it (courses.outcomes), the enrolment,
    # and the ancestors the template reads for the breadcrumb (not cached yet).
    assert _queries(client, small.url) == _queries(client, large.url) == 7


def test_my_training_queries_do_not_grow_with_enrolments_or_progress(client):
    one, many = UserFactory(), UserFactory()
    _course_with_progress(one, lessons=10)
    for _ in range(50):
        _course_with_progress(many, lessons=4)
    client.force_login(one)
    count_one = _queries(client, "/fr/ma-formation/")
    client.force_login(many)
    count_many = _queries(client, "/fr/ma-formation/")
    # 5: the user with their roles, the enrolments, the lessons done, the translations
    # in the current language, the assignments; the outlines and the locale are shared.
    assert count_one == count_many == 5


def test_signed_in_lesson_page_queries_do_not_grow_with_the_module(client):
    user = UserFactory()
    client.force_login(user)
    _small, small_lessons = _course_with_progress(user, lessons=4)
    large, large_lessons = _course_with_progress(user, lessons=6)
    module = large_lessons[0].get_parent()
    for _ in range(100):
        LessonPageFactory(parent=module)
    small_count = _queries(client, small_lessons[-1].url)
    assert small_count == _queries(client, large_lessons[-1].url)
    # 5 on the last lesson of a module: the user with their roles, the page, the
    # enrolment, the lesson states, and the module's assessment, which « Leçon suivante » leads
    # to until it is passed. The other lessons do not ask (4). No write: the visit is recorded.
    assert small_count == 5
    assert _queries(client, small_lessons[0].url) == 4


def test_marking_a_lesson_done_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    user = UserFactory()
    course, _modules, lessons = course_with_lessons(modules=2, lessons=30)
    services.enrol(user=user, course=course)
    with django_assert_max_num_queries(16):
        services.complete_lesson(user=user, lesson=lessons[0])


def _course_with_pending_assessment(user):
    from tests.factories import quiz_with_questions

    course, modules, lessons = course_with_lessons(modules=2, lessons=1)
    quiz_with_questions(questions=1, module=modules[0])
    services.enrol(user=user, course=course)
    services.complete_lesson(user=user, lesson=lessons[0])
    return course


def _completed_course_with_certificate(user):
    from certificates.services import issue_certificate

    course, _modules, lessons = course_with_lessons(modules=1, lessons=1)
    enrolment = services.enrol(user=user, course=course)
    services.complete_lesson(user=user, lesson=lessons[0])
    enrolment.refresh_from_db()
    issue_certificate(enrolment=enrolment)


def test_my_training_asks_once_for_the_assessments_and_once_for_the_certificates(client):
    """A module whose lessons are all done costs one query (its assessment, courses.outcomes),
    a completed course one more (its certificate), whatever their number."""
    one, many = UserFactory(), UserFactory()
    _course_with_pending_assessment(one)
    for _ in range(15):
        _course_with_pending_assessment(many)
    client.force_login(one)
    count_one = _queries(client, "/fr/ma-formation/")
    client.force_login(many)
    count_many = _queries(client, "/fr/ma-formation/")
    assert count_one == count_many == 6
    body = client.get("/fr/ma-formation/").content.decode()
    assert body.count("évaluation du module à passer") == 15

    _completed_course_with_certificate(one)
    for _ in range(5):
        _completed_course_with_certificate(many)
    client.force_login(one)
    count_one = _queries(client, "/fr/ma-formation/")
    client.force_login(many)
    count_many = _queries(client, "/fr/ma-formation/")
    assert count_one == count_many == 7
