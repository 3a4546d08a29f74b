"""Outside i18n_patterns: the QR code's language-neutral /verify/<code>/.

See certificates/urls.py."""

from django.urls import path

from certificates import views

urlpatterns = [
    path("verify/<str:code>/", views.verify, name="certificate_verify"),
]
