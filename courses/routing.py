"""Serving Wagtail pages with the routing remembered: the site of a host, and the page at a URL
path per site and language, are kept in the shared cache (`courses.cache`), so a page view costs
one query for the page itself instead of the site, the locale, the localised root and the walk
(or `HomePage.route`'s lookup). What is remembered is only the page's id and type: the page row
is read on every request, and must still be live.

Anything not remembered (a first visit, a 404, a route with arguments) goes through Wagtail's
own routing, which gives the same answer."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse, HttpResponseNotModified
from django.http.request import split_domain_port
from django.utils.http import parse_etags
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from courses import cache


def site_for_request(request) -> Site | None:
    """Wagtail's `Site.find_for_request`, remembered per host and port."""
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        request._wagtail_site = cache.remembered(
            request, "site", hostname, port, compute=lambda: Site._find_for_request(request)
        )
    return request._wagtail_site


def _remembered_route(request, site: Site, path: str) -> RouteResult | None:
    entry_key = cache.key(request, "route", site.pk, get_language(), path)
    entry = cache.cache.get(entry_key)
    if entry is not None:
        page_id, content_type_id = entry
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model._default_manager.filter(pk=page_id, live=True).first() if model else None
        if page is not None:
            return RouteResult(page)
    result = Page.route_for_request(request, path)
    if result is not None:
        page, args, kwargs = result
        if not args and not kwargs and page.live:
            cache.cache.set(entry_key, (page.pk, page.content_type_id), timeout=cache.TIMEOUT)
    return result


# Blocks rendered for each visitor (`courses.templatetags.shared_content`): they read a model
# that is not a page (an activity, a quiz), whose changes do not raise the content version.
PER_VISITOR_BLOCKS = frozenset({"h5p_activity", "scorm_module", "quiz"})

# Django's messages cookie (`CookieStorage`, first of the default `FallbackStorage`).
MESSAGES_COOKIE = "messages"
# A rendered public page is kept this long unless the content version changes first.
COPY_TIMEOUT = 3600


def public_etag(request, page, path: str) -> str | None:
    """The validator of a page as every visitor sees it, or None when the page is not the same
    for everyone: a signed-in person, a page behind a view restriction, a page with a block
    rendered per visitor. Made of the content version (raised on any publish, unpublish, move,
    translation: `courses.cache`), the release (static files; DJANGO_RELEASE names a deployment),
    the offline switch and the page, its language and path, so computing it renders nothing.
    `config.middleware.HttpCachingMiddleware` still refuses to share a response that set a
    cookie or showed a CSRF token or a message."""
    from config.pwa import release

    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    if getattr(page, "_served_view_restrictions", None):
        return None
    for field in ("body", "sources"):
        stream = getattr(page.specific_deferred, field, None)
        raw = getattr(stream, "raw_data", None) or []
        if any(block.get("type") in PER_VISITOR_BLOCKS for block in raw):
            return None
    parts = [
        cache.content_version(request),
        release(),
        settings.OFFLINE_ENABLED,  # pages register the offline worker, or remove it
        page.pk,
        get_language(),
        path,
    ]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _not_modified(request, etag: str) -> bool:
    asked = request.headers.get("If-None-Match", "")
    if not asked:
        return False
    if asked.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x" and W/"x".
    own = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == own for tag in parse_etags(asked))


def _public_copy_key(request, path: str) -> str | None:
    """Where the rendered copy of the page at `path` as every visitor sees it is kept, or None
    when this request may not be answered from it: not a GET or HEAD, a query string (a search,
    a page number), or a visitor with a session or a message waiting (a message is shown, and
    used up, by the page that renders it; a session may be signed in). The key carries the
    content version (`courses.cache.key`), the release, the offline switch, the host, the
    language and the path: the same parts as the page's ETag."""
    from config.pwa import release

    if request.method not in ("GET", "HEAD") or request.GET:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return None
    return cache.key(
        request,
        "public-page",
        release(),
        settings.OFFLINE_ENABLED,
        request._get_raw_host(),
        get_language(),
        path,
    )


def _from_public_copy(request, copy_key: str):
    """The page from its rendered copy (`HttpCachingMiddleware` keeps it once a response was
    found shareable): no routing, no page query, no rendering."""
    entry = cache.cache.get(copy_key)
    if entry is None:
        return None
    etag, content_type, content = entry
    if _not_modified(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response.public_cache = True
    return response


def serve(request, path: str):
    """Wagtail's `serve` view, with the site, the route and the page's view restrictions found
    through the shared cache. A page every visitor sees the same is sent with its ETag
    (`public_etag`) and answers 304, without rendering, to a GET that already holds it; once
    rendered, it is kept whole (`_public_copy_key`) and sent again to the next visitors without
    routing or rendering."""
    copy_key = _public_copy_key(request, path)
    if copy_key is not None:
        response = _from_public_copy(request, copy_key)
        if response is not None:
            return response
    site = site_for_request(request)
    etag = None
    if site is not None and not hasattr(request, "_wagtail_route_for_request"):
        result = _remembered_route(request, site, path)
        request._wagtail_route_for_request = result
        if result is not None:
            page = result.page if isinstance(result, RouteResult) else result[0]
            page._served_view_restrictions = cache.remembered(
                request,
                "restrictions",
                page.pk,
                compute=lambda: list(Page.get_view_restrictions(page)),
            )
            if isinstance(result, RouteResult) and not result.args and not result.kwargs:
                etag = public_etag(request, page, path)
    if etag is not None and _not_modified(request, etag):
        response = HttpResponseNotModified()
    else:
        response = wagtail_serve(request, path)
    if etag is not None and response.status_code in (200, 304):
        response["ETag"] = etag
        response.public_cache = True  # config.middleware.HttpCachingMiddleware decides
        if response.status_code == 200 and copy_key is not None:
            response.public_copy = (copy_key, etag)  # kept by the middleware if shareable
    return response


def keep_public_copy(response) -> None:
    """Called by `HttpCachingMiddleware` for a response it sends public: the rendered page is
    kept for the next visitors (`serve`)."""
    copy = getattr(response, "public_copy", None)
    if copy is None or getattr(response, "streaming", False):
        return
    copy_key, etag = copy
    cache.cache.set(
        copy_key, (etag, response["Content-Type"], response.content), timeout=COPY_TIMEOUT
    )
