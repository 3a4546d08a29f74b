import os

import pytest
from django.db import connection

from config import celery_app


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL or "none (tasks run eagerly)"
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}", f"broker: {broker}"]


@pytest.fixture(scope="session", autouse=True)
def _ci_runs_on_postgresql(django_db_setup, django_db_blocker):
    # CI must exercise the real database; a silent fall-back to SQLite would hide bugs.
    if os.environ.get("CI") and connection.vendor != "postgresql":
        pytest.exit(f"CI must run on PostgreSQL, not {connection.vendor}", returncode=3)


@pytest.fixture(autouse=True)
def _test_environment(settings, tmp_path):
    """Uploads go to a temporary folder; static files need no collectstatic; tasks run eagerly
    unless a test starts a real worker (see the `celery_worker` fixture)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _empty_cache():
    # allauth's rate limits and used TOTP codes live in the cache: no test inherits another's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def celery_worker(settings):
    """A real Celery worker thread consuming from the configured broker (CI: Redis)."""
    from celery.contrib.testing.worker import start_worker

    if not settings.CELERY_BROKER_URL:
        pytest.skip("no CELERY_BROKER_URL: the embedded default runs tasks eagerly")
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING") as w:
        yield w
    celery_app.conf.task_always_eager = True
