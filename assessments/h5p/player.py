"""What a page needs to host the H5P player: the URLs of the sandboxed embed page, of the
statement intake and of the saved state, computed for one activity in one lesson."""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.urls import reverse

from assessments.h5p.services import ACTIVITY_IRI_PREFIX


def activity_iri(request, activity) -> str:
    """The xAPI object id of an activity: the player reports it, the intake checks it."""
    return request.build_absolute_uri(f"{ACTIVITY_IRI_PREFIX}{activity.uuid}")


def player_context(*, request, activity, lesson=None, preview: bool = False) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {
        "activity": activity,
        "available": False,
        "signed_in": bool(user and user.is_authenticated),
    }
    if activity is None or request is None:
        return context
    playable = activity.is_approved if preview else activity.is_playable
    if not playable or (lesson is None and not preview):
        return context
    context.update(
        available=True,
        embed_url=reverse("h5p_embed", args=[activity.content_hash]),
        csrf_token=get_token(request),
    )
    if preview:
        context.update(
            statements_url=reverse("h5p_preview_statements", args=[activity.pk]), state_url=""
        )
    else:
        context.update(
            statements_url=reverse("h5p_statements", args=[lesson.pk]),
            state_url=reverse("h5p_state", args=[lesson.pk, activity.uuid]),
        )
    return context
