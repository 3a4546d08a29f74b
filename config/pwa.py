"""The installable site: web app manifest, service worker, « Installer l'application » page, the
offline page, and the sign-out that clears what the phone kept.

The worker (`/sw.js`, site/templates/pwa/sw.js) is built from npm's Workbox modules, copied into
the static files by `make install` and loaded from there (never a CDN). It is served from the
site's root so that its scope is the whole site, with no HTTP caching so that a new release or
the kill switch (`OFFLINE_ENABLED` off) reaches phones at their next visit. Its caches carry the
release id: a new release keeps only its own shell cache; the modules a learner downloaded
(`formation-module-…`, their own pages and files) stay until removed or until sign-out.
"""

from __future__ import annotations

import functools
import hashlib
import json

from allauth.account.views import LogoutView
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# What every page needs offline (the shell), kept in the release's cache when the worker installs.
SHELL_STATIC = [
    "css/site.css",
    "css/print.css",
    "css/quiz.css",
    "js/offline-store.js",
    "js/offline.js",
    "js/lesson.js",
    "js/quiz.js",
    "img/favicon.svg",
    "img/icons/icon-192.png",
]
WORKBOX_MODULES = ["core", "routing", "strategies", "precaching"]
ICONS = [
    ("img/icons/icon-192.png", "192x192", "any"),
    ("img/icons/icon-512.png", "512x512", "any"),
    ("img/icons/icon-maskable-512.png", "512x512", "maskable"),
]
THEME_COLOUR = "#0b5e4a"  # --accent in site.css
BACKGROUND_COLOUR = "#fbfaf7"  # --bg


@functools.cache
def release() -> str:
    """The release id in the caches' names: DJANGO_RELEASE, or a digest of the worker's template
    and of the shell's static files (any change to them makes a new release)."""
    if settings.OFFLINE_RELEASE:
        return settings.OFFLINE_RELEASE
    digest = hashlib.sha256()
    template = settings.SITE_DIR / "templates" / "pwa" / "sw.js"
    for path in [str(template), *(finders.find(name) or "" for name in SHELL_STATIC)]:
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def offline_urls() -> dict[str, str]:
    """{language: the offline page in that language}."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = reverse("offline_page")
    return urls


def offline_settings(request) -> dict:
    """Context processor: whether pages register the worker (off: they unregister it)."""
    return {"offline_enabled": settings.OFFLINE_ENABLED}


@require_GET
def web_manifest(request):
    with translation.override(settings.LANGUAGE_CODE):
        manifest = {
            "name": _("Judicial training against trafficking"),
            "short_name": _("Training"),
            "description": _(
                "Training for Mali's judges, prosecutors, police officers and gendarmes on "
                "trafficking in persons; lessons can be downloaded to read offline."
            ),
            "lang": settings.LANGUAGE_CODE,
            "dir": "ltr",
            "id": "/",
            "start_url": reverse("my_training"),
            "scope": "/",
            "display": "standalone",
            "orientation": "any",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
                for path, sizes, purpose in ICONS
            ],
        }
    response = HttpResponse(
        json.dumps(manifest, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
@never_cache
def service_worker(request):
    context = {
        "enabled": settings.OFFLINE_ENABLED,
        "release": json.dumps(release()),
        "workbox_sw": json.dumps(static("workbox/workbox-sw.js")),
        "workbox_modules": json.dumps(
            {f"workbox-{m}": static(f"workbox/workbox-{m}.prod.js") for m in WORKBOX_MODULES}
        ),
        "store_script": json.dumps(static("js/offline-store.js")),
        "shell": json.dumps(
            [static(name) for name in SHELL_STATIC] + list(offline_urls().values())
        ),
        "offline_pages": json.dumps(offline_urls()),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "media_prefix": json.dumps(settings.MEDIA_URL),
    }
    response = HttpResponse(
        render_to_string("pwa/sw.js", context), content_type="text/javascript; charset=utf-8"
    )
    # Served from the root, so its scope may be the whole site.
    response["Service-Worker-Allowed"] = "/"
    return response


def install(request):
    return render(request, "pwa/install.html")


def offline_page(request):
    """Kept by the worker and shown for any page not downloaded when there is no connection.
    It names nobody (rendered as for a visitor): the list of what is on the phone is read there,
    by offline.js."""
    return render(request, "pwa/offline.html", {"user": AnonymousUser()})


class ClearingLogoutView(LogoutView):
    """allauth's sign-out, which also asks the browser to forget what this site kept on the
    phone: caches (downloaded modules) and storage (the queue, the worker). offline.js clears
    them too, first, for browsers without Clear-Site-Data."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


logout = ClearingLogoutView.as_view()
