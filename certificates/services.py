"""Writes on certificates. Every write leaves a Wagtail audit log entry.

The issue date is set once, at creation, and no service ever updates it: every later write
names its `update_fields`, none of which is `issued_on`."""

from __future__ import annotations

import contextlib
import contextvars
import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.log_actions import log

from assessments.evidence import course_evidence
from certificates.codes import new_code
from certificates.models import Attendance, Certificate, add_months
from courses.models import CoursePage, Enrolment
from people.models import User


def holder_name_of(user: User) -> str:
    """The name a certificate prints for `user`: their full name, never their e-mail address
    (empty when they have given none: nothing official is issued to them then)."""
    return " ".join((user.full_name or "").split())


def _refuse_unnamed(user: User) -> None:
    if not holder_name_of(user):
        raise CertificateRefused(
            _(
                "%(account)s has no full name: a certificate must name its holder. Ask them to "
                "fill in their profile, or enter their name in the admin (Users), then issue it."
            )
            % {"account": user.email}
        )


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


_rendering_deferred = contextvars.ContextVar("certificate_rendering_deferred", default=False)


@contextlib.contextmanager
def pdf_rendering_deferred():
    """Certificates issued inside are left without PDF (seed_demo on a machine without the PDF
    renderer): the « missing PDFs » sweep or the holder's download renders them later."""
    token = _rendering_deferred.set(True)
    try:
        yield
    finally:
        _rendering_deferred.reset(token)


def _enqueue_render(certificate: Certificate) -> None:
    from certificates.tasks import render_certificate_pdf_task

    if _rendering_deferred.get():
        return
    # After commit: the worker must see the row.
    render_certificate_pdf_task.delay_on_commit(certificate.pk)


def issue_certificate(*, enrolment: Enrolment) -> Certificate | None:
    """The certificate of a completed enrolment: created once, whatever the number of calls
    (duplicated signal, concurrent completion); the PDF is rendered after commit.

    A learner without a full name gets none yet (None): the completion stays recorded, and the
    certificate is issued when the name is given (`issue_waiting_certificates`)."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    if not enrolment.is_completed:
        raise CertificateRefused(_("The course is not completed: no certificate can be issued."))
    course = _canonical_course(enrolment.course)
    evidence = course_evidence(course)
    if not evidence.earns_certificate:
        # H5P results alone (computed in the browser, forgeable) never earn a certificate.
        raise CertificateRefused(evidence.warning())
    holder_name = holder_name_of(enrolment.user)
    if not holder_name:
        return None
    today = timezone.localdate()
    try:
        with transaction.atomic():
            certificate = _create(
                enrolment=enrolment,
                holder=enrolment.user,
                holder_name=holder_name,
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
    _refuse_unnamed(holder)
    course = _canonical_course(course)
    today = timezone.localdate()
    with transaction.atomic():
        certificate = _create(
            enrolment=None,
            holder=holder,
            holder_name=holder_name_of(holder),
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
        locked = (
            Attendance.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=attendance.pk)
        )
        if locked.certificate_id:
            attendance.certificate = locked.certificate
            return locked.certificate, False
        person = locked.person
        _refuse_unnamed(person)
        certificate = _create(
            enrolment=None,
            holder=person,
            holder_name=holder_name_of(person),
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
    names a file the storage no longer has (a database restored without its files), and when
    the file is stale (`CertificateQuerySet.stale_pdf`: it no longer says what the row says)."""
    from certificates.tasks import render_certificate_pdf

    if (
        not certificate.pdf
        or certificate.pdf_rendered_at is None
        or not certificate.pdf.storage.exists(certificate.pdf.name)
    ):
        render_certificate_pdf(certificate.pk, requested_by=user)
        certificate.refresh_from_db()
    return certificate


