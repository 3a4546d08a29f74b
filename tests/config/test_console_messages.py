"""What `make run` prints: each message once (README, « What the console says »)."""

import os
import subprocess
import sys

from django.conf import settings


def test_a_logged_request_error_is_printed_once_in_development(tmp_path):
    # Django's own development handler and the site's console handler both printed each
    # « Not Found: … » and « Watching for file changes », so every line came twice.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_")) and k not in {"DATABASE_URL", "CACHE_URL"}
    }
    env |= {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    code = (
        "import logging; logging.getLogger('django.request').warning('Not Found: /fr/rien/'); "
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes')"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /fr/rien/") == 1, result.stderr
    assert result.stderr.count("Watching for file changes") == 1, result.stderr
