"""Writes of the people app. Each keeps group membership in step with institutional roles."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from people.choices import MembershipRole, MembershipStatus
from people.models import Institution, Membership, User
from people.roles import MANAGERS_GROUP


def sync_manager_group(*, user: User) -> None:
    group = Group.objects.get(name=MANAGERS_GROUP)
    if Membership.objects.managed_by(user).exists():
        user.groups.add(group)
    else:
        user.groups.remove(group)


@transaction.atomic
def add_member(
    *,
    user: User,
    institution: Institution,
    role: str = MembershipRole.LEARNER,
) -> Membership:
    """Make `user` an active member of `institution` with `role` (idempotent)."""
    membership, _created = Membership.objects.update_or_create(
        user=user,
        institution=institution,
        defaults={"role": role, "status": MembershipStatus.ACTIVE},
    )
    sync_manager_group(user=user)
    return membership


@transaction.atomic
def request_membership(*, user: User, institution: Institution) -> Membership:
    """A learner asks to join an institution; an existing membership there is left as it is."""
    membership, _created = Membership.objects.get_or_create(
        user=user,
        institution=institution,
        defaults={"role": MembershipRole.LEARNER, "status": MembershipStatus.REQUESTED},
    )
    return membership


@transaction.atomic
def withdraw_membership_request(*, user: User) -> int:
    deleted, _ = Membership.objects.filter(user=user, status=MembershipStatus.REQUESTED).delete()
    return deleted


@transaction.atomic
def accept_membership(*, membership: Membership) -> Membership:
    """Accept a request to join, as a learner (a request never brings a power with it)."""
    membership.status = MembershipStatus.ACTIVE
    membership.role = MembershipRole.LEARNER
    membership.save(update_fields=["status", "role"])
    sync_manager_group(user=membership.user)
    return membership


@transaction.atomic
def decline_membership(*, membership: Membership) -> None:
    """A manager declines a request to join: it is deleted (the person may ask again)."""
    Membership.objects.filter(pk=membership.pk, status=MembershipStatus.REQUESTED).delete()


@transaction.atomic
def update_profile(
    *,
    user: User,
    full_name: str,
    matricule: str,
    profession: str,
    sex: str,
    preferred_language: str,
    requested_institution: Institution | None,
) -> User:
    user.full_name = " ".join(full_name.split())
    user.matricule = matricule.strip()
    user.profession = profession
    user.sex = sex
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "matricule", "profession", "sex", "preferred_language"])
    if requested_institution is not None:
        request_membership(user=user, institution=requested_institution)
    return user


@transaction.atomic
def complete_signup(
    *,
    user: User,
    full_name: str,
    profession: str,
    matricule: str,
    preferred_language: str,
    requested_institution: Institution | None,
) -> User:
    """Who a newcomer is, from the sign-up form: the full name printed on certificates, the
    profession, the staff number; the language they signed up in; an institution to join."""
    from people.choices import Language

    user.full_name = " ".join(full_name.split())
    user.profession = profession
    user.matricule = matricule.strip()
    if preferred_language in Language.values:
        user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "profession", "matricule", "preferred_language"])
    if requested_institution is not None:
        request_membership(user=user, institution=requested_institution)
    return user
