from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.views import serve as wagtail_serve

from config.health import healthz
from config.views import ceiling
from people import views as people_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The H5P player and its xAPI intake: no language prefix (the sandboxed frame asks for them).
    path("", include("assessments.urls")),
    path("", include("certificates.qr_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/profile/", people_views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("manager/", include("people.manager.urls")),
    path("manager/", include("courses.manager.urls")),
    path("", include("courses.urls")),
    path("registre/", include("certificates.register.urls")),
    path("", include("certificates.urls")),
    path("", wagtail_serve, {"path": ""}, name="home"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
