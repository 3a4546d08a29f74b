"""Who sees which part of the register, from the site's one rule (`people.access`).

The committee and administrators see the whole register; a manager sees only the people of the
institutions they manage (their active manager memberships, as in the manager area); anyone else
sees nothing. Editors (Wagtail staff) are not administrators: they see nothing either."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from people.access import access_for


@dataclass(frozen=True)
class Scope:
    """`institution_ids` is None for the whole register, else the managed institutions."""

    institution_ids: tuple[int, ...] | None

    @property
    def national(self) -> bool:
        return self.institution_ids is None


def register_scope(user) -> Scope | None:
    """The part of the register `user` may read (`people.access`), or None."""
    access = access_for(user)
    if not access.reads_register:
        return None
    if access.sees_everyone:
        return Scope(None)
    return Scope(tuple(sorted(access.managed_institution_ids)))


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
