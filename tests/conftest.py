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
