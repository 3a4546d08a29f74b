"""One rule for reading people's records: the committee and administrators see everyone; a
manager their institutions' people; anyone else themselves. Enrolments and certificates are
scoped through User.objects.visible_to."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from certificates.models import Certificate
from courses.models import Enrolment
from people.models import User
from people.roles import ADMINISTRATORS_GROUP, EDITORS_GROUP
from tests.factories import (
    CertificateFactory,
    EnrolmentFactory,
    InstitutionFactory,
    UserFactory,
    committee_member,
    manager_of,
    member_of,
)

pytestmark = pytest.mark.django_db


def _in_group(name: str) -> User:
    user = UserFactory()
    user.groups.add(Group.objects.get(name=name))
    return user


def _records_of(person: User) -> tuple:
    return EnrolmentFactory(user=person), CertificateFactory(holder=person)


def _seen_by(reader: User) -> tuple[set, set, set]:
    return (
        set(User.objects.visible_to(reader)),
        set(Enrolment.objects.visible_to(reader)),
        set(Certificate.objects.visible_to(reader)),
    )


def test_each_role_sees_the_records_of_the_people_it_may_see():
    school, court = InstitutionFactory(), InstitutionFactory()
    cadet, judge = member_of(school), member_of(court)
    cadet_records, judge_records = _records_of(cadet), _records_of(judge)
    manager = manager_of(school)

    users, enrolments, certificates = _seen_by(manager)
    assert cadet in users and judge not in users
    assert (enrolments, certificates) == ({cadet_records[0]}, {cadet_records[1]})

    users, enrolments, certificates = _seen_by(cadet)
    assert users == {cadet}
    assert (enrolments, certificates) == ({cadet_records[0]}, {cadet_records[1]})

    for reader in (committee_member(), _in_group(ADMINISTRATORS_GROUP)):
        users, enrolments, certificates = _seen_by(reader)
        assert {cadet, judge} <= users
        assert enrolments == {cadet_records[0], judge_records[0]}
        assert certificates == {cadet_records[1], judge_records[1]}

    editor = _in_group(EDITORS_GROUP)
    assert _seen_by(editor) == ({editor}, set(), set())
    assert _seen_by(AnonymousUser()) == (set(), set(), set())
