"""A worker process knows every task the site can enqueue. Celery discovers `<app>.tasks`
modules only: a task defined elsewhere and imported by a view alone would be refused by the
worker ("unregistered task") although every in-process test passes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.urls import get_resolver

from config import celery_app

WORKER_VIEW = """
import json, django
django.setup()
from config.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(app.tasks)))
"""


def test_a_worker_process_registers_every_task_the_site_defines():
    assert get_resolver().url_patterns  # imports every view, hence every task they enqueue
    celery_app.loader.import_default_modules()
    site_tasks = {name for name in celery_app.tasks if not name.startswith("celery.")}
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "x")}
    out = subprocess.run(
        [sys.executable, "-c", WORKER_VIEW],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    worker_tasks = set(json.loads(out.strip().splitlines()[-1]))
    assert "certificates.register.tasks.build_register_export_task" in site_tasks
    assert site_tasks - worker_tasks == set()
