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