def _rerender_after_commit(certificate: Certificate, *, user: User | None) -> None:
    """Render the PDF again once the row is committed (the person correcting it is waiting; a
    render that fails leaves the PDF stale, and the periodic sweep renders it again)."""
    from certificates.tasks import render_certificate_pdf

    transaction.on_commit(
        lambda: render_certificate_pdf(certificate.pk, requested_by=user), robust=True
    )


def correct_holder_name(
    *,
    certificate: Certificate,
    name: str,
    reason: str,
    corrected_by: User,
    update_profile: bool = False,
) -> Certificate:
    """A staff correction of the name printed on a certificate. The code and the issue date do
    not change; the PDF is rendered again (a new SHA-256) and the audit log keeps the old name,
    the old hash, the reason and who did it; the verification page shows « corrigée le … ».
    With `update_profile`, the holder's profile takes the corrected name too."""
    name = " ".join((name or "").split())
    reason = (reason or "").strip()
    if not name:
        raise CertificateRefused(_("Give the name as it must appear on the certificate."))
    if len(name) > Certificate._meta.get_field("holder_name").max_length:
        raise CertificateRefused(_("This name is too long (200 characters at most)."))
    if not reason:
        raise CertificateRefused(_("Give the reason for the correction."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at:
            raise CertificateRefused(_("This certificate is revoked: its name is not corrected."))
        if name == certificate.holder_name:
            raise CertificateRefused(_("The certificate already bears this name."))
        previous = {
            "previous_name": certificate.holder_name,
            "previous_sha256": certificate.pdf_sha256,
        }
        certificate.holder_name = name
        certificate.name_corrected_at = timezone.now()
        certificate.pdf_rendered_at = None  # stale until rendered again
        certificate.save(update_fields=["holder_name", "name_corrected_at", "pdf_rendered_at"])
        log(
            instance=certificate,
            action="certificates.correct_name",
            user=corrected_by,
            data={**previous, "name": name, "reason": reason, "profile_updated": update_profile},
        )
        if update_profile:
            holder = User.objects.get(pk=certificate.holder_id)
            holder.full_name = name
            holder.save(update_fields=["full_name"])
        _rerender_after_commit(certificate, user=corrected_by)
    return certificate


def record_holder_names(*, user: User) -> list[Certificate]:
    """The holder has given their name: their certificates issued without one (older data)
    take it, and their PDFs are rendered again (the audit log keeps the old hash)."""
    name = holder_name_of(user)
    if not name:
        return []
    recorded = []
    with transaction.atomic():
        for certificate in Certificate.objects.select_for_update().filter(
            holder=user, holder_name="", revoked_at__isnull=True
        ):
            previous_sha256 = certificate.pdf_sha256
            certificate.holder_name = name
            certificate.pdf_rendered_at = None
            certificate.save(update_fields=["holder_name", "pdf_rendered_at"])
            log(
                instance=certificate,
                action="certificates.record_name",
                user=None,
                data={"name": name, "previous_sha256": previous_sha256},
            )
            _rerender_after_commit(certificate, user=None)
            recorded.append(certificate)
    return recorded


def waiting_enrolments():
    """Completed enrolments whose certificate waits for the learner's full name."""
    from courses.models import EnrolmentStatus

    return Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED, certificate__isnull=True)


def issue_waiting_certificates(*, user: User) -> list[Certificate]:
    """The holder has given their name: the certificates of the courses they completed without
    one are issued now (each through issue_certificate, so twice issues nothing more)."""
    if not holder_name_of(user):
        return []
    issued = []
    for enrolment in waiting_enrolments().filter(user=user).select_related("user"):
        try:
            certificate = issue_certificate(enrolment=enrolment)
        except CertificateRefused:
            continue  # e.g. a course completed on H5P results alone: never a certificate
        if certificate is not None:
            issued.append(certificate)
    return issued


def name_given(*, user: User) -> None:
    """What waits for a holder's name, done once it is known (certificates/receivers.py)."""
    record_holder_names(user=user)
    issue_waiting_certificates(user=user)
