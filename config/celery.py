"""Celery application. Tasks run eagerly when no broker is configured (the embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("formation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Even an eager task takes a producer from the broker's connection pool. With no broker URL
# kombu would build one for its default transport (AMQP) and print « No hostname was supplied.
# Reverting to default 'localhost' » on every command that sends a task: the embedded default
# names kombu's in-memory transport instead, which never connects anywhere. Django's setting
# stays empty (« no broker »), which the rest of the project reads (health check, tests).
EMBEDDED_BROKER_URL = "memory://localhost/"


@app.on_after_configure.connect
def _no_broker_means_in_memory(sender, **kwargs):
    if not sender.conf.broker_url:
        sender.conf.broker_url = EMBEDDED_BROKER_URL


@app.task(name="config.ping")
def ping() -> str:
    """Answers "pong": lets operators (and the test suite) check that a worker consumes tasks."""
    return "pong"
