"""Apply the actions a phone made offline: each once (by the id the phone gave it), in the order
sent, each in its own transaction (nothing half-written), through the services that do the same
online — courses' lesson completion, the quiz services (grading happens there only), the H5P
xAPI intake. The answer says, per action: applied, already applied (a replay), or refused with a
reason for the learner. What is no longer allowed is refused: the enrolment withdrawn, the
attempt closed, the module locked, the lesson or activity unpublished, the quiz no longer
offline. The time recorded is the server's; the phone's is kept for information only."""

from __future__ import annotations

import uuid
from datetime import UTC

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from wagtail.models import Page

from assessments.h5p import services as h5p_services
from assessments.models import Attempt, OfflineAction, OfflineActionKind, OfflineActionStatus, Quiz
from assessments.offline.rules import OfflineRefused, active_enrolment, check_module_open
from assessments.quizzes import services as quiz_services
from courses import services as course_services
from courses.models import LessonPage

MAX_ACTIONS = 200
APPLIED = "applied"
ALREADY_APPLIED = "already_applied"
REFUSED = "refused"


def _lesson(payload) -> LessonPage:
    try:
        pk = int(payload.get("lesson"))
    except (TypeError, ValueError) as error:
        raise OfflineRefused(_("This action names no lesson.")) from error
    lesson = LessonPage.objects.live().filter(pk=pk).first()
    if lesson is None:
        raise OfflineRefused(_("This lesson is no longer published: nothing was recorded."))
    return lesson


def _complete_lesson(*, user, payload, host, now) -> str:
    lesson = _lesson(payload)
    active_enrolment(user=user, course=course_services.course_of(lesson))
    course_services.complete_lesson(user=user, lesson=lesson)
    return ""


def _attempt(user, payload) -> tuple[Attempt, Quiz]:
    try:
        pk = int(payload.get("attempt"))
    except (TypeError, ValueError) as error:
        raise OfflineRefused(_("This action names no attempt.")) from error
    attempt = Attempt.objects.select_related("quiz").filter(pk=pk, user=user).first()
    if attempt is None:
        raise OfflineRefused(_("This attempt does not exist."))
    quiz = attempt.quiz
    if not quiz.offline_allowed:
        raise OfflineRefused(_("This assessment can no longer be taken offline: answer it online."))
    # The quiz's place in a course: the module it assesses, or the lessons that hold it.
    if quiz.module_id is not None:
        check_module_open(user=user, module=quiz.module)
    else:
        lessons = [lesson for lesson in quiz_services.lessons_holding(quiz) if lesson.live]
        if not lessons:
            raise OfflineRefused(_("This assessment is no longer part of a published lesson."))
        lesson = lessons[0]
        course = course_services.course_of(lesson)
        active_enrolment(user=user, course=course)
        lock = course_services.lock_for(
            user=user, lesson=course_services.canonical(lesson), course=course
        )
        if lock is not None:
            raise OfflineRefused(
                _("This lesson is locked: finish the module “%(module)s” first.")
                % {"module": lock.blocking_module.title}
            )
    shown = quiz
    try:
        asked = Quiz.objects.filter(
            pk=int(payload.get("quiz") or 0), translation_key=quiz.translation_key
        ).first()
        shown = asked or quiz
    except (TypeError, ValueError):
        pass
    return attempt, shown


def _quiz_answers(*, user, payload, host, now) -> str:
    attempt, _shown = _attempt(user, payload)
    answers = payload.get("answers")
    if not isinstance(answers, dict):
        raise OfflineRefused(_("This action carries no answers."))
    try:
        parsed = {
            int(question): [str(key) for key in keys]
            for question, keys in answers.items()
            if isinstance(keys, list)
        }
    except (TypeError, ValueError) as error:
        raise OfflineRefused(
            _("An answer does not belong to this attempt: nothing was saved. Reload the page.")
        ) from error
    quiz_services.save_answers(attempt=attempt, answers=parsed, now=now)
    return ""


