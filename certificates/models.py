"""Certificates: official, append-only records of a completed training.

A certificate is issued once per enrolment (or manually by staff, for training delivered in
person). Its issue date never changes; a re-issue is a new certificate that supersedes the old.
Revocation keeps the row with who, when and why. The status is derived, never stored."""

from __future__ import annotations

import calendar
import datetime
import hashlib
import hmac
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from certificates.codes import grouped
from config.private_files import private_storage


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_pdf_name(instance, filename: str) -> str:
    """A name in the private storage that never carries the verification code (whoever sees a
    file name, in a log or a directory listing, learns no code): a keyed hash of the row's id,
    so that a render interrupted between the file and the commit and done again writes the same
    file instead of leaving an orphan; random for a row not saved yet."""
    if instance.pk is None:
        return f"certificates/{uuid.uuid4().hex}.pdf"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"certificate-pdf:{instance.pk}".encode(), hashlib.sha256
    )
    return f"certificates/{digest.hexdigest()[:32]}.pdf"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user) -> CertificateQuerySet:
        """The certificates of the people `user` may see (people.User.objects.visible_to):
        their own; a manager's institutions' people; everyone's for the committee and
        administrators."""
        from people.access import scope_to_people

        return scope_to_people(self, user, "holder")

    def of(self, user) -> CertificateQuerySet:
        return self.filter(holder=user)

    def current(self) -> CertificateQuerySet:
        """Neither revoked nor superseded (they may have expired)."""
        return self.filter(revoked_at__isnull=True, superseded_by__isnull=True)

    def missing_pdf(self) -> CertificateQuerySet:
        return self.filter(revoked_at__isnull=True, pdf="")

    def stale_pdf(self) -> CertificateQuerySet:
        """A PDF that no longer says what the row says (the holder's name was corrected or
        recorded, or an older version printed the e-mail address): its render time is cleared
        until it is rendered again."""
        return self.filter(revoked_at__isnull=True, pdf_rendered_at__isnull=True).exclude(pdf="")

    def expiring_by(self, day: datetime.date) -> CertificateQuerySet:
        return self.current().filter(valid_until__isnull=False, valid_until__lte=day)


class Certificate(models.Model):
    enrolment = models.OneToOneField(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        help_text=_("Empty for a certificate issued by hand (training delivered in person)."),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course_version = models.CharField(_("course version"), max_length=20)
    # The name printed on the certificate, copied from the holder's profile at issuance and
    # changed only by a name correction (certificates.services.correct_holder_name). Empty only
    # for certificates issued before the name was recorded, to an account without a name: they
    # show « nom non renseigné », never the e-mail address, until the name is known.
    holder_name = models.CharField(
        _("holder's name as issued"), max_length=200, blank=True, editable=False
    )
    name_corrected_at = models.DateTimeField(
        _("holder's name corrected at"), null=True, blank=True, editable=False
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True, editable=False)
    issued_on = models.DateField(_("issued on"), editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    manual_reason = models.TextField(_("reason for a manual issue"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Private: served only by views that check who asks (config/private_files.py).
    pdf = models.FileField(
        _("PDF"), upload_to=certificate_pdf_name, storage=private_storage, blank=True
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("holder notified at"), null=True, blank=True)

    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for the revocation"), blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrolment__isnull=False) | ~Q(manual_reason=""),
                name="manual_certificate_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} — {self.holder_name or self.holder} — {self.course}"

    @property
    def display_code(self) -> str:
        return grouped(self.code)

    def status_on(self, day: datetime.date) -> str:
        if self.revoked_at:
            return CertificateStatus.REVOKED
        if self.superseded_by_id:
            return CertificateStatus.SUPERSEDED
        if self.valid_until and self.valid_until < day:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return CertificateStatus(self.status).label

    @property
    def is_manual(self) -> bool:
        return self.enrolment_id is None


class ReminderThreshold(models.IntegerChoices):
    DAYS_90 = 90, _("90 days before expiry")
    DAYS_30 = 30, _("30 days before expiry")
    DAYS_7 = 7, _("7 days before expiry")
    ON_EXPIRY = 0, _("On expiry")


class CertificateReminder(models.Model):
    """One row per certificate and threshold: the database refuses a second reminder."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    threshold = models.PositiveSmallIntegerField(_("threshold"), choices=ReminderThreshold.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "threshold"], name="one_certificate_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate.display_code} — {self.get_threshold_display()}"


@register_setting(icon="doc-full")
class CertificateSettings(BaseSiteSetting):
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title = models.CharField(
        _("signatory's title"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Director of the National Institute of Judicial Training"),
    )
    institution_name = models.CharField(
        _("issuing institution"),
        max_length=200,
        blank=True,
        help_text=_("Printed at the top of the certificate."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certificates")


# --- In-person training sessions (the register counts them beside e-learning) ---------------


class TrainingSession(models.Model):
    """A workshop delivered in person (UNODC, IOM, INFJ…), with its attendance list."""

    title = models.CharField(_("title"), max_length=255)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("corresponding course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        help_text=_("The e-learning course this workshop covers, if any."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200)
    region = models.ForeignKey(
        "people.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    organiser = models.CharField(_("organiser"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    trainers = models.TextField(_("trainers"), blank=True, help_text=_("One name per line."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("in-person session")
        verbose_name_plural = _("in-person sessions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d/%m/%Y})"


class Attendance(models.Model):
    """One person's presence at a session; once per person and session. The attendance
    certificate, when one is issued, goes through the certificate service."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    certificate = models.OneToOneField(
        Certificate,
        verbose_name=_("attendance certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="one_attendance_per_person_and_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.session}"


# --- The register's exports are logged: they contain personal data --------------------------


class RegisterExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Spreadsheet (XLSX)")
    CSV = "csv", _("CSV")
    PRINT = "print", _("Printable page")


class RegisterExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class RegisterExportQuerySet(models.QuerySet):
    def requested_by(self, user) -> RegisterExportQuerySet:
        """The exports `user` asked for. A file of the register holds personal data: only the
        person who asked downloads it, superusers included (the log rows stay in the
        database for an audit)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)

    def visible_to(self, user) -> RegisterExportQuerySet:
        """Each person sees their own exports, and only those (see `requested_by`)."""
        return self.requested_by(user)


class RegisterExport(models.Model):
    """Who exported what, when, with which filters. The row is written before the file."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="register_exports",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    format = models.CharField(_("format"), max_length=10, choices=RegisterExportFormat.choices)
    filters = models.JSONField(_("filters and period"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegisterExportStatus.choices,
        default=RegisterExportStatus.PENDING,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # Private: downloaded only by the person who asked (certificates/register/views.py).
    file = models.FileField(
        _("file"), upload_to="register-exports/", storage=private_storage, blank=True
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = RegisterExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.requested_by} — {self.get_format_display()} — {self.created_at:%d/%m/%Y %H:%M}"
        )


class RegisterVersion(models.Model):
    """One row whose token changes with every write to a fact the register counts.

    Database triggers (migration 0008) give it a new random token on each insert, update or
    delete of certificates, attendances, training sessions, memberships, institutions' regions
    and people's profession or sex — whatever wrote it (a service, the admin, a bulk load), in
    the writer's own transaction. The dashboard's aggregates are kept in the cache under this
    token (`certificates/register/summary.py`): a reader sees a new token only once the change
    is committed, and never finds figures computed before it. Random rather than counted, so
    a rolled-back transaction cannot bring back a token already used for other data."""

    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("register version")
        verbose_name_plural = _("register versions")

    def __str__(self) -> str:
        return self.token
