"""`/healthz`: the state of what every request may need — the database, the cache (sessions of
sign-in, rate limits, used second-factor codes), the file storages (public media and private
files) and, when one is configured, the Celery broker. 200 when all answer, 503 when one does
not, with the name of the one that failed.

Behind the proxy (deploy/nginx.conf) a server whose database is down answers 503 to every page
as well (config/errors.py): nginx then takes the request to the next server and, after
`max_fails`, stops sending to this one for `fail_timeout`. Monitoring reads /healthz."""

import logging
import socket
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: the database does not answer", exc_info=True)
        return False


def _broker_ok(url: str) -> bool:
    try:
        with Connection(url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.warning("healthz: the broker does not answer", exc_info=True)
        return False


def _cache_ok() -> bool:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
        return ok
    except Exception:
        logger.warning("healthz: the cache does not answer", exc_info=True)
        return False


def _storage_ok(alias: str) -> bool:
    """A small file written, read back and deleted: a storage that only lists, or a disk mounted
    read-only, is not one the site can upload to."""
    storage = storages[alias]
    probe = f"healthz/{settings.SERVED_BY or socket.gethostname()}-{uuid.uuid4().hex}.txt"
    try:
        name = storage.save(probe, ContentFile(b"ok"))
        try:
            with storage.open(name, "rb") as handle:
                return handle.read() == b"ok"
        finally:
            storage.delete(name)
    except Exception:
        logger.warning("healthz: the %s storage does not answer", alias, exc_info=True)
        return False


@never_cache
def healthz(request):
    checks = {
        "database": _database_ok(),
        "cache": _cache_ok(),
        "storage": _storage_ok("default") and _storage_ok("private"),
    }
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _broker_ok(settings.CELERY_BROKER_URL)
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down"}
        | {name: "ok" if ok else "down" for name, ok in checks.items()},
        status=200 if healthy else 503,
    )
