"""The shared cache of published content: what every visitor of a page sees the same (the route
from a URL to a page, the site, a course's tree of modules and lessons, the breadcrumb, the
links of the language switch and of the catalogue, a lesson's rendered body).

Everything here is kept in the configured Django cache (Redis in production and CI, so every app
server sees the same entries and the same invalidation) under keys that carry the *content
version*: one number, raised whenever published content may have changed (a page saved,
published, unpublished, moved, deleted or translated; a site, locale, view restriction, image or
document changed; see `courses.receivers.content_changed`). Raising it makes every older entry
unreachable at once; they expire on their own.

Nothing personal is ever stored here: progress, locks, enrolments, buttons and anything that
depends on the visitor are computed for each request, outside these entries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

VERSION_KEY = "content:version"
TIMEOUT = 24 * 3600  # an entry unused for a day is rebuilt (and a lost bump cannot last)
_MISSING = object()


def content_version(request=None) -> int:
    """The current content version (read from the cache once per request)."""
    if request is not None:
        known = getattr(request, "_content_version", None)
        if known is not None:
            return known
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or the key was evicted: start from the clock, above any older version.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY) or time.time_ns()
    if request is not None:
        request._content_version = version
    return version


def bump_content_version() -> None:
    """Published content may have changed: every entry of the shared cache is out of date."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted)
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def key(request, name: str, *parts: Any) -> str:
    return ":".join(["content", str(content_version(request)), name, *map(str, parts)])


def remembered(request, name: str, *parts: Any, compute: Callable[[], Any]) -> Any:
    """The shared value `name`/`parts` of the current content version, computed once (and
    read from the cache once per request: the same objects for the whole request)."""
    entry_key = key(request, name, *parts)
    memo = getattr(request, "_content_cache", None) if request is not None else None
    if memo is not None and entry_key in memo:
        return memo[entry_key]
    value = cache.get(entry_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(entry_key, value, timeout=TIMEOUT)
    if request is not None:
        if memo is None:
            memo = request._content_cache = {}
        memo[entry_key] = value
    return value


def with_served_urls(request, pages: list) -> list:
    """`pages`, each with `served_url`: its URL for this request's site (what `{% pageurl %}`
    gives), computed once with the entry that holds them, so the outlines and breadcrumbs link
    their pages without asking Wagtail for each link of each page view. Entries holding them
    are keyed by the site too."""
    if request is None:  # a service's read: no links to show
        return pages
    for page in pages:
        page.served_url = page.get_url(request)
    return pages


def site_id(request):
    """The site the links are relative to (a page of another site gets a full URL)."""
    from courses.routing import site_for_request

    site = site_for_request(request) if request is not None else None
    return site.pk if site is not None else None


def course_tree(request, course) -> tuple[list, list]:
    """(modules, lessons) of `course`: its published modules and lessons in order, with what an
    outline shows (`outline_of`) and their `served_url`. Per request, the same lists: callers
    annotate them with the learner's state, which never goes back to the cache."""
    from courses.models import LessonPage, ModulePage

    return remembered(
        request,
        "course-tree",
        course.pk,
        site_id(request),
        compute=lambda: (
            with_served_urls(request, list(ModulePage.objects.outline_of(course))),
            with_served_urls(request, list(LessonPage.objects.outline_of(course))),
        ),
    )


def canonical_page_id(request, page) -> int:
    """`courses.progress.canonical_id`, remembered."""
    from courses.progress import canonical_id

    return remembered(
        request, "canonical", page.translation_key, compute=lambda: canonical_id(page)
    )
