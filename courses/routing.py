"""Serving Wagtail pages with the routing remembered: the site of a host, and the page at a URL
path per site and language, are kept in the shared cache (`courses.cache`), so a page view costs
one query for the page itself instead of the site, the locale, the localised root and the walk
(or `HomePage.route`'s lookup). What is remembered is only the page's id and type: the page row
is read on every request, and must still be live.

Anything not remembered (a first visit, a 404, a route with arguments) goes through Wagtail's
own routing, which gives the same answer."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http.request import split_domain_port
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


def serve(request, path: str):
    """Wagtail's `serve` view, with the site, the route and the page's view restrictions found
    through the shared cache."""
    site = site_for_request(request)
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
    return wagtail_serve(request, path)
