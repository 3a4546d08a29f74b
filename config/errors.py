"""The error pages (400, 403, 404, 500 and a refused form, CSRF), in the site's frame and the
visitor's language, each with a way back: the page before (when it is one of ours), the home
page and « Ma formation ».

404 and 403 are framed by base.html (header, menu, language switch). 400 and 500 use
errors/standalone.html, which needs neither the database nor a context processor nor the
request's host: a 500 may come from a database that is down, a 400 from a Host header that is
refused, and an error page that fails in turn would leave the visitor with the server's bare
message. They are wired in config/urls.py (handler400…) and CSRF_FAILURE_VIEW."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


def _back_url(request) -> str:
    """The page the visitor came from, when it is a page of this site (else "")."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # a refused Host header (the 400 it caused): no link back then
        return ""
    ours = referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    )
    return referer if ours and referer != request.build_absolute_uri() else ""


def _framed(request, template: str, status: int, **context) -> HttpResponse:
    context = {"back_url": _back_url(request), "status": status, **context}
    try:
        body = loader.render_to_string(template, context, request=request)
    except Exception:
        # The frame needs the database (menu, signed-in person): without it, the bare page.
        logger.exception("Error page %s could not be rendered in the site's frame", status)
        return _standalone(status, context)
    return HttpResponse(body, status=status)


def _standalone(status: int, context: dict | None = None) -> HttpResponse:
    body = loader.get_template("errors/standalone.html").render(
        {"status": status, **(context or {})}
    )
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _standalone(400, {"back_url": _back_url(request)})


@requires_csrf_token
def permission_denied(request, exception=None):
    return _framed(request, "errors/403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _framed(request, "errors/404.html", 404)


# A service every page needs that does not answer (restarting, unreachable): the database, or
# Redis (cache, rate limits of the sign-in).
SERVICE_DOWN = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
# How long a visitor (and a proxy) is told to wait when the database does not answer: a
# PostgreSQL restart or fail-over takes seconds, the servers reconnect by themselves.
RETRY_AFTER_SECONDS = 10


@requires_csrf_token
def server_error(request):
    """500, or 503 when the error is the database or Redis not answering (restarting,
    unreachable, too many connections): not a bug of the page, so « try again in a moment » —
    and behind nginx a 503 sends the next requests to another server (deploy/nginx.conf,
    proxy_next_upstream)."""
    if isinstance(sys.exc_info()[1], SERVICE_DOWN):
        response = _standalone(503, {"back_url": _back_url(request)})
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _standalone(500, {"back_url": _back_url(request)})


def csrf_failure(request, reason=""):
    """A form refused because its security token is missing or stale (a page left open for
    hours, cookies blocked): say so and how to go on, rather than Django's « CSRF » page."""
    return _framed(request, "errors/csrf.html", 403, cookies_blocked=not request.COOKIES)
