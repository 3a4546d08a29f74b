"""What a page needs to host the H5P player: the URLs of the sandboxed embed page, of the
statement intake and of the saved state, computed for one activity in one lesson; the player's
configuration, and the files the phone keeps to play an activity of a downloaded module."""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse

from assessments.h5p.services import ACTIVITY_IRI_PREFIX

# The player's own files: the embed page loads them, the phone's copy posts them into its sandbox.
PLAYER_SCRIPTS = ["js/h5p-embed.js", "h5p/main.bundle.js"]
PLAYER_STATIC = [*PLAYER_SCRIPTS, "h5p/frame.bundle.js", "h5p/styles/h5p.css"]
# What h5p.css points at that the phone keeps: the icon font (the marks of right and wrong
# answers, the buttons' icons), the theme's font and the throbber, 27 KB. Its text fonts (Inter,
# Open Sans, 1 MB) are left to the network: offline, the phone's own fonts stand in.
PLAYER_ASSETS = [
    "h5p/fonts/h5p-core-30.woff2",
    "h5p/fonts/h5p-theme.woff2",
    "h5p/images/throbber.gif",
]


def package_urls(activity) -> list[str]:
    """The addresses of every file of the package: h5p.json, its content, its libraries."""
    base = f"/h5p/files/{activity.content_hash}"
    urls = [f"{base}/h5p.json"]
    urls += [f"{base}/content/{relative}" for relative in activity.content_files]
    for library in activity.libraries.all():
        urls += [f"{base}/libraries/{library.folder_name}/{relative}" for relative in library.files]
    return urls


def offline_player_files(activity) -> list[str]:
    """What the phone's copy of an activity is made of: the player's files and the package's."""
    return [static(name) for name in [*PLAYER_STATIC, *PLAYER_ASSETS]] + package_urls(activity)


def embed_config(request, activity) -> dict[str, Any]:
    """h5p-embed.js's configuration (h5p-standalone's options, the lesson page's origin)."""
    base = f"/h5p/files/{activity.content_hash}"
    return {
        "h5pJsonPath": base,
        "contentJsonPath": f"{base}/content",
        "librariesPath": f"{base}/libraries",
        "frameJs": static("h5p/frame.bundle.js"),
        "frameCss": static("h5p/styles/h5p.css"),
        "xAPIObjectIRI": activity_iri(request, activity),
        "parentOrigin": request.build_absolute_uri("/").rstrip("/"),
        "title": activity.title,
    }


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
            # Played from the phone's copy when the module is downloaded (h5p-activity.js).
            offline_url=reverse("h5p_offline_player", args=[activity.content_hash]),
        )
    return context
