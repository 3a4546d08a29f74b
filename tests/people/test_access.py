"""The one rule (people/access.py): for each role, whose records and which capabilities."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from people import services
from people.access import Reach, access_for
from people.choices import MembershipRole
from people.models import User
from people.roles import ADMINISTRATORS_GROUP, COMMITTEE_GROUP, EDITORS_GROUP
from tests.factories import InstitutionFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

CAPABILITIES = (
    "manages_people",
    "reads_register",
    "issues_certificates",
    "approves_h5p_libraries",
    "edits_content",
    "requires_second_factor",
)


def _grouped(name):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def people():
    x = InstitutionFactory()
    manager = UserFactory()
    services.add_member(user=manager, institution=x, role=MembershipRole.MANAGER)
    return {
        "learner": member_of(x),
        "manager": manager,
        "committee": _grouped(COMMITTEE_GROUP),
        "editor": _grouped(EDITORS_GROUP),
        "administrator": _grouped(ADMINISTRATORS_GROUP),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


EXPECTED = {
    # reach, then the capabilities in the order above
    "learner": (Reach.SELF, (False, False, False, False, False, False)),
    "manager": (Reach.INSTITUTIONS, (True, True, False, False, False, True)),
    "committee": (Reach.EVERYONE, (False, True, False, False, False, True)),
    "editor": (Reach.SELF, (False, False, False, False, True, True)),
    "administrator": (Reach.EVERYONE, (False, True, True, True, True, True)),
    "superuser": (Reach.EVERYONE, (True, True, True, True, True, True)),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_reach_and_capabilities(people, role):
    access = access_for(User.objects.get(pk=people[role].pk))
    reach, capabilities = EXPECTED[role]
    assert access.reach == reach
    assert tuple(getattr(access, name) for name in CAPABILITIES) == capabilities


def test_anonymous_visitors_read_nobody_and_may_do_nothing():
    access = access_for(AnonymousUser())
    assert access.reach == Reach.NOBODY
    assert not any(getattr(access, name) for name in CAPABILITIES)
    assert not User.objects.visible_to(AnonymousUser()).exists()


def test_the_answer_costs_two_queries_at_most_and_is_remembered(people, django_assert_num_queries):
    user = User.objects.get(pk=people["manager"].pk)
    with django_assert_num_queries(2):
        access = access_for(user)
        for name in ("reach", *CAPABILITIES):
            getattr(access, name)
    with django_assert_num_queries(0):
        assert access_for(user).manages_people


def test_an_inactive_account_has_no_power():
    user = UserFactory(is_superuser=True, is_staff=True, is_active=False)
    assert access_for(user).reach == Reach.NOBODY
    assert not access_for(user).manages_people


def test_a_pending_request_or_a_pending_manager_role_gives_nothing():
    x = InstitutionFactory()
    requester = member_of(InstitutionFactory())
    services.request_membership(user=requester, institution=x)
    manager = UserFactory()
    from people.models import Membership

    Membership.objects.create(
        user=manager, institution=x, role=MembershipRole.MANAGER, status="requested"
    )
    assert not access_for(manager).manages_people
    assert requester not in User.objects.visible_to(manager)
