import functools

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import is_valid_path, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from courses.routing import keep_public_copy


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the visitor chose English: the language comes from the URL prefix, else
    from the visitor's last choice (a cookie), else French. The browser's Accept-Language is
    ignored, so an English-language phone still opens the French site first."""

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info)
        if language is None:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            supported = {code for code, _name in settings.LANGUAGES}
            language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # A view outside the language-prefixed URLs (admin, H5P player, healthz) that answers
        # 404 itself keeps its 404: the visitor is not sent to a prefixed copy of the URL.
        own_404 = response.status_code == 404 and is_valid_path(
            request.path_info, getattr(request, "urlconf", None)
        )
        if not own_404:
            response = super().process_response(request, response)
        language = translation.get_language_from_path(request.path_info)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # Remember the visitor's choice for URLs without a language prefix.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


class ServedByMiddleware:
    """Names the app server that answered in `X-Served-By` (settings.SERVED_BY, from
    DJANGO_SERVED_BY; no header when empty): behind a round-robin proxy, the operator reading a
    response, and the multi-server tests, can tell which server it came from. First in the
    chain, so error pages (a database that is down included) say it too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.name = settings.SERVED_BY

    def __call__(self, request):
        response = self.get_response(request)
        if self.name:
            response["X-Served-By"] = self.name
        return response


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` (settings.PERMISSIONS_POLICY: feature → allowed origins, an
    empty list refusing the feature everywhere) on every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware: settings.CONTENT_SECURITY_POLICY on every response that has no
    header of its own, plus settings.CONTENT_SECURITY_POLICY_ADMIN_UPDATE on the Wagtail admin's
    pages, whose widgets still write inline scripts and styles. Page previews are rendered through
    the whole middleware chain with the page's own URL, so they get the site's policy."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(_admin_prefix()):
            update = dict(settings.CONTENT_SECURITY_POLICY_ADMIN_UPDATE)
            for directive, sources in (parts.update or {}).items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts


@functools.cache
def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")


# Visitors' pages (catalogue, course, lesson: `courses.routing.public_etag`) may be kept by the
# browser and a shared proxy this long, then revalidated: a 304 costs one page query.
PUBLIC_MAX_AGE = 60


class HttpCachingMiddleware:
    """Cache headers. A page `courses.routing.serve` marked as the same for every visitor is
    sent `Cache-Control: public, max-age=60, must-revalidate` with its ETag and `Vary: Cookie`
    (a signed-in person's page at the same URL is another one) — unless this response carries
    something of this visitor: a CSRF token shown, a cookie set (a session, messages, the CSRF
    cookie; the language cookie, the same for every visitor of the URL, is allowed) or a message
    displayed. Such a response, and every response to a signed-in person that did not choose its
    own, is `private, no-cache`, without the ETag. Placed above the session, CSRF and messages
    middleware, so it sees the cookies they set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "public_cache", False):
            if self._shared_safely(request, response):
                patch_cache_control(
                    response, public=True, max_age=PUBLIC_MAX_AGE, must_revalidate=True
                )
                patch_vary_headers(response, ("Cookie",))
                keep_public_copy(response)
                return response
            del response["ETag"]
            response["Cache-Control"] = "private, no-cache"
            return response
        if "Cache-Control" not in response and self._personal(request, response):
            response["Cache-Control"] = "private, no-cache"
        return response

    @staticmethod
    def _personal(request, response) -> bool:
        user = getattr(request, "user", None)
        return bool(
            (user is not None and user.is_authenticated)
            or request.META.get("CSRF_COOKIE_USED")
            or any(name != settings.LANGUAGE_COOKIE_NAME for name in response.cookies)
        )

    @classmethod
    def _shared_safely(cls, request, response) -> bool:
        if cls._personal(request, response):
            return False
        messages = getattr(request, "_messages", None)
        return not (messages is not None and messages.used)
