"""System checks of the deployment (`manage.py check --deploy`), registered by PeopleConfig.ready.

formation.W001: `WAGTAILADMIN_BASE_URL` is the site's public address, printed in every
certificate's QR code and link and in the e-mails. Left at its default (http://127.0.0.1:8000)
or pointing at this machine, every certificate issued would lead to an address nobody else
reaches, and a certificate, once issued, keeps its QR code.

formation.W002-W004: what one process or one server keeps to itself while the site runs on
several (a cache in memory; with APP_SERVERS listing more than one, media on the local disk and
SQLite)."""

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


def _app_servers() -> list[str]:
    return [server for server in getattr(settings, "APP_SERVERS", []) if server.strip()]


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    """formation.W002: a cache in each process's memory (locmem, the default without CACHE_URL)
    in production. gunicorn runs several processes, each with its own copy: sign-in and
    verification rate limits count per process (a client gets N times the limit), a second-factor
    code used in one process is accepted again in another, the import progress is not seen."""
    if settings.DEBUG:
        return []
    local = [
        alias
        for alias, cache in settings.CACHES.items()
        if cache.get("BACKEND", "").endswith(("locmem.LocMemCache", "dummy.DummyCache"))
    ]
    if not local:
        return []
    return [
        Warning(
            f"The cache {', '.join(local)!s} is kept in each process's memory: rate limits, used "
            "second-factor codes and import progress are not shared between gunicorn workers "
            "nor app servers.",
            hint="Set CACHE_URL to Redis, e.g. CACHE_URL=redis://127.0.0.1:6379/1 (.env.example).",
            id="formation.W002",
        )
    ]


@register(Tags.files, deploy=True)
def check_storage_shared_by_app_servers(app_configs=None, **kwargs):
    """formation.W003, W004: with more than one app server (APP_SERVERS), files on one server's
    disk (media, private files) are missing on the others, and SQLite is a file of one machine."""
    servers = _app_servers()
    if settings.DEBUG or len(servers) < 2:
        return []
    from django.core.files.storage import default_storage, storages

    from config.storage import is_local

    warnings = []
    local = [
        name
        for name, storage in (("media", default_storage), ("private", storages["private"]))
        if is_local(storage)
    ]
    if local:
        warnings.append(
            Warning(
                f"{len(servers)} app servers are configured (APP_SERVERS) but the "
                f"{' and '.join(local)} files are on this server's disk: a file uploaded or "
                "rendered on one server is missing on the others.",
                hint=(
                    "Put them in object storage: STORAGE_URL=s3://KEY:SECRET@HOST/MEDIA_BUCKET?"
                    "private_bucket=PRIVATE_BUCKET (README, « Stockage »)."
                ),
                id="formation.W003",
            )
        )
    if any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
        warnings.append(
            Warning(
                f"{len(servers)} app servers are configured (APP_SERVERS) on an SQLite database, "
                "a file of one machine.",
                hint="Set DATABASE_URL to the shared PostgreSQL server.",
                id="formation.W004",
            )
        )
    return warnings
