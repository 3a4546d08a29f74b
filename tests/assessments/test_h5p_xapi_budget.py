"""Budget of the xAPI intake (issue #18): the statements the player sends most, in a constant,
small number of queries once the shared cache (`courses.cache`) is warm, without giving up a
refusal."""

import pytest

from assessments.models import XAPIStatement
from courses.models import LessonProgress
from tests.assessments.conftest import enrol_in_course_of
from tests.factories import (
    XAPI_ANSWERED,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
    h5p_activity,
    h5p_block,
)
from tests.factories import post_xapi_statement as post
from tests.factories import xapi_statement as statement

pytestmark = pytest.mark.django_db

# A result (`completed`, top level) in a lesson the learner has already completed: what the bench
# sends (bench/locustfile.py `scenario_xapi`: the `completed` statement of tests/factories.py,
# again and again) and what every retry and every further attempt is. Five SQL queries: the user
# with their roles (session from the cache; people/backends.py), the activity with its libraries'
# approval, the enrolment, the INSERT, the lesson's progress (already completed: nothing more).
# The test itself runs in a transaction, so the INSERT's atomic block adds SAVEPOINT and RELEASE
# here; in production (autocommit) it is a plain transaction: 5 queries.
PLAIN_RESULT_QUERIES = 7
# A sub-question's `answered` (or any statement that is not a result): no lesson progress read.
SUB_QUESTION_QUERIES = 6
# The statement that completes the lesson (15 SQL queries in production): the same first four,
# then the lesson's progress (not completed yet), its requirements (the activities of the
# lesson's body, a passing result), the enrolment locked, the progress row read and created,
# completed, the enrolment marked in progress, the module, its completion, its lessons still to
# do — the module still has a lesson to read, so nothing rolls up to the course. Inside the
# test's transaction, three savepoints (six lines) are counted too.
COMPLETING_QUERIES = 21


@pytest.fixture
def course_lesson():
    """A course taken in order: the first module holds the H5P lesson and a reading lesson, a
    second module waits for it."""
    activity = h5p_activity()
    course = CoursePageFactory(modules_in_order=True)
    first = ModulePageFactory(parent=course, is_required=True)
    lesson = LessonPageFactory(parent=first, body=[h5p_block(activity)])
    LessonPageFactory(parent=first)
    second = ModulePageFactory(parent=course, is_required=True)
    later = LessonPageFactory(parent=second, body=[h5p_block(activity)])
    return lesson, later, activity


def _warm(client, lesson, activity):
    """Another learner's statement fills the shared cache (the lesson, its course and tree)."""
    someone = UserFactory()
    enrol_in_course_of(lesson, someone)
    client.force_login(someone)
    assert post(client, lesson, statement(activity)).status_code == 201


def test_a_result_in_a_completed_lesson_costs_seven_queries(
    client, course_lesson, django_assert_num_queries
):
    lesson, _later, activity = course_lesson
    _warm(client, lesson, activity)
    learner = UserFactory()
    enrol_in_course_of(lesson, learner)
    client.force_login(learner)

    with django_assert_num_queries(COMPLETING_QUERIES):
        completing = post(client, lesson, statement(activity))
    assert completing.status_code == 201
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None

    with django_assert_num_queries(PLAIN_RESULT_QUERIES):
        again = post(client, lesson, statement(activity, raw=3))
    assert again.status_code == 201 and again.json() == {
        "id": again.json()["id"],
        "stored": True,
        "result": True,
    }
    with django_assert_num_queries(SUB_QUESTION_QUERIES):
        sub = post(client, lesson, statement(activity, verb=XAPI_ANSWERED, sub_content=True))
    assert sub.status_code == 201 and sub.json()["result"] is False
    assert XAPIStatement.objects.filter(user=learner).count() == 3


def test_a_replayed_statement_changes_nothing_with_the_cache_warm(client, course_lesson):
    lesson, _later, activity = course_lesson
    _warm(client, lesson, activity)
    learner = UserFactory()
    enrol_in_course_of(lesson, learner)
    client.force_login(learner)
    data = statement(activity)
    assert post(client, lesson, data).status_code == 201
    row = XAPIStatement.objects.get(statement_id=data["id"])

    replay = post(client, lesson, {**data, "result": {**data["result"], "score": {"raw": 1}}})
    assert replay.status_code == 200 and replay.json()["stored"] is False
    assert XAPIStatement.objects.filter(user=learner).count() == 1
    assert XAPIStatement.objects.get(statement_id=data["id"]).raw == row.raw


def test_an_activity_unpublished_after_the_cache_was_filled_is_refused(client, course_lesson):
    lesson, _later, activity = course_lesson
    _warm(client, lesson, activity)
    activity.is_published = False
    activity.save(update_fields=["is_published"])

    response = post(client, lesson, statement(activity))
    assert response.status_code == 400
    assert "publiée" in response.json()["error"]


def test_a_lesson_unpublished_after_the_cache_was_filled_is_refused(client, course_lesson):
    lesson, _later, activity = course_lesson
    _warm(client, lesson, activity)
    lesson.unpublish()

    response = post(client, lesson, statement(activity))
    assert response.status_code == 400
    assert "publiée" in response.json()["error"]


def test_a_learner_not_enrolled_is_refused_with_the_cache_warm(client, course_lesson):
    lesson, _later, activity = course_lesson
    _warm(client, lesson, activity)
    stranger = UserFactory()
    client.force_login(stranger)

    response = post(client, lesson, statement(activity))
    assert response.status_code == 400
    assert "Inscrivez-vous" in response.json()["error"]
    assert not XAPIStatement.objects.filter(user=stranger).exists()


def test_a_lesson_of_a_module_not_open_yet_is_refused_with_the_cache_warm(client, course_lesson):
    lesson, later, activity = course_lesson
    _warm(client, lesson, activity)  # that learner completed one lesson of two of module 1

    response = post(client, later, statement(activity))
    assert response.status_code == 400
    assert "verrouillée" in response.json()["error"]
