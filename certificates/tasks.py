"""Celery tasks: render the PDF, sweep missing PDFs, send expiry reminders.

Each takes ids, re-fetches, and is safe to run twice (retries, a duplicated beat, two workers)."""

from __future__ import annotations

import datetime
import hashlib
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.log_actions import log

from certificates.models import Certificate, CertificateReminder, ReminderThreshold
from certificates.pdf import certificate_pdf, verification_url
from people.models import User

logger = logging.getLogger(__name__)

# A render that has not finished after this long is taken as lost (worker killed).
SWEEP_GRACE = datetime.timedelta(minutes=5)
# A beat that runs late still reminds, up to this many days after the threshold.
REMINDER_LATENESS_DAYS = 14


def render_certificate_pdf(certificate_id: int, *, requested_by=None) -> bool:
    """Render (or re-render) the PDF, replace the file, store its SHA-256; e-mail the holder the
    first time. Returns False when there is nothing to render."""
    with transaction.atomic():
        # The row lock serialises two workers rendering the same certificate.
        certificate = (
            Certificate.objects.select_for_update()
            .filter(pk=certificate_id, revoked_at__isnull=True)
            .first()
        )
        if certificate is None:
            return False
        previous = certificate.pdf.name
        previous_sha256 = certificate.pdf_sha256
        content = certificate_pdf(certificate)
        storage = certificate.pdf.storage
        # A re-render replaces the file under its (random) name; a first render, or a file
        # named after its code by an older version, gets a new random name.
        if previous and certificate.code not in previous:
            name = previous
        else:
            name = certificate.pdf.field.generate_filename(certificate, "certificate.pdf")
        if storage.exists(name):
            storage.delete(name)
        certificate.pdf.name = storage.save(name, ContentFile(content))
        if previous and previous != certificate.pdf.name and storage.exists(previous):
            storage.delete(previous)
        certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
        certificate.pdf_rendered_at = timezone.now()
        certificate.save(update_fields=["pdf", "pdf_sha256", "pdf_rendered_at"])
        if previous or requested_by is not None:
            # The old hash stays in the audit log: a PDF handed out earlier can still be told.
            log(
                instance=certificate,
                action="certificates.render",
                user=requested_by,
                data={"previous_sha256": previous_sha256, "sha256": certificate.pdf_sha256},
            )
        first_time = Certificate.objects.filter(pk=certificate.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    if first_time:
        _send_ready_email(certificate)
    return True


def _send_ready_email(certificate: Certificate) -> None:
    holder = certificate.holder
    with translation.override(holder.preferred_language or "fr"):
        context = {
            "certificate": certificate,
            "holder": holder,
            "verification_url": verification_url(certificate.code),
        }
        subject = render_to_string("certificates/email/ready_subject.txt", context).strip()
        body = render_to_string("certificates/email/ready_body.txt", context)
    send_mail(subject, body, None, [holder.email])


@shared_task(name="certificates.render_pdf", acks_late=True, max_retries=3)
def render_certificate_pdf_task(certificate_id: int) -> bool:
    return render_certificate_pdf(certificate_id)


@shared_task(name="certificates.sweep_missing_pdfs")
def sweep_missing_pdfs_task() -> int:
    """Render the PDFs a killed worker left undone, and those that no longer say what the row
    says (a name corrected or recorded whose render failed; an older version's PDF that printed
    the e-mail address). Also does what waited for a holder's name that a lost signal missed:
    older certificates take the name now given, completed courses get their certificate.
    Returns the number of PDFs rendered."""
    from certificates.services import (
        issue_waiting_certificates,
        record_holder_names,
        waiting_enrolments,
    )

    cutoff = timezone.now() - SWEEP_GRACE
    named = User.objects.exclude(full_name="")
    for holder in named.filter(
        pk__in=Certificate.objects.filter(holder_name="", revoked_at__isnull=True).values(
            "holder_id"
        )[:200]
    ):
        record_holder_names(user=holder)
    for holder in named.filter(
        pk__in=waiting_enrolments().filter(completed_at__lte=cutoff).values("user_id")[:200]
    ):
        issue_waiting_certificates(user=holder)
    ids = list(
        Certificate.objects.missing_pdf()
        .filter(created_at__lte=cutoff)
        .values_list("pk", flat=True)[:500]
    )
    ids += list(
        Certificate.objects.stale_pdf()
        .exclude(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for certificate_id in ids:
        render_certificate_pdf(certificate_id)
    return len(ids)


@shared_task(name="certificates.send_expiry_reminders")
def send_expiry_reminders_task() -> int:
    """One e-mail per threshold (90, 30, 7 days before expiry, on expiry) per certificate: the
    reminder row is unique, so a second or late run sends nothing twice. A late run that finds
    several thresholds passed records them all and sends only the nearest one."""
    today = timezone.localdate()
    sent = 0
    thresholds = sorted(ReminderThreshold.values, reverse=True)
    due = (
        Certificate.objects.expiring_by(today + datetime.timedelta(days=max(thresholds)))
        .filter(valid_until__gte=today - datetime.timedelta(days=REMINDER_LATENESS_DAYS))
        .select_related("holder", "course")
    )
    for certificate in due:
        days_left = (certificate.valid_until - today).days
        passed = [t for t in thresholds if days_left <= t]
        recorded = set(certificate.reminders.values_list("threshold", flat=True))
        new = [t for t in passed if t not in recorded]
        if not new:
            continue
        claimed = []
        for threshold in new:
            try:
                with transaction.atomic():
                    CertificateReminder.objects.create(certificate=certificate, threshold=threshold)
                claimed.append(threshold)
            except IntegrityError:
                continue  # another run claimed it
        if claimed and min(claimed) == min(passed):
            _send_reminder_email(certificate, days_left=days_left)
            sent += 1
    return sent


def _send_reminder_email(certificate: Certificate, *, days_left: int) -> None:
    holder = certificate.holder
    with translation.override(holder.preferred_language or "fr"):
        refresher = certificate.course.refresher_course
        context = {
            "certificate": certificate,
            "holder": holder,
            "days_left": max(days_left, 0),
            "expired": days_left <= 0,
            "refresher": refresher,
        }
        subject = render_to_string("certificates/email/reminder_subject.txt", context).strip()
        body = render_to_string("certificates/email/reminder_body.txt", context)
    send_mail(subject, body, None, [holder.email])


# The register's tasks live beside the register; importing them here registers them with the
# worker (Celery discovers `<app>.tasks` modules only).
from certificates.register import summary as register_summary  # noqa: E402, F401
from certificates.register import tasks as register_tasks  # noqa: E402, F401
