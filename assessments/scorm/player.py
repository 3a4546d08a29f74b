"""How a lesson hands a SCORM package to the learner's browser.

The lesson page opens the package's launch file in `<iframe sandbox="allow-scripts">`: an opaque
origin, never the site's, never the learner's cookies. The URL carries a signed token naming the
learner, the lesson and the package's version (valid the day it was made and the next); every
file of the package is served under it, and every web page of it gets the SCORM runtime
(scorm-again, with `site/static/js/scorm-runtime.js`) and the learner's data before its own
scripts. The runtime
commits to `scorm_commit` with the same token: cookie-less and token-authenticated.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from assessments.models import ScormPackage
from people.models import User

SALT = "assessments.scorm.runtime"
# A token works the day it was made and the next: a learner who keeps a module open past
# midnight goes on; the URL stays the same all day, so the browser's cache holds its files. It
# names the package's version: a new version is never served from that cache.
VALID_DAYS = 2


@dataclass(frozen=True)
class Launch:
    user: User
    lesson: Page | None  # None: a staff preview, whose commits are never stored
    package: ScormPackage


def launch_token(
    *, user, lesson: Page | None, package: ScormPackage, day: datetime.date | None = None
) -> str:
    day = day or timezone.localdate()
    return signing.Signer(salt=SALT).sign_object(
        [
            user.pk,
            lesson.pk if lesson else 0,
            package.pk,
            day.toordinal(),
            package.content_hash[:16],
        ],
        compress=True,
    )


def read_token(token: str) -> Launch | None:
    """The launch a token names, or None (forged, expired, or whose objects are gone)."""
    try:
        user_id, lesson_id, package_id, day, version = signing.Signer(salt=SALT).unsign_object(
            token
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not 0 <= timezone.localdate().toordinal() - day < VALID_DAYS:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    lesson = Page.objects.live().filter(pk=lesson_id).first() if lesson_id else None
    package = ScormPackage.objects.filter(pk=package_id).first()
    if user is None or (lesson is None and lesson_id) or package is None:
        return None
    if package.content_hash[:16] != version:
        return None  # replaced since: the next launch plays the new version
    return Launch(user, lesson, package)


def launch_url(token: str, package: ScormPackage) -> str:
    url = reverse("scorm_file", args=[token, package.launch_path])
    return f"{url}?{package.launch_query}" if package.launch_query else url


def player_context(*, request, package, lesson=None) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {
        "package": package,
        "available": package is not None and lesson is not None,
        "signed_in": bool(user and user.is_authenticated),
    }
    if context["available"] and context["signed_in"]:
        token = launch_token(user=user, lesson=lesson, package=package)
        context["launch_url"] = launch_url(token, package)
    return context
