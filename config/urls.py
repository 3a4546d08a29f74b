from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import pwa
from config.health import healthz
from config.storage import serve_media
from config.views import ceiling
from courses import routing
from people import signin
from people import views as people_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The installable site: its manifest and its service worker, at the root (scope: the site).
    path("manifest.webmanifest", pwa.web_manifest, name="web_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    # One way in (people/signin.py): Wagtail's own sign-in and password-reset pages lead to
    # allauth's, which ask for the second factor.
    path("admin/login/", signin.ToAllauth.as_view(), name="wagtailadmin_login"),
    re_path(
        r"^admin/password_reset/",
        signin.ToAllauth.as_view(pattern_name="account_reset_password"),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Public media from the default storage (a bucket, or the disk) when no proxy sends them.
    re_path(r"^media/(?P<path>.+)$", serve_media, name="media"),
    # The H5P player and its xAPI intake: no language prefix (the sandboxed frame asks for them).
    path("", include("assessments.urls")),
    path("", include("certificates.qr_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/profile/", people_views.profile, name="profile"),
    path("accounts/2fa/totp/activate/", signin.activate_totp, name="mfa_activate_totp"),
    path("_util/login/", signin.ToAllauth.as_view(), name="wagtailcore_login"),
    # Signing out also clears what the site kept on the phone (Clear-Site-Data).
    path("accounts/logout/", pwa.logout, name="account_logout"),
    path("accounts/", include("allauth.urls")),
    path(_("install/"), pwa.install, name="install_app"),
    path(_("offline/"), pwa.offline_page, name="offline_page"),
    path("", include("assessments.offline.urls")),
    path("manager/", include("people.manager.urls")),
    path("manager/", include("courses.manager.urls")),
    path("", include("courses.urls")),
    path("registre/", include("certificates.register.urls")),
    path("", include("certificates.urls")),
    # Wagtail's pages, served with their site and route remembered (courses/routing.py).
    path("", routing.serve, {"path": ""}, name="home"),
    re_path(r"^((?:[\w\-]+/)*)$", routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# Error pages in the site's frame and the visitor's language (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
