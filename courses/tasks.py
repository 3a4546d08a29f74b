"""Assignment reminders, run by Celery beat (see CELERY_BEAT_SCHEDULE).

Learners: 7 days and 1 day before the due date, then once a week while overdue; managers: a
weekly digest of the overdue people of their cohorts. One reminder per threshold (a database-
unique row written in the same transaction as the e-mail is sent), so running a task twice
sends nothing twice. E-mails are in the recipient's language, with a link to the next lesson.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import Locale

from courses import reports
from courses.models import (
    Assignment,
    AssignmentReminder,
    LessonPage,
    LessonProgress,
    ManagerDigest,
    ReminderThreshold,
)
from people.choices import MembershipRole, MembershipStatus
from people.models import Membership, User


def threshold_for(due_on: datetime.date, today: datetime.date) -> str | None:
    days_left = (due_on - today).days
    if days_left < 0:
        return f"{ReminderThreshold.OVERDUE}-{(-days_left - 1) // 7}"
    if days_left <= 1:
        return ReminderThreshold.DAY_BEFORE
    if days_left <= 7:
        return ReminderThreshold.WEEK_BEFORE
    return None


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _next_lessons(assignment: Assignment, user_ids: list[int]) -> dict[int, LessonPage]:
    """{user id: the first lesson of the assignment they have not completed} in two queries."""
    target = assignment.target
    lessons = list(LessonPage.objects.live().descendant_of(target).order_by("path").specific())
    done: dict[int, set[int]] = {}
    for user_id, lesson_id in LessonProgress.objects.filter(
        user_id__in=user_ids, lesson__in=lessons, completed_at__isnull=False
    ).values_list("user_id", "lesson_id"):
        done.setdefault(user_id, set()).add(lesson_id)
    result = {}
    for user_id in user_ids:
        own = done.get(user_id, set())
        lesson = next((lesson for lesson in lessons if lesson.pk not in own), None)
        if lesson is not None:
            result[user_id] = lesson
    return result


def _in_language(page, language: str):
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return page
    translated = page.get_translation_or_none(locale)
    return translated if translated is not None and translated.live else page


@shared_task(name="courses.send_assignment_reminders")
def send_assignment_reminders(today: str | None = None) -> int:
    """Send the learner reminders due today (ISO date for tests; safe to run twice)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    sent = 0
    # An archived cohort's assignments no longer send reminders.
    upcoming = Assignment.objects.filter(
        due_on__lte=day + datetime.timedelta(days=7), cohort__archived_at__isnull=True
    ).select_related("course", "module", "assigned_by", "institution")
    for assignment in upcoming:
        threshold = threshold_for(assignment.due_on, day)
        if threshold is None:
            continue
        matrix = reports.progress_matrix(assignment, today=day)
        late = [row.user for row in matrix.rows if not row.done]
        if not late:
            continue
        already = set(
            AssignmentReminder.objects.filter(
                assignment=assignment, threshold=threshold, user__in=late
            ).values_list("user_id", flat=True)
        )
        late = [user for user in late if user.pk not in already]
        next_lessons = _next_lessons(assignment, [u.pk for u in late])
        for user in late:
            sent += _remind(assignment, user, threshold, next_lessons.get(user.pk), day)
    return sent


def _remind(assignment, user, threshold, lesson, day) -> int:
    try:
        with transaction.atomic():
            AssignmentReminder.objects.create(assignment=assignment, user=user, threshold=threshold)
            with override(user.preferred_language):
                target = _in_language(assignment.target, user.preferred_language)
                page = _in_language(lesson, user.preferred_language) if lesson else target
                overdue = threshold.startswith(ReminderThreshold.OVERDUE)
                subject = (
                    _("[Formation traite] Overdue: %(title)s")
                    if overdue
                    else _("[Formation traite] Due soon: %(title)s")
                ) % {"title": target.title}
                context = {
                    "user": user,
                    "title": target.title,
                    "due_on": assignment.due_on,
                    "days_left": (assignment.due_on - day).days,
                    "overdue": overdue,
                    "assigned_by": assignment.assigned_by.get_full_name(),
                    "url": _absolute(page.get_url()),
                }
                body = render_to_string("courses/email/assignment_reminder.txt", context)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return 0  # a concurrent run sent it
    return 1


@shared_task(name="courses.send_manager_digests")
def send_manager_digests(today: str | None = None) -> int:
    """Once a week per manager: the overdue people of each of their institutions' cohorts."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    week = day - datetime.timedelta(days=day.weekday())
    managers = User.objects.filter(
        memberships__role=MembershipRole.MANAGER, memberships__status=MembershipStatus.ACTIVE
    ).distinct()
    sent = 0
    for manager in managers:
        if ManagerDigest.objects.filter(manager=manager, week=week).exists():
            continue
        institutions = Membership.objects.managed_by(manager).values("institution")
        sections = []
        for assignment in Assignment.objects.filter(
            institution__in=institutions, due_on__lt=day, cohort__archived_at__isnull=True
        ).select_related("course", "module", "cohort"):
            matrix = reports.progress_matrix(assignment, today=day)
            late = [row.user for row in matrix.rows if row.overdue]
            if late:
                sections.append((assignment, late))
        if not sections:
            continue
        try:
            with transaction.atomic():
                ManagerDigest.objects.create(manager=manager, week=week)
                with override(manager.preferred_language):
                    context = {
                        "manager": manager,
                        "sections": [
                            {
                                "cohort": a.cohort.name if a.cohort else _("Chosen people"),
                                "title": _in_language(a.target, manager.preferred_language).title,
                                "due_on": a.due_on,
                                "people": late,
                                "url": _absolute(
                                    reverse("manager_assignment", args=[a.pk]) + "?status=overdue"
                                ),
                            }
                            for a, late in sections
                        ],
                    }
                    send_mail(
                        _("[Formation traite] Overdue training in your cohorts"),
                        render_to_string("courses/email/manager_digest.txt", context),
                        settings.DEFAULT_FROM_EMAIL,
                        [manager.email],
                    )
        except IntegrityError:
            continue
        sent += 1
    return sent
