"""Actions made on a phone without a connection and sent later (assessments.offline.sync).

Each action carries an id made on the phone; this table holds one row per id, unique, so a
replay or a second sync of the same action changes nothing and gets the same answer. The time
that counts is the server's receipt (`received_at`); the phone's own clock (`client_time`) is
kept beside it for information only and never decides a deadline or a certificate date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfflineActionKind(models.TextChoices):
    LESSON_COMPLETE = "lesson_complete", _("Lesson finished")
    QUIZ_ANSWERS = "quiz_answers", _("Quiz answers")
    QUIZ_SUBMIT = "quiz_submit", _("Quiz submitted")
    H5P_STATEMENT = "h5p_statement", _("H5P result")


class OfflineActionStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Refused")


class OfflineAction(models.Model):
    client_id = models.UUIDField(_("id made on the phone"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="offline_actions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OfflineActionKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=OfflineActionStatus.choices)
    reason = models.TextField(_("reason of a refusal"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    client_time = models.DateTimeField(_("time on the phone"), null=True, blank=True)
    # What the answer points to (the graded attempt's result page), in the phone's language.
    result_url = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("offline action")
        verbose_name_plural = _("offline actions")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind} {self.client_id}"
