"""Included inside i18n_patterns (/fr/…, /en/…). certificates/qr_urls.py sits outside them, so
the QR code's /verify/<code>/ opens straight on the page (French unless the visitor chose
English). Both verification routes share a name, so the language switch, which
translates the current URL by name, leads from the neutral page to /en/verify/<code>/."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from certificates import views

urlpatterns = [
    path("verify/", views.verify_form, name="certificate_verify_form"),
    path("verify/<str:code>/", views.verify, name="certificate_verify"),
    path(_("my-certificates/"), views.my_certificates, name="my_certificates"),
    path(
        "learning/certificates/<int:certificate_id>/pdf/",
        views.download,
        name="certificate_download",
    ),
]
