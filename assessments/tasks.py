"""Tasks of the assessments app, found by Celery's autodiscovery."""

from assessments.quizzes.tasks import close_expired_attempt_task

__all__ = ["close_expired_attempt_task"]
