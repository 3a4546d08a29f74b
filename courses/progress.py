"""Reads of a learner's progress, in a constant number of queries whatever the number of
lessons, modules and enrolments (the pages shown are matched to the canonical pages progress is
recorded against through their `translation_key`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import get_language
from wagtail.models import Locale, Page

from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
)


class LessonState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


def lesson_states(user, lessons) -> dict[object, LessonState]:
    """{translation_key: state} for the given lesson pages (any language), in one query."""
    keys = [lesson.translation_key for lesson in lessons]
    states = {key: LessonState.NOT_STARTED for key in keys}
    if not user.is_authenticated or not keys:
        return states
    rows = LessonProgress.objects.filter(user=user, lesson__translation_key__in=keys).values_list(
        "lesson__translation_key", "completed_at"
    )
    for key, completed_at in rows:
        states[key] = LessonState.DONE if completed_at else LessonState.IN_PROGRESS
    return states


def completed_module_keys(user, modules) -> set:
    """translation_keys of the given modules that the user has completed, in one query."""
    keys = [module.translation_key for module in modules]
    if not user.is_authenticated or not keys:
        return set()
    return set(
        ModuleCompletion.objects.filter(user=user, module__translation_key__in=keys).values_list(
            "module__translation_key", flat=True
        )
    )


def locked_module_keys(course: CoursePage, modules, completed: set) -> dict:
    """{translation_key of a locked module: the module to finish first} when the course's
    modules are taken in order (`modules` in order, any language)."""
    locked = {}
    if not course.modules_in_order:
        return locked
    blocking = None
    for module in modules:
        if blocking is not None:
            locked[module.translation_key] = blocking
        elif module.is_required and module.translation_key not in completed:
            blocking = module
    return locked


@dataclass
class CourseProgress:
    enrolment: Enrolment
    course: Page  # in the learner's language when translated
    total: int = 0
    done: int = 0
    next_lesson: Page | None = None
    assignments: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def my_training(user) -> dict[str, list[CourseProgress]]:
    """The learner's courses, in progress and completed, with progress and the next lesson, in
    the current language. Five queries whatever the number of enrolments and lessons."""
    enrolments = list(
        Enrolment.objects.of(user).active().select_related("course").order_by("-enrolled_at")
    )
    if not enrolments:
        return {"in_progress": [], "completed": [], "assigned": []}
    courses = [e.course for e in enrolments]
    lessons = list(
        LessonPage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=c.path) for c in courses)))
        .order_by("path")
        .only("id", "path", "translation_key")
    )
    done = set(
        LessonProgress.objects.filter(
            user=user, completed_at__isnull=False, lesson__in=lessons
        ).values_list("lesson_id", flat=True)
    )
    progress = []
    next_keys = []
    for enrolment in enrolments:
        own = [lesson for lesson in lessons if lesson.path.startswith(enrolment.course.path)]
        item = CourseProgress(enrolment=enrolment, course=enrolment.course, total=len(own))
        item.done = sum(1 for lesson in own if lesson.pk in done)
        item.next_lesson = next((lesson for lesson in own if lesson.pk not in done), None)
        if item.next_lesson is not None:
            next_keys.append(item.next_lesson.translation_key)
        progress.append(item)
    _localise(progress, next_keys)
    return {
        "assigned": assigned_to(user),
        "in_progress": [p for p in progress if p.enrolment.status != EnrolmentStatus.COMPLETED],
        "completed": [p for p in progress if p.enrolment.status == EnrolmentStatus.COMPLETED],
    }


def assigned_to(user) -> list:
    """The learner's assignments, soonest due first, with who assigned them; `shown_course` and
    `shown_target` are the course and module in the current language when translated (two
    queries)."""
    from django.utils import timezone

    from courses.models import Assignment

    today = timezone.localdate()
    items = list(
        Assignment.objects.for_learner(user)
        .select_related("course", "module", "assigned_by")
        .order_by("due_on")
    )
    translations = _translations_in_current_language(
        [page.translation_key for item in items for page in (item.course, item.module) if page]
    )
    for item in items:
        item.overdue = item.due_on < today
        item.shown_course = translations.get(item.course.translation_key, item.course)
        item.shown_target = translations.get(item.target.translation_key, item.target)
    return items


def _translations_in_current_language(keys: list) -> dict:
    if not keys:
        return {}
    return {
        page.translation_key: page
        for page in Page.objects.live()
        .filter(locale__language_code=get_language(), translation_key__in=keys)
        .only("id", "title", "url_path", "path", "depth", "translation_key", "locale_id")
    }


def _localise(progress: list[CourseProgress], lesson_keys: list) -> None:
    """Show courses and next lessons in the current language when a translation is live."""
    locale = Locale.objects.filter(language_code=get_language()).first()
    if locale is None:
        return
    keys = [p.course.translation_key for p in progress] + lesson_keys
    translations = {
        page.translation_key: page
        for page in Page.objects.live()
        .filter(locale=locale, translation_key__in=keys)
        .only("id", "title", "url_path", "path", "depth", "translation_key", "locale_id")
    }
    for item in progress:
        item.course = translations.get(item.course.translation_key, item.course)
        if item.next_lesson is not None:
            item.next_lesson = translations.get(item.next_lesson.translation_key, item.next_lesson)


def canonical_id(page) -> int:
    """The id of the first-created translation of `page` (what progress is recorded against)."""
    return (
        Page.objects.filter(translation_key=page.translation_key)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def enrolment_in(user, course) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.of(user).filter(course__translation_key=course.translation_key).first()


def annotate_outline(user, course, modules, lessons) -> dict:
    """Mark each module and lesson of an outline with the learner's state, in three queries:
    `lesson.state`, `module.is_complete`, `module.blocked_by` (the module to finish first; not
    Wagtail's `locked_by`, which is page locking)."""
    states = lesson_states(user, lessons)
    completed = completed_module_keys(user, modules)
    locked = locked_module_keys(course, modules, completed)
    for lesson in lessons:
        lesson.state = states[lesson.translation_key]
    for module in modules:
        module.is_complete = module.translation_key in completed
        module.blocked_by = locked.get(module.translation_key)
    module_of = {}
    for module in modules:
        for lesson in lessons:
            if lesson.path.startswith(module.path):
                module_of[lesson.pk] = module
    resume = next(
        (
            lesson
            for lesson in lessons
            if lesson.state != LessonState.DONE
            and not getattr(module_of.get(lesson.pk), "blocked_by", None)
        ),
        None,
    )
    return {"enrolment": enrolment_in(user, course), "resume_lesson": resume}


def lesson_progress_context(request, lesson, course, outline) -> dict:
    """What a lesson page shows of the learner's progress; records the visit for "Reprendre"."""
    from courses import completion, services

    user = request.user
    context = {"enrolment": None, "lock": None, "lesson_done": False, "is_reading": True}
    if course is None:
        return context
    enrolment = enrolment_in(user, course)
    context["enrolment"] = enrolment
    context["is_reading"] = completion.is_reading_lesson(lesson)
    lock = services.lock_for(user=user, lesson=lesson, course=course)
    context["lock"] = lock.blocking_module if lock else None
    states = lesson_states(user, [lesson, *outline])
    for item in outline:
        item.state = states[item.translation_key]
    context["lesson_done"] = states[lesson.translation_key] == LessonState.DONE
    if enrolment is not None and context["lock"] is None:
        services.record_visit(
            enrolment=enrolment,
            lesson_id=canonical_id(lesson),
            started=states[lesson.translation_key] != LessonState.NOT_STARTED,
        )
    return context
