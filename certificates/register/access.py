"""Who sees which part of the register.

The committee and administrators see the whole register; a manager sees only the people of the
institutions they manage (their active manager memberships, as in the manager area); anyone else
sees nothing. Editors (Wagtail staff) are not administrators: they see nothing either."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from people.models import Membership
from people.roles import sees_everyone


@dataclass(frozen=True)
class Scope:
    """`institution_ids` is None for the whole register, else the managed institutions."""

    institution_ids: tuple[int, ...] | None

    @property
    def national(self) -> bool:
        return self.institution_ids is None


def register_scope(user) -> Scope | None:
    """The part of the register `user` may read, or None (two queries at most, remembered)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_register_scope", False)
    if cached is not False:
        return cached
    if sees_everyone(user):
        scope = Scope(None)
    elif getattr(user, "_is_manager", None) is False:
        # The header already found out that this person manages nothing.
        scope = None
    else:
        managed = tuple(
            Membership.objects.managed_by(user).values_list("institution_id", flat=True)
        )
        scope = Scope(tuple(sorted(managed))) if managed else None
    user._register_scope = scope
    return scope


def register_required(view):
    """Signed-in committee members, administrators and managers; 403 for anyone else."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        scope = register_scope(request.user)
        if scope is None:
            raise PermissionDenied
        request.register_scope = scope
        return view(request, *args, **kwargs)

    return wrapped
