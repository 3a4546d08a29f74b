import pytest
from django.contrib.auth.models import Group

from people import services
from people.choices import MembershipRole
from people.models import Cohort, Membership, User
from people.roles import COMMITTEE_GROUP
from tests.factories import CohortFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_institutions():
    a, b = InstitutionFactory(), InstitutionFactory()
    manager_a = UserFactory()
    services.add_member(user=manager_a, institution=a, role=MembershipRole.MANAGER)
    learner_a, learner_b = UserFactory(), UserFactory()
    services.add_member(user=learner_a, institution=a)
    services.add_member(user=learner_b, institution=b)
    return {
        "a": a,
        "b": b,
        "manager_a": manager_a,
        "learner_a": learner_a,
        "learner_b": learner_b,
        "cohort_a": CohortFactory(institution=a),
        "cohort_b": CohortFactory(institution=b),
    }


def test_a_manager_sees_only_the_people_cohorts_and_memberships_of_their_institution(
    two_institutions,
):
    t = two_institutions
    manager = t["manager_a"]
    assert set(User.objects.visible_to(manager)) == {manager, t["learner_a"]}
    assert list(Cohort.objects.visible_to(manager)) == [t["cohort_a"]]
    assert {m.institution for m in Membership.objects.visible_to(manager)} == {t["a"]}


def test_a_learner_sees_only_themselves(two_institutions):
    learner = two_institutions["learner_a"]
    assert list(User.objects.visible_to(learner)) == [learner]
    assert list(Cohort.objects.visible_to(learner)) == []


def test_a_pending_membership_request_grants_no_management(two_institutions):
    t = two_institutions
    applicant = UserFactory()
    services.request_membership(user=applicant, institution=t["b"])
    assert applicant not in User.objects.visible_to(t["manager_a"])
    assert list(User.objects.visible_to(applicant)) == [applicant]


def test_committee_members_see_everyone(two_institutions):
    member = UserFactory()
    member.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    assert User.objects.visible_to(member).count() == User.objects.count()
