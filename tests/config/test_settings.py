import os
import subprocess
import sys

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
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "WAGTAILADMIN_BASE_URL"
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
