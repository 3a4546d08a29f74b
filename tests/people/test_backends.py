"""The sign-in backends load the signed-in person with their roles in the same query
(`people.backends`, `UserQuerySet.with_roles`); the roles are still read on every request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from people.access import access_for
from people.backends import AuthenticationBackend, ModelBackend
from people.choices import MembershipRole, MembershipStatus
from people.models import Membership
from people.roles import COMMITTEE_GROUP, MANAGERS_GROUP
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the roles come with the user on PostgreSQL"
)


@pytest.fixture
def manager():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    institution = InstitutionFactory()
    MembershipFactory(
        user=user,
        institution=institution,
        role=MembershipRole.MANAGER,
        status=MembershipStatus.ACTIVE,
    )
    MembershipFactory(
        user=user,
        institution=InstitutionFactory(),
        role=MembershipRole.MANAGER,
        status=MembershipStatus.REQUESTED,
    )
    return user, institution


@on_postgresql
@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_the_user_and_their_roles_are_one_query(backend, manager, django_assert_num_queries):
    user, institution = manager
    with django_assert_num_queries(1):
        loaded = backend().get_user(user.pk)
        access = access_for(loaded)
        assert access.requires_second_factor
        assert access.groups == {MANAGERS_GROUP}
        assert access.managed_institution_ids == {institution.pk}  # the active one only


@on_postgresql
def test_a_role_withdrawn_or_given_counts_at_the_next_load(manager):
    user, _institution = manager
    user.groups.clear()
    Membership.objects.filter(user=user).update(status=MembershipStatus.REQUESTED)
    user.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    access = access_for(ModelBackend().get_user(user.pk))
    assert access.groups == {COMMITTEE_GROUP}
    assert access.managed_institution_ids == frozenset()


def test_a_deactivated_account_is_not_loaded(manager):
    user, _institution = manager
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ModelBackend().get_user(user.pk) is None
    assert AuthenticationBackend().get_user(user.pk) is None


def test_a_learner_with_no_role_needs_no_second_factor():
    user = UserFactory()
    access = access_for(ModelBackend().get_user(user.pk))
    assert not access.requires_second_factor
    assert access.groups == frozenset()
