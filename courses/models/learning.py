"""What a learner does with a course: enrolment, lesson progress, module completion.

Progress is recorded against the *canonical* page of each course, module and lesson: the first
page created among its translations (the lowest id with that `translation_key`), so a learner
who switches language keeps their place. Reads by translation key join through the page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolment")
    ASSIGNMENT = "assignment", _("Assignment")
    ADMINISTRATOR = "admin", _("Administrator")


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> EnrolmentQuerySet:
        """The enrolments of the people `user` may see (people.User.objects.visible_to): their
        own; a manager's institutions' people; everyone's for the committee and administrators."""
        from people.access import scope_to_people

        return scope_to_people(self, user, "user")

    def of(self, user) -> EnrolmentQuerySet:
        return self.filter(user=user)

    def active(self) -> EnrolmentQuerySet:
        return self.exclude(status=EnrolmentStatus.WITHDRAWN)

    def with_course_outline(self) -> EnrolmentQuerySet:
        """Each enrolment with its course, read with only what a list of courses shows and
        links to (`with_outline_of`)."""
        from courses.models.querysets import with_outline_of

        return with_outline_of(self, "course")

    def in_progress(self) -> EnrolmentQuerySet:
        return self.filter(status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.IN_PROGRESS])

    def completed(self) -> EnrolmentQuerySet:
        return self.filter(status=EnrolmentStatus.COMPLETED)


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    source = models.CharField(
        _("enrolled by"),
        max_length=10,
        choices=EnrolmentSource.choices,
        default=EnrolmentSource.SELF,
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("last lesson visited"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_visited_at = models.DateTimeField(_("last visited at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_course"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="completed_enrolment_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.course}"

    @property
    def is_completed(self) -> bool:
        return self.status == EnrolmentStatus.COMPLETED


class LessonProgressQuerySet(models.QuerySet):
    def completed(self) -> LessonProgressQuerySet:
        return self.filter(completed_at__isnull=False)


class LessonProgress(models.Model):
    """A learner's state in a lesson: a row once visited, `completed_at` once done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.lesson}"


class ModuleCompletion(models.Model):
    """Written once, when the roll-up finds a module complete; later content changes keep it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="module_completions",
    )
    module = models.ForeignKey(
        "courses.ModulePage",
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("module completion")
        verbose_name_plural = _("module completions")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_completion_per_module"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.module}"
