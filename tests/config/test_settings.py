import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "formation.example.ml",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "DJANGO_SECURE_COOKIES": "1",
    # The public address in the certificates' QR codes and the e-mails (formation.W001).
    "WAGTAILADMIN_BASE_URL": "https://formation.example.ml",
    # A cache shared by the processes (formation.W002); the check does not connect to it.
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AWS_"))
        and k not in ("WAGTAILADMIN_BASE_URL", "CACHE_URL", "STORAGE_URL", "APP_SERVERS")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_without_secret_key_refuses_to_start():
    result = _manage("check", env={})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_has_no_warnings_with_the_documented_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_public_address_is_left_at_its_default():
    # Certificates printed with http://127.0.0.1:8000 in their QR code lead nowhere.
    without = {k: v for k, v in PRODUCTION_ENV.items() if k != "WAGTAILADMIN_BASE_URL"}
    result = _manage("check", "--deploy", env=without)
    assert result.returncode == 0, result.stdout + result.stderr  # a warning, not an error
    output = result.stdout + result.stderr
    assert "formation.W001" in output
    assert "WAGTAILADMIN_BASE_URL" in output and "http://127.0.0.1:8000" in output
    strict = _manage("check", "--deploy", "--fail-level", "WARNING", env=without)
    assert strict.returncode != 0
    for local in ("http://localhost:8000", "https://127.0.0.1", "formation.example.ml"):
        result = _manage("check", "--deploy", env={**without, "WAGTAILADMIN_BASE_URL": local})
        assert "formation.W001" in result.stdout + result.stderr, local


def test_the_public_address_check_is_for_deployments_only():
    result = _manage("check", env={**PRODUCTION_ENV, "WAGTAILADMIN_BASE_URL": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "formation.W001" not in result.stdout + result.stderr


def test_the_documented_variables_are_all_in_env_example():
    example = (settings.BASE_DIR / ".env.example").read_text()
    for name in [*PRODUCTION_ENV, "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "CACHE_URL"]:
        assert f"{name}=" in example, name


def test_checking_for_missing_migrations_needs_no_secret_key():
    result = _manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def _database_setting(name: str, env: dict[str, str]) -> str:
    result = _manage(
        "shell",
        "-c",
        f"from django.conf import settings; print(settings.DATABASES['default'].get({name!r}))",
        env={"DATABASE_URL": "postgres://formation:password@127.0.0.1:5432/formation", **env},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_development_on_postgresql_keeps_no_connection_open_between_requests():
    # runserver serves each request in a new thread that never closes its connection: with a
    # max age, 50 concurrent requests leaked connections until PostgreSQL refused new clients.
    assert _database_setting("CONN_MAX_AGE", {"DJANGO_DEBUG": "1"}) == "0"


def test_production_on_postgresql_reuses_connections_with_health_checks():
    assert _database_setting("CONN_MAX_AGE", PRODUCTION_ENV) == "60"
    assert _database_setting("CONN_HEALTH_CHECKS", PRODUCTION_ENV) == "True"


def test_the_connection_age_can_still_be_chosen_in_development():
    env = {"DJANGO_DEBUG": "1", "DATABASE_CONN_MAX_AGE": "30"}
    assert _database_setting("CONN_MAX_AGE", env) == "30"


def test_the_client_address_header_is_read_from_the_environment():
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    for value, expected in [("X-Real-IP", "X-Real-IP"), ("", "None")]:
        env = {"DJANGO_DEBUG": "1", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": value}
        result = _manage("shell", "-c", code, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected


# --- What one process or one server keeps to itself (config/checks.py) -------------------------

SEVERAL = ["10.0.0.11:8000", "10.0.0.12:8000"]
BUCKETS = {
    "access_key": "KEY",
    "secret_key": "SECRET",
    "endpoint_url": "http://127.0.0.1:8333",
    "region_name": "us-east-1",
    "bucket_name": "formation-media",
    "private_bucket_name": "formation-private",
}


def _ids(messages) -> set[str]:
    return {message.id for message in messages}


def test_check_deploy_warns_about_a_cache_in_each_processs_memory(settings):
    from config.checks import check_shared_cache

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _ids(check_shared_cache()) == {"formation.W002"}
    assert "CACHE_URL" in check_shared_cache()[0].hint
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert check_shared_cache() == []
    settings.DEBUG = True  # development, one process
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert check_shared_cache() == []


# The check reads the engine only; the connection is left as it is.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_check_deploy_warns_about_local_disk_and_sqlite_with_several_app_servers(settings):
    from config.checks import check_storage_shared_by_app_servers as check

    settings.DEBUG = False
    settings.DATABASES = {**settings.DATABASES, "default": {"ENGINE": "django.db.backends.sqlite3"}}
    settings.APP_SERVERS = SEVERAL
    warnings = check()
    assert _ids(warnings) == {"formation.W003", "formation.W004"}
    assert "media and private files are on this server's disk" in warnings[0].msg
    # One app server on the local disk and SQLite is the embedded default's deployment.
    settings.APP_SERVERS = ["127.0.0.1:8000"]
    assert check() == []


# The check reads the engine only; the connection is left as it is.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_check_deploy_is_quiet_with_several_app_servers_on_shared_services(settings):
    from config.checks import check_storage_shared_by_app_servers as check
    from config.storage_settings import s3_storages

    settings.DEBUG = False
    settings.APP_SERVERS = SEVERAL
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql"},
    }
    settings.STORAGES = {**settings.STORAGES, **s3_storages(BUCKETS)}
    assert check() == []
    # Only the private files left on the disk: still one warning, naming them.
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "config.private_files.PrivateFileSystemStorage",
            "OPTIONS": {"location": "/tmp/private", "base_url": None},
        },
    }
    assert [w.id for w in check()] == ["formation.W003"]
    assert "the private files are on" in check()[0].msg
