import socket

import pytest
from django.core.files.storage import storages

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_ok_when_everything_answers(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}


def test_healthz_leaves_no_probe_file_behind(client, settings):
    settings.CELERY_BROKER_URL = ""
    assert client.get("/healthz").status_code == 200
    for alias in ("default", "private"):
        assert storages[alias].listdir("healthz") == ([], [])


def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "broker": "down",
    }


def test_healthz_answers_503_when_the_cache_is_down(client, settings):
    settings.CELERY_BROKER_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "down"
    assert response.json()["status"] == "down"


def test_healthz_answers_503_when_a_storage_cannot_be_written(client, settings, tmp_path):
    # The private folder's place is taken by a file: nothing can be written under it.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.CELERY_BROKER_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": blocked}},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "cache": "ok",
        "storage": "down",
    }