def _quiz_submit(*, user, payload, host, now) -> str:
    attempt, shown = _attempt(user, payload)
    if not attempt.is_open:
        raise OfflineRefused(str(quiz_services.ALREADY_SUBMITTED))
    attempt = quiz_services.submit_attempt(attempt=attempt, now=now)
    return reverse("quiz_result", args=[shown.pk, attempt.pk])


def _h5p_statement(*, user, payload, host, now) -> str:
    try:
        pk = int(payload.get("lesson"))
    except (TypeError, ValueError) as error:
        raise OfflineRefused(_("This action names no lesson.")) from error
    lesson = Page.objects.live().filter(pk=pk).first()
    if lesson is None:
        raise OfflineRefused(_("This lesson is no longer published: nothing was recorded."))
    h5p_services.record_xapi_statement(
        user=user, lesson=lesson, statement=payload.get("statement"), host=host
    )
    return ""


HANDLERS = {
    OfflineActionKind.LESSON_COMPLETE: _complete_lesson,
    OfflineActionKind.QUIZ_ANSWERS: _quiz_answers,
    OfflineActionKind.QUIZ_SUBMIT: _quiz_submit,
    OfflineActionKind.H5P_STATEMENT: _h5p_statement,
}
REFUSALS = (
    OfflineRefused,
    course_services.ProgressRefused,
    quiz_services.QuizRefused,
)


def _message(error: Exception) -> str:
    if isinstance(error, h5p_services.StatementRefused):
        return error.messages[0]
    return error.message


def _answer(row: OfflineAction, status: str | None = None) -> dict:
    return {
        "id": str(row.client_id),
        "kind": row.kind,
        "status": status
        or (ALREADY_APPLIED if row.status == OfflineActionStatus.APPLIED else REFUSED),
        "message": row.reason,
        "result_url": row.result_url,
    }


def _client_time(value):
    """The phone's clock, for information; an impossible date is kept as none."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def apply_action(*, user, action, host: str) -> dict:
    """Apply one action (a dict the phone sent: id, kind, payload, client_time)."""
    raw_id = action.get("id") if isinstance(action, dict) else None
    try:
        client_id = uuid.UUID(str(raw_id))
    except ValueError:
        return {"id": str(raw_id), "status": REFUSED, "message": _("This action has no valid id.")}
    kind = action.get("kind") if isinstance(action.get("kind"), str) else None
    payload = action.get("payload") if isinstance(action.get("payload"), dict) else {}
    if kind not in HANDLERS:
        return {"id": str(client_id), "status": REFUSED, "message": _("Unknown action.")}
    with transaction.atomic():
        # One action of a learner at a time: the page and the worker may sync at once (two
        # tabs, Background Sync and « Synchroniser »); each waits for the other, in order.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        existing = OfflineAction.objects.filter(client_id=client_id).first()
        if existing is None:
            now = timezone.now()
            try:
                with transaction.atomic():
                    row = OfflineAction.objects.create(
                        client_id=client_id,
                        user=user,
                        kind=kind,
                        status=OfflineActionStatus.APPLIED,
                        received_at=now,
                        client_time=_client_time(action.get("client_time")),
                    )
            except IntegrityError:  # the same action in a concurrent sync, applied there
                existing = OfflineAction.objects.get(client_id=client_id)
        if existing is not None:
            if existing.user_id != user.pk:
                return {
                    "id": str(client_id),
                    "status": REFUSED,
                    "message": _("This action id is already used."),
                }
            return _answer(existing)
        try:
            with transaction.atomic():  # all of the action, or none of it
                row.result_url = HANDLERS[kind](user=user, payload=payload, host=host, now=now)
        except (*REFUSALS, h5p_services.StatementRefused) as refusal:
            row.status = OfflineActionStatus.REFUSED
            row.reason = _message(refusal)
        row.save(update_fields=["status", "reason", "result_url"])
        return _answer(row, APPLIED if row.status == OfflineActionStatus.APPLIED else REFUSED)


def apply_actions(*, user, actions: list, host: str) -> list[dict]:
    """Apply the actions in the order given; one answer each, in the same order."""
    return [apply_action(user=user, action=action, host=host) for action in actions[:MAX_ACTIONS]]
