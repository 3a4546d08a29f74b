"""Writes of the courses app: enrolment, lesson progress and the roll-up to module and course.

Every function is safe to call twice. Completion takes a row lock on the enrolment, so two
requests completing lessons of the same course for the same learner (two tabs, a retried POST)
are serialised: one completion is recorded and `course_completed` is sent once, after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses import completion
from courses.cache import canonical_page_id, course_tree, remembered
from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
)
from courses.signals import course_completed, lesson_completed
from people.models import User


class ProgressRefused(Exception):
    """A learner's action that the rules refuse; `message` is for the learner."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


P = TypeVar("P", bound=Page)


def canonical(page: P) -> P:
    """The page progress is recorded against: the first-created of its translations (its id
    from the shared cache, `courses.cache`: a query only when it is another page)."""
    first = canonical_page_id(None, page)
    return page if first in (None, page.pk) else type(page).objects.get(pk=first)


def course_of(page: Page) -> CoursePage | None:
    """The course a page belongs to (itself for a course), from the shared cache."""
    return remembered(
        None,
        "course-of",
        page.pk,
        compute=lambda: CoursePage.objects.ancestor_of(page, inclusive=True).first(),
    )


@dataclass(frozen=True)
class Lock:
    """Why a lesson is not open yet: the required module before it whose completion opens it."""

    blocking_module: ModulePage


def lock_for(
    *, user: User, lesson: LessonPage, course: CoursePage, modules: list | None = None
) -> Lock | None:
    """The lock on a lesson (any language) when the course's modules are taken in order: the
    nearest required module before it that the learner has not completed. `modules`: the
    course's outline when the caller has it (`ModulePage.objects.outline_of`)."""
    from courses import progress

    if not course.modules_in_order:
        return None
    if modules is None:
        modules = list(ModulePage.objects.outline_of(course))
    position = next((i for i, m in enumerate(modules) if lesson.path.startswith(m.path)), None)
    if position is None:
        return None
    # Only the required modules before the lesson's can hold it: none, nothing to read.
    before = [m for m in modules[:position] if m.is_required]
    if not before:
        return None
    locked = progress.locked_module_keys(
        course, modules[: position + 1], progress.completed_module_keys(user, before)
    )
    blocking = locked.get(modules[position].translation_key)
    return Lock(blocking_module=blocking) if blocking is not None else None


@transaction.atomic
def enrol(*, user: User, course: CoursePage, source: str = EnrolmentSource.SELF) -> Enrolment:
    """Enrol `user` (idempotent: one enrolment per person and course; a withdrawn enrolment is
    reopened). Self-enrolment needs the course to allow it."""
    course = canonical(course)
    if source == EnrolmentSource.SELF and not course.self_enrolment_open:
        raise ProgressRefused(
            _("This course is not open to self-enrolment: your training manager assigns it.")
        )
    try:
        with transaction.atomic():
            enrolment, _created = Enrolment.objects.get_or_create(
                user=user, course=course, defaults={"source": source}
            )
    except IntegrityError:  # a concurrent request created it first
        enrolment = Enrolment.objects.get(user=user, course=course)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        started = LessonProgress.objects.filter(
            user=user, lesson__in=LessonPage.objects.descendant_of(course)
        ).exists()
        enrolment.status = EnrolmentStatus.IN_PROGRESS if started else EnrolmentStatus.ENROLLED
        enrolment.withdrawn_at = None
        enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


@transaction.atomic
def withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Withdraw from a course. A completed course stays completed: its record is official."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        raise ProgressRefused(_("A completed course cannot be withdrawn from."))
    if enrolment.status != EnrolmentStatus.WITHDRAWN:
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_at = timezone.now()
        enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


# A learner reading the same lesson is recorded again only after this long: a plain page view
# writes nothing (the « last visited » date is a reminder, not a log).
VISIT_REFRESH = timedelta(minutes=5)


def record_visit(*, enrolment: Enrolment, lesson_id: int, started: bool = False) -> None:
    """Remember the (canonical) lesson a learner opened, for "Reprendre", and start its
    progress row. Reading is open to everyone: only enrolled learners are tracked.
    `started`: the caller has read that the progress row exists (saves a transaction on every
    page view after the first). Nothing is written when the enrolment already names this
    lesson, visited less than `VISIT_REFRESH` ago."""
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return
    if (
        started
        and enrolment.status != EnrolmentStatus.ENROLLED
        and enrolment.last_lesson_id == lesson_id
        and enrolment.last_visited_at is not None
        and timezone.now() - enrolment.last_visited_at < VISIT_REFRESH
    ):
        return
    changes = {"last_lesson_id": lesson_id, "last_visited_at": timezone.now()}
    if enrolment.status == EnrolmentStatus.ENROLLED:
        changes["status"] = EnrolmentStatus.IN_PROGRESS
    Enrolment.objects.filter(pk=enrolment.pk).update(**changes)
    if started:
        return
    try:
        with transaction.atomic():
            LessonProgress.objects.get_or_create(user_id=enrolment.user_id, lesson_id=lesson_id)
    except IntegrityError:
        pass  # the same lesson opened in two tabs at once


