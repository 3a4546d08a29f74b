"""Writes on certificates. Every write leaves a Wagtail audit log entry.

The issue date is set once, at creation, and no service ever updates it: every later write
names its `update_fields`, none of which is `issued_on`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.log_actions import log

from certificates.codes import new_code
from certificates.models import Attendance, Certificate, add_months
from courses.models import CoursePage, Enrolment
from people.models import User


class CertificateRefused(Exception):
    """A write that cannot be done; `message` is shown to the user (French by default)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _canonical_course(course: CoursePage) -> CoursePage:
    from courses.services import canonical

    return canonical(course)


def _valid_until(course: CoursePage, issued_on: datetime.date) -> datetime.date | None:
    months = course.certificate_validity_months
    return add_months(issued_on, months) if months else None


def _create(**fields) -> Certificate:
    # A fresh code each attempt: a collision of 140 random bits is only theoretical, but the
    # unique constraint would turn it into an error rather than a shared code.
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=new_code(), **fields)
        except IntegrityError:
            if (
                "enrolment" in fields
                and Certificate.objects.filter(enrolment=fields["enrolment"]).exists()
            ):
                raise
    raise IntegrityError("could not draw a unique verification code")


def _supersede_older(*, certificate: Certificate, user: User | None) -> list[Certificate]:
    """The holder's earlier current certificates for the courses this one refreshes."""
    course = certificate.course
    refreshed = CoursePage.objects.filter(
        refresher_course__translation_key=course.translation_key
    ).values_list("translation_key", flat=True)
    older = (
        Certificate.objects.select_for_update()
        .current()
        .filter(holder=certificate.holder, course__translation_key__in=list(refreshed))
        .exclude(pk=certificate.pk)
        .filter(created_at__lte=certificate.created_at)
        # A certificate dated from an earlier workshop never replaces a more recent one.
        .filter(issued_on__lte=certificate.issued_on)
    )
    superseded = []
    for old in older:
        old.superseded_by = certificate
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_by", "superseded_at"])
        log(
            instance=old,
            action="certificates.supersede",
            user=user,
            data={"superseded_by": certificate.display_code},
        )
        superseded.append(old)
    return superseded


def _enqueue_render(certificate: Certificate) -> None:
    from certificates.tasks import render_certificate_pdf_task

    # After commit: the worker must see the row.
    render_certificate_pdf_task.delay_on_commit(certificate.pk)


def issue_certificate(*, enrolment: Enrolment) -> Certificate:
    """The certificate of a completed enrolment: created once, whatever the number of calls
    (duplicated signal, concurrent completion); the PDF is rendered after commit."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    if not enrolment.is_completed:
        raise CertificateRefused(_("The course is not completed: no certificate can be issued."))
    course = _canonical_course(enrolment.course)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            certificate = _create(
                enrolment=enrolment,
                holder=enrolment.user,
                course=course,
                course_version=course.version,
                issued_on=today,
                valid_until=_valid_until(course, today),
            )
            log(instance=certificate, action="certificates.issue", user=None)
            _supersede_older(certificate=certificate, user=None)
            _enqueue_render(certificate)
    except IntegrityError:
        # Another process issued it meanwhile: the database kept one.
        return Certificate.objects.get(enrolment=enrolment)
    return certificate


def issue_manual_certificate(
    *, holder: User, course: CoursePage, issued_by: User, reason: str
) -> Certificate:
    """A certificate for training delivered in person; the reason is recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateRefused(_("Give the reason for issuing this certificate by hand."))
    course = _canonical_course(course)
    today = timezone.localdate()
    with transaction.atomic():
        certificate = _create(
            enrolment=None,
            holder=holder,
            course=course,
            course_version=course.version,
            issued_on=today,
            valid_until=_valid_until(course, today),
            issued_by=issued_by,
            manual_reason=reason,
        )
        log(
            instance=certificate,
            action="certificates.issue_manual",
            user=issued_by,
            data={"reason": reason},
        )
        _supersede_older(certificate=certificate, user=issued_by)
        _enqueue_render(certificate)
    return certificate


def attendance_reason(session) -> str:
    """The manual reason of an attendance certificate, in the site's language (it is a record)."""
    with override(settings.LANGUAGE_CODE):
        return _(
            "Attendance at the in-person session “%(title)s”, %(place)s, from %(start)s to %(end)s."
        ) % {
            "title": session.title,
            "place": session.place,
            "start": session.starts_on.strftime("%d/%m/%Y"),
            "end": session.ends_on.strftime("%d/%m/%Y"),
        }


def issue_attendance_certificate(*, attendance: Attendance, issued_by: User | None) -> Certificate:
    """The certificate of one person's attendance at an in-person session (see
    issue_attendance_certificate_once)."""
    return issue_attendance_certificate_once(attendance=attendance, issued_by=issued_by)[0]


def issue_attendance_certificate_once(
    *, attendance: Attendance, issued_by: User | None
) -> tuple[Certificate, bool]:
    """The certificate of one person's attendance at an in-person session, for the session's
    course, dated from the session's last day (the workshop is the evidence). Created once per
    attendance whatever the number of calls: the attendance row is locked and its one-to-one
    link to the certificate is set in the same transaction. Also says whether this call issued
    it."""
    session = attendance.session
    if session.course_id is None:
        raise CertificateRefused(
            _(
                "The session “%(title)s” corresponds to no course: it cannot issue certificates. "
                "Choose its course first."
            )
            % {"title": session.title}
        )
    if session.ends_on > timezone.localdate():
        raise CertificateRefused(
            _("The session has not ended yet: certificates can be issued from %(day)s.")
            % {"day": session.ends_on.strftime("%d/%m/%Y")}
        )
    course = _canonical_course(session.course)
    reason = attendance_reason(session)
    with transaction.atomic():
        locked = Attendance.objects.select_for_update().get(pk=attendance.pk)
        if locked.certificate_id:
            attendance.certificate = locked.certificate
            return locked.certificate, False
        certificate = _create(
            enrolment=None,
            holder_id=locked.person_id,
            course=course,
            course_version=course.version,
            issued_on=session.ends_on,
            valid_until=_valid_until(course, session.ends_on),
            issued_by=issued_by,
            manual_reason=reason,
        )
        locked.certificate = certificate
        locked.save(update_fields=["certificate"])
        attendance.certificate = certificate
        log(
            instance=certificate,
            action="certificates.issue_attendance",
            user=issued_by,
            data={"session": session.pk, "reason": reason},
        )
        _supersede_older(certificate=certificate, user=issued_by)
        _enqueue_render(certificate)
    return certificate, True


def revoke_certificate(*, certificate: Certificate, revoked_by: User, reason: str) -> Certificate:
    """Revoke: the row stays, with who, when and why; the verification page shows it at once."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateRefused(_("Give the reason for the revocation."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at:
            raise CertificateRefused(_("This certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = revoked_by
        certificate.revocation_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        log(
            instance=certificate,
            action="certificates.revoke",
            user=revoked_by,
            data={"reason": reason},
        )
    return certificate


def request_pdf(*, certificate: Certificate, user: User | None) -> Certificate:
    """Render a missing PDF now (the holder is waiting for the download); also when the row
    names a file the storage no longer has (a database restored without its files)."""
    from certificates.tasks import render_certificate_pdf

    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        render_certificate_pdf(certificate.pk, requested_by=user)
        certificate.refresh_from_db()
    return certificate
