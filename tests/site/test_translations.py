import shutil

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


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
def test_every_ui_string_has_a_french_translation(tmp_path, monkeypatch):
    """Extract the strings of every template and Python module as `make translations` does, into
    a copy of the catalogue, and fail on any entry without a French translation."""
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
