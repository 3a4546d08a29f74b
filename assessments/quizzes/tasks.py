"""Celery tasks of the quizzes: take ids, re-fetch, safe to run twice."""

from celery import shared_task

from assessments.models import Attempt
from assessments.quizzes import services


@shared_task
def close_expired_attempt_task(attempt_id: int) -> None:
    """At an attempt's deadline: grade it with the answers saved before the deadline, if the
    learner has not submitted it. Early or repeated runs change nothing."""
    attempt = Attempt.objects.filter(pk=attempt_id).first()
    if attempt is not None:
        services.close_if_expired(attempt=attempt)
