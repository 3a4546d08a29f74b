"""Assignments: a course, or one of its modules, given by a manager to a cohort or to chosen
people with a due date; and the reminders sent about them (one per threshold)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssignmentQuerySet:
        """The assignments of the institutions `user` manages (`people.access`)."""
        from people.access import access_for

        access = access_for(user)
        if not access.manages_people:
            return self.none()
        condition = access.institution_filter()
        return self if condition is None else self.filter(condition)

    def for_learner(self, user) -> AssignmentQuerySet:
        """The assignments that concern `user`: through one of their cohorts or by name.

        Two indexed subqueries rather than an OR across two many-to-many joins: with 50,000
        people the joins scanned every cohort membership (9 ms per « Ma formation »)."""
        cohorts = self.model._meta.get_field("cohort").related_model.members.through
        named = self.model.people.through
        return self.filter(
            Q(cohort__in=cohorts.objects.filter(user=user).values("cohort_id"))
            | Q(pk__in=named.objects.filter(user=user).values("assignment_id"))
        )

    def with_pages_shown(self) -> AssignmentQuerySet:
        """With the course, the module and who assigned them, read with only what a list of
        assignments shows and links to (the pages' outline fields, the manager's name)."""
        from courses.models.querysets import with_outline_of

        return with_outline_of(
            self, "course", "module", also=("assigned_by__full_name", "assigned_by__email")
        )

    def of_cohort(self, cohort) -> AssignmentQuerySet:
        return self.filter(cohort=cohort)


class Assignment(models.Model):
    institution = models.ForeignKey(
        "people.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    # Always the (canonical) course; `module` narrows the assignment to one of its modules.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    module = models.ForeignKey(
        "courses.ModulePage",
        verbose_name=_("module"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    cohort = models.ForeignKey(
        "people.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people"),
        blank=True,
        related_name="assignments",
    )
    due_on = models.DateField(_("due on"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="assignments_given",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.target} — {self.due_on:%d/%m/%Y}"

    @property
    def target(self):
        return self.module or self.course


class ReminderThreshold:
    """Thresholds of learner reminders; overdue ones are `overdue-<weeks late>`."""

    WEEK_BEFORE = "7d"
    DAY_BEFORE = "1d"
    OVERDUE = "overdue"


class AssignmentReminder(models.Model):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="reminders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="assignment_reminders",
    )
    threshold = models.CharField(_("threshold"), max_length=20)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment reminder")
        verbose_name_plural = _("assignment reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "threshold"], name="one_reminder_per_threshold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.assignment} ({self.threshold})"


class ManagerDigest(models.Model):
    """One weekly digest per manager and ISO week (the week's Monday)."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.CASCADE,
        related_name="assignment_digests",
    )
    week = models.DateField(_("week"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("manager digest")
        verbose_name_plural = _("manager digests")
        constraints = [
            models.UniqueConstraint(fields=["manager", "week"], name="one_digest_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.manager} — {self.week}"
