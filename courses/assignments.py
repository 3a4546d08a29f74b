"""Writes about assignments: give a course or a module to a cohort or to chosen people with a
due date, and enrol everyone concerned (idempotent: `enrol` keeps one enrolment per person and
course). People who join the cohort later get its assignments through `cohort_members_added`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q

from courses.models import Assignment, CoursePage, EnrolmentSource, ModulePage
from courses.services import canonical, course_of, enrol
from people.choices import MembershipStatus
from people.models import Cohort, Institution, User


def assignees(assignment: Assignment):
    """The active members of the assignment's institution it concerns."""
    target = Q(pk__in=assignment.people.values("pk"))
    if assignment.cohort_id:
        target |= Q(cohorts=assignment.cohort_id)
    return (
        User.objects.filter(target)
        .filter(
            memberships__institution=assignment.institution_id,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .distinct()
    )


@transaction.atomic
def assign(
    *,
    assigned_by: User,
    institution: Institution,
    due_on: datetime.date,
    course: CoursePage | None = None,
    module: ModulePage | None = None,
    cohort: Cohort | None = None,
    people: list[User] | tuple = (),
) -> Assignment:
    """Assign `module` (or the whole `course`) to `cohort` and/or `people`; enrols them."""
    if module is not None:
        module = canonical(module)
        course = course_of(module)
    if course is None:
        raise ValueError("A course or a module is required.")
    course = canonical(course)
    assignment = Assignment.objects.create(
        institution=institution,
        course=course,
        module=module,
        cohort=cohort,
        due_on=due_on,
        assigned_by=assigned_by,
    )
    if people:
        assignment.people.add(*people)
    enrol_assignees(assignment=assignment)
    return assignment


def enrol_assignees(*, assignment: Assignment) -> int:
    """Enrol everyone the assignment concerns in its course (safe to run again)."""
    count = 0
    for user in assignees(assignment):
        enrol(user=user, course=assignment.course, source=EnrolmentSource.ASSIGNMENT)
        count += 1
    return count


def give_cohort_assignments(*, cohort: Cohort, users: list[User]) -> None:
    """Newcomers of `cohort` get its assignments (receiver of `cohort_members_added`). Two
    queries when the cohort has no assignment, whatever the number of newcomers."""
    course_ids = set(Assignment.objects.of_cohort(cohort).values_list("course_id", flat=True))
    if not course_ids:
        return
    members = User.objects.filter(
        pk__in=[u.pk for u in users],
        memberships__institution=cohort.institution_id,
        memberships__status=MembershipStatus.ACTIVE,
    )
    courses = list(CoursePage.objects.filter(pk__in=course_ids))
    for user in members:
        for course in courses:
            enrol(user=user, course=course, source=EnrolmentSource.ASSIGNMENT)


# --- Modules taken in order ---------------------------------------------------------------


def _modules_before(module: ModulePage) -> list[ModulePage]:
    """The required modules of `module`'s course that come before it, when the course takes its
    modules in order (otherwise none: nothing locks it)."""
    course = course_of(module)
    if course is None or not course.modules_in_order:
        return []
    return list(
        ModulePage.objects.live()
        .child_of(course)
        .filter(path__lt=module.path, is_required=True)
        .order_by("path")
    )


def order_warnings(
    *,
    module: ModulePage,
    due_on: datetime.date,
    cohort: Cohort | None = None,
    people: list[User] | tuple = (),
) -> list[str]:
    """What the manager should know before assigning `module` of a course taken in order: a
    module before it that the people concerned have not all completed opens it, and is either
    not assigned to them or due after `due_on` (they cannot meet this due date). Messages in
    the current language; an empty list when nothing is in the way."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from courses.models import ModuleCompletion

    module = canonical(module)
    before = _modules_before(module)
    if not before:
        return []
    concerned = Q(pk__in=[p.pk for p in people])
    if cohort is not None:
        concerned |= Q(cohorts=cohort)
    users = set(
        User.objects.filter(concerned)
        .filter(memberships__status=MembershipStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    if not users:
        return []
    done = set(
        ModuleCompletion.objects.filter(module__in=before, user__in=users).values_list(
            "module_id", "user_id"
        )
    )
    covering = Q(people__in=users)
    if cohort is not None:
        covering |= Q(cohort=cohort)
    earlier = Assignment.objects.filter(covering, course=course_of(module)).filter(
        Q(module__isnull=True) | Q(module__in=before)
    )
    due: dict[int | None, datetime.date] = {}
    for module_id, day in earlier.values_list("module_id", "due_on").distinct():
        due[module_id] = min(day, due.get(module_id, day))
    warnings = []
    for first in before:
        if all((first.pk, user) in done for user in users):
            continue
        days = [d for d in (due.get(first.pk), due.get(None)) if d is not None]
        names = {"module": module.title, "first": first.title}
        if not days:
            warnings.append(
                _(
                    "“%(module)s” opens only once “%(first)s” is completed (the course takes its "
                    "modules in order), and “%(first)s” is not assigned to these people."
                )
                % names
            )
        elif min(days) > due_on:
            warnings.append(
                _(
                    "“%(module)s” opens only once “%(first)s” is completed (the course takes its "
                    "modules in order), and “%(first)s” is due on %(date)s, after this due date."
                )
                % {**names, "date": date_format(min(days), "j F Y")}
            )
    return warnings


def mark_locked(user: User, items: list) -> None:
    """Give each assigned module of `items` (the learner's assignments, as `assigned_to` lists
    them) its `blocked_by`: the module to complete first, in the current language, or None.
    No query unless a module is assigned in a course taken in order; then three."""
    from django.utils.translation import get_language
    from wagtail.models import Page

    from courses.progress import completed_module_keys, locked_module_keys

    for item in items:
        item.blocked_by = None
    ordered = [i for i in items if i.module_id and i.course.modules_in_order]
    if not ordered:
        return
    courses = {i.course.pk: i.course for i in ordered}
    modules = list(
        ModulePage.objects.live()
        .filter(_children_of(courses.values()))
        .order_by("path")
        .only("id", "path", "depth", "title", "translation_key", "is_required")
    )
    completed = completed_module_keys(user, modules)
    locked = {}
    for course in courses.values():
        own = [m for m in modules if m.path.startswith(course.path)]
        locked.update(locked_module_keys(course, own, completed))
    blocking = {i.pk: locked.get(i.module.translation_key) for i in ordered}
    keys = {m.translation_key for m in blocking.values() if m is not None}
    shown = {}
    if keys:
        shown = {
            page.translation_key: page
            for page in Page.objects.live()
            .filter(locale__language_code=get_language(), translation_key__in=keys)
            .only("id", "title", "translation_key")
        }
    for item in ordered:
        first = blocking[item.pk]
        if first is not None:
            item.blocked_by = shown.get(first.translation_key, first)


def _children_of(courses) -> Q:
    condition = Q(pk__in=[])
    for course in courses:
        condition |= Q(path__startswith=course.path, depth=course.depth + 1)
    return condition
