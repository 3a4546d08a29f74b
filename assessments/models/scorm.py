"""SCORM: uploaded packages (SCORM 1.2 and 2004) and the learners' attempts.

A package's files live in the default storage under `scorm/<content hash>/…`; replacing it with
a new version keeps the row (the lessons that place it, the attempts), and an attempt remembers
the version it was played with. What a package reports is computed in the learner's browser:
practice evidence, never alone a certificate (`assessments.evidence`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def scorm_storage_path(content_hash: str, relative: str) -> str:
    return f"scorm/{content_hash}/{relative}"


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", "SCORM 1.2"
    SCORM_2004 = "2004", "SCORM 2004"


class ScormPackage(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("title"),
        max_length=255,
        help_text=_("The name editors see when they choose this module for a lesson."),
    )
    version = models.CharField(
        _("SCORM version"), max_length=4, choices=ScormVersion.choices, editable=False
    )
    # The manifest's own words, e.g. « 2004 4th Edition ».
    schema_version = models.CharField(
        _("schema version"), max_length=100, blank=True, editable=False
    )
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True, editable=False)
    files = models.JSONField(_("files"), default=list, editable=False)
    launch_path = models.CharField(_("launch file"), max_length=1000, editable=False)
    # The parameters the manifest's item adds to the launch file (`?…`), or "".
    launch_query = models.CharField(max_length=1000, blank=True, editable=False)
    # [{"identifier", "title", "default": bool, "items": [{"identifier", "title", "href",
    #   "sco": bool}]}]: what the admin shows.
    organisations = models.JSONField(_("organisations"), default=list, editable=False)
    mastery_score = models.FloatField(_("mastery score"), null=True, blank=True, editable=False)
    import_notes = models.JSONField(_("import notes"), default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def storage_path(self, relative: str) -> str:
        return scorm_storage_path(self.content_hash, relative)

    @property
    def sco_count(self) -> int:
        return sum(item["sco"] for org in self.organisations for item in org["items"])


class ScormAttemptQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScormAttemptQuerySet:
        """Attempts of the learners whose records `user` reads (`people.access`)."""
        from people.access import scope_to_people

        return scope_to_people(self, user, "user")

    def completed(self) -> ScormAttemptQuerySet:
        return self.filter(completion_status="completed")

    def passed(self, minimum_scaled: float = 0) -> ScormAttemptQuerySet:
        passed = self.filter(success_status="passed")
        return passed.filter(score_scaled__gte=minimum_scaled) if minimum_scaled > 0 else passed


class ScormAttempt(models.Model):
    """One attempt of a learner at a package placed in a lesson: what the SCO reported.

    SCORM 1.2's `cmi.core.lesson_status` is split as SCORM 2004 has it: `completion_status`
    (completed, incomplete, not attempted, unknown) and `success_status` (passed, failed,
    unknown); `lesson_status` keeps the 1.2 word as sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="scorm_attempts",
    )
    package = models.ForeignKey(
        ScormPackage,
        verbose_name=_("SCORM package"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    lesson = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="+"
    )
    number = models.PositiveIntegerField(_("attempt"))
    # The version of the package this attempt was played with.
    content_hash = models.CharField(max_length=64)
    lesson_status = models.CharField(_("lesson status"), max_length=20, blank=True)
    completion_status = models.CharField(
        _("completion"), max_length=20, blank=True, default="not attempted"
    )
    success_status = models.CharField(_("success"), max_length=20, blank=True, default="unknown")
    score_raw = models.FloatField(_("raw score"), null=True, blank=True)
    score_min = models.FloatField(_("minimum score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=1000, blank=True)
    suspend_data = models.TextField(_("suspend data"), blank=True)
    exit = models.CharField(max_length=20, blank=True)
    total_seconds = models.FloatField(_("time spent (seconds)"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = ScormAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "lesson", "number"], name="one_scorm_attempt_number"
            ),
            models.CheckConstraint(
                condition=Q(score_scaled__isnull=True)
                | (Q(score_scaled__gte=-1) & Q(score_scaled__lte=1)),
                name="scorm_scaled_score_between_minus_one_and_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} · {self.user} · {self.number}"
