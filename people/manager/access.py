"""Who may enter the manager area, and which institutions they act for (`people.access`)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from people.access import access_for
from people.models import Institution


def managed_institutions(user):
    """The institutions `user` manages (every institution for a superuser)."""
    condition = access_for(user).institution_filter("pk")
    if not access_for(user).manages_people:
        return Institution.objects.none()
    return Institution.objects.all() if condition is None else Institution.objects.filter(condition)


def is_manager(user) -> bool:
    return access_for(user).manages_people


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
