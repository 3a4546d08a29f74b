import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.celery import ping


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_with_delay_is_executed_by_a_real_worker(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def test_the_embedded_default_runs_a_task_without_kombus_no_hostname_warning(tmp_path):
    """With no broker, tasks run in the calling process; kombu used to print « No hostname was
    supplied. Reverting to default 'localhost' » on every command that sent one (seed_demo,
    runserver), as if something were wrong."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_")) and k not in {"DATABASE_URL", "CACHE_URL"}
    }
    env |= {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from config.celery import ping; print(ping.delay().get())",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "pong" in result.stdout
    assert "No hostname was supplied" not in result.stderr + result.stdout
