import os
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

# site/locale is left out of the walk, or makemessages would write into the real catalogue.
IGNORE = [
    "site/locale/*",
    ".venv/*",
    "node_modules/*",
    "staticfiles/*",
    "media/*",
    "tests/*",
    "bench/*",
]


def test_every_ui_string_has_a_french_translation(tmp_path, monkeypatch):
    """Extract the strings of every template and Python module as `make translations` does, into
    a copy of the catalogue, and fail on any entry without a French translation."""
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) is not installed: apt-get install gettext"
        # Skipped on a newcomer's machine (`make test` names the package), never in CI, where a
        # skip would let an untranslated string through.
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the translation check. {message}")
        pytest.skip(message)
    locale_dir = tmp_path / "locale"
    shutil.copytree(settings.BASE_DIR / "site" / "locale", locale_dir)
    monkeypatch.chdir(settings.BASE_DIR)
    settings.LOCALE_PATHS = [locale_dir]
    call_command(
        "makemessages", locale=["fr"], ignore_patterns=IGNORE, no_location=True, verbosity=0
    )
    with open(locale_dir / "fr" / "LC_MESSAGES" / "django.po", "rb") as po:
        catalog = read_po(po)
    missing = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert missing == [], f"{len(missing)} string(s) without a French translation: {missing}"


def _run_without_gettext(tmp_path, **env) -> subprocess.CompletedProcess:
    # A PATH with no xgettext on it; the project's conftest is left out because in CI it asks
    # for PostgreSQL, which this check does not need.
    clean = {k: v for k, v in os.environ.items() if k not in {"CI", "PATH"}}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--noconftest",
            "-p",
            "no:cacheprovider",
            "-q",
            f"{__file__}::test_every_ui_string_has_a_french_translation",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, "PATH": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_gettext_the_check_fails_in_ci_and_is_skipped_elsewhere(tmp_path):
    in_ci = _run_without_gettext(tmp_path, CI="true")
    assert in_ci.returncode == 1, in_ci.stdout
    assert "1 failed" in in_ci.stdout
    assert "CI must run the translation check" in in_ci.stdout
    elsewhere = _run_without_gettext(tmp_path)
    assert elsewhere.returncode == 0, elsewhere.stdout
    assert "1 skipped" in elsewhere.stdout
    assert "apt-get install gettext" in elsewhere.stdout
