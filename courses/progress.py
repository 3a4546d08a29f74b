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

from courses import outcomes
from courses.cache import remembered
from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonProgress,
    ModuleCompletion,
)
from courses.outcomes import CertificateLink, ModuleAssessment


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
    """{translation_key of a locked module: the module whose completion it waits for} when the
    course's modules are taken in order (`modules` in order, any language). That is the
    nearest required module before it not completed: with modules 1 to 4 all to do, module 3
    opens when module 2 is completed (not module 1, which opens module 2)."""
    locked = {}
    if not course.modules_in_order:
        return locked
    blocking = None
    for module in modules:
        if blocking is not None:
            locked[module.translation_key] = blocking
        if module.is_required and module.translation_key not in completed:
            blocking = module
    return locked


@dataclass(frozen=True)
class Step:
    """The learner's next step in a course: a lesson (a page) or a module's assessment
    (`courses.outcomes.ModuleAssessment`, with its title and URL)."""

    lesson: Page | None = None
    assessment: ModuleAssessment | None = None

    @property
    def title(self) -> str:
        return self.lesson.title if self.lesson is not None else self.assessment.title


def next_step(modules, lessons, is_done, assessments: dict, blocked=()) -> Step | None:
    """In module order, the first lesson not done; or, once a module's lessons are all done,
    its assessment not passed yet (before the lessons of the next module, which may wait for
    it). Modules in `blocked` (translation keys) are passed over. `assessments` needs to hold
    only the modules whose lessons are all done."""
    for module in modules:
        if module.translation_key in blocked:
            continue
        own = [lesson for lesson in lessons if lesson.path.startswith(module.path)]
        undone = next((lesson for lesson in own if not is_done(lesson)), None)
        if undone is not None:
            return Step(lesson=undone)
        assessment = assessments.get(module.translation_key)
        if assessment is not None and not assessment.passed:
            return Step(assessment=assessment)
    return None


@dataclass
class CourseProgress:
    enrolment: Enrolment
    course: Page  # in the learner's language when translated
    total: int = 0
    done: int = 0
    step: Step | None = None  # what « Reprendre » leads to
    pending_assessments: list = field(default_factory=list)  # lessons done, assessment not passed
    certificate: CertificateLink | None = None  # a completed course's current certificate
    assignments: list = field(default_factory=list)

    @property
    def next_lesson(self) -> Page | None:
        return self.step.lesson if self.step is not None else None

    @property
    def percent(self) -> int:
        """Lessons done, in %; never 100 before the course is completed (an assessment may be
        left to pass)."""
        if not self.total:
            return 0
        percent = round(100 * self.done / self.total)
        if self.enrolment.status != EnrolmentStatus.COMPLETED:
            percent = min(percent, 99)
        return percent


def my_training(user) -> dict:
    """The learner's courses, in progress and completed, with progress and the next step (a
    lesson, or a module's assessment once its lessons are done), in the current language.
    Five queries whatever the number of enrolments and lessons; one more when a module of a
    course in progress has all its lessons done (its assessment, `courses.outcomes`), one more
    when a course is completed (its certificate)."""
    enrolments = list(
        Enrolment.objects.of(user).active().with_course_outline().order_by("-enrolled_at")
    )
    if not enrolments:
        return {"in_progress": [], "completed": [], "assigned": assigned_to(user)}
    courses = [e.course for e in enrolments]
    # Modules and lessons of every course in one query: modules sit one level below their
    # course, lessons two (CoursePage → ModulePage → LessonPage). The same for everyone taking
    # these courses (a promotion of cadets): kept in the shared cache (`courses.cache`).
    pages = remembered(
        None,
        "outlines",
        ",".join(str(pk) for pk in sorted({c.pk for c in courses})),
        compute=lambda: list(
            Page.objects.live()
            .filter(
                reduce(
                    or_,
                    (
                        Q(path__startswith=c.path, depth__in=(c.depth + 1, c.depth + 2))
                        for c in courses
                    ),
                )
            )
            .order_by("path")
            .only("id", "path", "depth", "translation_key")
        ),
    )
    outlines = []
    for enrolment in enrolments:
        course = enrolment.course
        own = [p for p in pages if p.path.startswith(course.path)]
        modules = [p for p in own if p.depth == course.depth + 1]
        own_lessons = [p for p in own if p.depth == course.depth + 2]
        outlines.append((enrolment, modules, own_lessons))
    done = set(
        LessonProgress.objects.filter(
            user=user,
            completed_at__isnull=False,
            lesson__in=[lesson.pk for _e, _m, own in outlines for lesson in own],
        ).values_list("lesson_id", flat=True)
    )
    # Assessments matter only where a module's lessons are all done (and the course is not).
    finished_modules = [
        module
        for enrolment, modules, own_lessons in outlines
        if enrolment.status != EnrolmentStatus.COMPLETED
        for module in modules
        if all(lesson.pk in done for lesson in own_lessons if lesson.path.startswith(module.path))
    ]
    assessments = outcomes.module_assessments(user, finished_modules) if finished_modules else {}
    progress = []
    next_keys = []
    for enrolment, modules, own_lessons in outlines:
        item = CourseProgress(enrolment=enrolment, course=enrolment.course, total=len(own_lessons))
        item.done = sum(1 for lesson in own_lessons if lesson.pk in done)
        if enrolment.status != EnrolmentStatus.COMPLETED:
            item.step = next_step(modules, own_lessons, lambda page: page.pk in done, assessments)
            item.pending_assessments = [
                assessments[m.translation_key]
                for m in modules
                if m.translation_key in assessments and assessments[m.translation_key].pending
            ]
        if item.next_lesson is not None:
            next_keys.append(item.next_lesson.translation_key)
        progress.append(item)
    _localise(progress, next_keys)
    completed = [p for p in progress if p.enrolment.status == EnrolmentStatus.COMPLETED]
    if completed:
        links = outcomes.certificates(user, [p.enrolment.course for p in completed])
        for item in completed:
            item.certificate = links.get(item.enrolment.course.translation_key)
    return {
        "assigned": assigned_to(user),
        "in_progress": [p for p in progress if p.enrolment.status != EnrolmentStatus.COMPLETED],
        "completed": completed,
    }


