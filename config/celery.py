"""Celery application. Tasks run eagerly when no broker is configured (the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("formation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping() -> str:
    """Answers "pong": lets operators (and the test suite) check that a worker consumes tasks."""
    return "pong"
