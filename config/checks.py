"""System checks of the deployment (`manage.py check --deploy`), registered by PeopleConfig.ready.

formation.W001: `WAGTAILADMIN_BASE_URL` is the site's public address, printed in every
certificate's QR code and link and in the e-mails. Left at its default (http://127.0.0.1:8000)
or pointing at this machine, every certificate issued would lead to an address nobody else
reaches, and a certificate, once issued, keeps its QR code."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}


@register(Tags.security, deploy=True)
def check_public_base_url(app_configs=None, **kwargs):
    url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    local = host in LOOPBACK_HOSTS or host.endswith(".localhost")
    if parts.scheme in ("http", "https") and not local:
        return []
    return [
        Warning(
            f"WAGTAILADMIN_BASE_URL is {url!r}: certificates' QR codes and links and the e-mails "
            "would point at this machine, not at the public site.",
            hint=(
                "Set WAGTAILADMIN_BASE_URL to the site's public address, e.g. "
                "WAGTAILADMIN_BASE_URL=https://formation.justice.ml (see .env.example)."
            ),
            id="formation.W001",
        )
    ]