def assigned_to(user) -> list:
    """The learner's assignments, soonest due first, with who assigned them; `shown_course` and
    `shown_target` are the course and module in the current language when translated (two
    queries)."""
    from django.utils import timezone

    from courses.models import Assignment

    today = timezone.localdate()
    items = list(Assignment.objects.for_learner(user).with_pages_shown().order_by("due_on"))
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
    language = get_language()
    locale = remembered(
        None,
        "locale",
        language,
        compute=lambda: Locale.objects.filter(language_code=language).first(),
    )
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
            item.step = Step(
                lesson=translations.get(item.next_lesson.translation_key, item.next_lesson)
            )


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
    """Mark each module and lesson of an outline with the learner's state, in four queries:
    `lesson.state`, `module.is_complete`, `module.blocked_by` (the module to finish first; not
    Wagtail's `locked_by`, which is page locking), `module.assessment` (its assessment and the
    learner's state with it, `courses.outcomes`); the next step (« Reprendre »), and a completed
    course's certificate (one query more, only then)."""
    states = lesson_states(user, lessons)
    completed = completed_module_keys(user, modules)
    locked = locked_module_keys(course, modules, completed)
    assessments = outcomes.module_assessments(user, modules)
    for lesson in lessons:
        lesson.state = states[lesson.translation_key]
    for module in modules:
        module.is_complete = module.translation_key in completed
        module.blocked_by = locked.get(module.translation_key)
        module.assessment = assessments.get(module.translation_key)
    step = next_step(
        modules,
        lessons,
        lambda lesson: lesson.state == LessonState.DONE,
        assessments,
        blocked=locked,
    )
    enrolment = enrolment_in(user, course)
    certificate = None
    if enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED:
        certificate = outcomes.certificates(user, [course]).get(course.translation_key)
    return {
        "enrolment": enrolment,
        "resume": step,
        "resume_lesson": step.lesson if step is not None else None,
        "certificate": certificate,
    }


def lesson_progress_context(
    request, lesson, course, outline, *, module=None, next_lesson=None, modules=None
) -> dict:
    """What a lesson page shows of the learner's progress; records the visit for "Reprendre".
    On the last lesson of a module (`next_lesson` elsewhere or none), `next_assessment`: the
    module's assessment when the learner has not passed it, which comes before the next lesson
    (one query, on that lesson only)."""
    from courses import completion, services
    from courses.cache import canonical_page_id

    user = request.user
    context = {
        "enrolment": None,
        "lock": None,
        "lesson_done": False,
        "is_reading": True,
        "next_assessment": None,
    }
    if course is None:
        return context
    enrolment = enrolment_in(user, course)
    context["enrolment"] = enrolment
    context["is_reading"] = completion.is_reading_lesson(lesson)
    lock = services.lock_for(user=user, lesson=lesson, course=course, modules=modules)
    context["lock"] = lock.blocking_module if lock else None
    states = lesson_states(user, [lesson, *outline])
    for item in outline:
        item.state = states[item.translation_key]
    context["lesson_done"] = states[lesson.translation_key] == LessonState.DONE
    if module is not None and (next_lesson is None or not next_lesson.path.startswith(module.path)):
        # The last lesson of its module: what comes next may be the module's assessment.
        assessment = outcomes.module_assessments(user, [module]).get(module.translation_key)
        if assessment is not None and assessment.pending:
            context["next_assessment"] = assessment
    if enrolment is not None and context["lock"] is None:
        services.record_visit(
            enrolment=enrolment,
            lesson_id=canonical_page_id(request, lesson),
            started=states[lesson.translation_key] != LessonState.NOT_STARTED,
        )
    return context
