"""Who may enter the manager area, and which institutions they act for."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from people.models import Institution, Membership


def managed_institutions(user):
    """The institutions `user` manages (every institution for an administrator)."""
    if user.is_superuser:
        return Institution.objects.all()
    return Institution.objects.filter(
        pk__in=Membership.objects.managed_by(user).values("institution")
    )


def is_manager(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_manager", None)
    if cached is None:
        cached = user.is_superuser or Membership.objects.managed_by(user).exists()
        user._is_manager = cached
    return cached


def manager_required(view):
    """Signed-in managers only; anyone else gets a 404 (the area's existence is not a secret,
    but nothing in it concerns them)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_manager(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
