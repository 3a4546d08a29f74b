"""Roles beyond an institution are Django groups created by migration; their names live here."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from people.models import User

COMMITTEE_GROUP = "Comité national"
MANAGERS_GROUP = "Gestionnaires"
ADMINISTRATORS_GROUP = "Administrateurs"
# Created by Wagtail's own migrations, with page permissions on the whole tree.
EDITORS_GROUP = "Editors"

PRIVILEGED_GROUPS = (COMMITTEE_GROUP, MANAGERS_GROUP, ADMINISTRATORS_GROUP, EDITORS_GROUP)


def requires_mfa(user: User) -> bool:
    """Managers, committee members, editors and administrators must use a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=PRIVILEGED_GROUPS).exists()


def is_committee_member(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=COMMITTEE_GROUP).exists()
    )


def sees_everyone(user: User) -> bool:
    """Superusers, the committee and administrators read every person's records (read-only for
    the committee); everyone else only their own and, for managers, their institutions'."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_sees_everyone", None)
    if cached is None:
        cached = user.is_superuser or (
            user.groups.filter(name__in=(COMMITTEE_GROUP, ADMINISTRATORS_GROUP)).exists()
        )
        user._sees_everyone = cached
    return cached
