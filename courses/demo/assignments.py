"""Demo assignment: the first module of the first demo course, assigned by the demo manager to
the cohort "Promotion 2026" of the École nationale de police, due in a month (idempotent)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from courses.models import Assignment, CoursePage, ModulePage
from people.choices import MembershipRole, MembershipStatus
from people.models import Cohort, Membership


def seed_assignment(out=print) -> None:
    from people.demo import DEMO_COHORT, DEMO_COHORT_INSTITUTION

    cohort = Cohort.objects.filter(
        name=DEMO_COHORT, institution__name=DEMO_COHORT_INSTITUTION
    ).first()
    if cohort is None or Assignment.objects.filter(cohort=cohort).exists():
        return
    manager = Membership.objects.filter(
        institution=cohort.institution, role=MembershipRole.MANAGER, status=MembershipStatus.ACTIVE
    ).first()
    course = CoursePage.objects.live().filter(locale__language_code="fr").order_by("path").first()
    module = ModulePage.objects.live().child_of(course).order_by("path").first() if course else None
    if manager is None or module is None:
        return
    from courses.assignments import assign

    assign(
        assigned_by=manager.user,
        institution=cohort.institution,
        module=module,
        cohort=cohort,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    out(f"Affectation de démonstration : « {module.title} » à {cohort.name}.")