def complete_lesson(*, user: User, lesson: LessonPage) -> LessonProgress:
    """The learner presses « J'ai terminé cette leçon » on a reading lesson."""
    return _complete(user=user, lesson=lesson, by_activity=False)


def evaluate_lesson(*, user: User, lesson: LessonPage) -> LessonProgress | None:
    """An activity of the lesson recorded a result: complete the lesson if every activity rule
    is now met. Called by the apps that own activities (quizzes, H5P)."""
    lesson = canonical(lesson)
    done = LessonProgress.objects.filter(
        user=user, lesson=lesson, completed_at__isnull=False
    ).first()
    if done is not None:
        # Already completed (it never goes back): each further result costs this one query.
        return done
    if not completion.lesson_requirements_met(user, lesson):
        return None
    return _complete(user=user, lesson=lesson, by_activity=True)


def evaluate_module(*, user: User, module: ModulePage) -> bool:
    """A module requirement changed (its assessment was passed): roll up again. True when the
    module is complete."""
    module = canonical(module)
    course = course_of(module)
    with transaction.atomic():
        enrolment = _locked_enrolment(user=user, course=course)
        if enrolment is None:
            return False
        complete = _roll_up_module(user=user, module=module)
        if complete:
            _roll_up_course(enrolment=enrolment)
        return complete


def _locked_enrolment(*, user: User, course: CoursePage | None) -> Enrolment | None:
    if course is None:
        return None
    return (
        Enrolment.objects.select_for_update()
        .filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .first()
    )


@transaction.atomic
def _complete(*, user: User, lesson: LessonPage, by_activity: bool) -> LessonProgress:
    lesson = canonical(lesson)
    course = course_of(lesson)
    enrolment = _locked_enrolment(user=user, course=course)
    if enrolment is None:
        raise ProgressRefused(_("Enrol in the course before completing its lessons."))
    lock = lock_for(user=user, lesson=lesson, course=course, modules=course_tree(None, course)[0])
    if lock is not None:
        raise ProgressRefused(
            _("This lesson is locked: finish the module “%(module)s” first.")
            % {"module": lock.blocking_module.title}
        )
    if not by_activity and not completion.is_reading_lesson(lesson):
        raise ProgressRefused(_("This lesson is completed by passing its activity."))

    progress, _created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    if progress.completed_at is not None:
        return progress  # already done: nothing more to record or announce
    progress.completed_at = timezone.now()
    progress.save(update_fields=["completed_at"])
    if enrolment.status == EnrolmentStatus.ENROLLED:
        enrolment.status = EnrolmentStatus.IN_PROGRESS
        enrolment.save(update_fields=["status"])
    transaction.on_commit(partial(lesson_completed.send, sender=LessonProgress, progress=progress))
    module = ModulePage.objects.parent_of(lesson).first()
    if module is not None and _roll_up_module(user=user, module=module):
        _roll_up_course(enrolment=enrolment)
    return progress


def _roll_up_module(*, user: User, module: ModulePage) -> bool:
    """Record the module's completion when all its lessons are done and its own rules met."""
    if ModuleCompletion.objects.filter(user=user, module=module).exists():
        return True
    lessons = LessonPage.objects.live().child_of(module)
    remaining = lessons.exclude(
        pk__in=LessonProgress.objects.filter(user=user, completed_at__isnull=False).values(
            "lesson_id"
        )
    )
    if remaining.exists():
        return False
    if module.pk not in completion.modules_meeting_their_rules(user, [module]):
        return False
    ModuleCompletion.objects.get_or_create(
        user=user, module=module, defaults={"completed_at": timezone.now()}
    )
    return True


def _roll_up_course(*, enrolment: Enrolment) -> None:
    """Complete the course when every required module is complete; announce it once."""
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return
    required = ModulePage.objects.live().child_of(enrolment.course).filter(is_required=True)
    missing = required.exclude(
        pk__in=ModuleCompletion.objects.filter(user=enrolment.user).values("module_id")
    )
    if missing.exists():
        return
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at"])
    # After commit: receivers (certificates) enqueue work that must see the committed rows.
    transaction.on_commit(partial(course_completed.send, sender=Enrolment, enrolment=enrolment))
