import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from people.roles import ADMINISTRATORS_GROUP, EDITORS_GROUP
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    h5p_activity,
    h5p_block,
)


@pytest.fixture
def activity(db):
    return h5p_activity()


def enrol_in_course_of(lesson, *users):
    """Enrol people in the course of a lesson: the intake records results only for them."""
    from courses import services as course_services

    course = lesson.get_parent().get_parent().specific
    for user in users:
        course_services.enrol(user=user, course=course)


@pytest.fixture
def lesson(activity, learner):
    """A lesson with the activity, in a course the `learner` is enrolled in."""
    lesson = LessonPageFactory(body=[h5p_block(activity)])
    enrol_in_course_of(lesson, learner)
    return lesson


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def _staff(group_name):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group_name))
    # Staff must use a second factor: give them one so the middleware lets them in.
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def editor(db):
    return _staff(EDITORS_GROUP)


@pytest.fixture
def administrator(db):
    return _staff(ADMINISTRATORS_GROUP)


@pytest.fixture
def superuser(db):
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, generate_totp_secret())
    return user
