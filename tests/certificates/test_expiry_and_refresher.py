import datetime

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateReminder, CertificateStatus
from certificates.tasks import send_expiry_reminders_task
from tests.factories import (
    CertificateFactory,
    UserFactory,
    completed_enrolment,
    course_with_lessons,
)

pytestmark = pytest.mark.django_db


def _expiring_in(days: int, **fields):
    return CertificateFactory(
        valid_until=timezone.localdate() + datetime.timedelta(days=days), **fields
    )


def _run_on(monkeypatch, day: datetime.date) -> int:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return send_expiry_reminders_task()


def test_one_reminder_per_threshold_even_when_the_task_runs_twice(monkeypatch):
    certificate = _expiring_in(200)
    expiry = certificate.valid_until
    sent_by_day = {}
    for days_before in range(120, -3, -1):
        day = expiry - datetime.timedelta(days=days_before)
        sent_by_day[days_before] = _run_on(monkeypatch, day) + _run_on(monkeypatch, day)
    assert {d: n for d, n in sent_by_day.items() if n} == {90: 1, 30: 1, 7: 1, 0: 1}
    assert sorted(certificate.reminders.values_list("threshold", flat=True)) == [0, 7, 30, 90]
    assert len(mail.outbox) == 4
    assert "expire dans 90 jours" in mail.outbox[0].subject
    assert "a expiré" in mail.outbox[-1].subject


def test_a_late_run_records_the_passed_thresholds_and_sends_only_the_nearest(monkeypatch):
    certificate = _expiring_in(5)
    assert send_expiry_reminders_task() == 1
    assert send_expiry_reminders_task() == 0
    assert sorted(certificate.reminders.values_list("threshold", flat=True)) == [7, 30, 90]
    assert len(mail.outbox) == 1
    assert "5 jours" in mail.outbox[0].subject


def test_reminders_go_out_in_the_holder_language():
    _expiring_in(30, holder=UserFactory(preferred_language="en"))
    send_expiry_reminders_task()
    assert "expires in 30 days" in mail.outbox[0].subject


def test_no_reminder_for_revoked_superseded_or_unlimited_certificates():
    newer = CertificateFactory()
    _expiring_in(7, revoked_at=timezone.now(), revocation_reason="Erreur")
    _expiring_in(7, superseded_by=newer)
    CertificateFactory(valid_until=None)
    assert send_expiry_reminders_task() == 0
    assert not CertificateReminder.objects.exists()


def test_completing_the_refresher_supersedes_the_older_certificate(
    django_capture_on_commit_callbacks,
):
    refresher, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    course, _modules, _lessons = course_with_lessons(
        modules=1, lessons=1, certificate_validity_months=24, refresher_course=refresher
    )
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(user=user, course=course)
    old = Certificate.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(user=user, course=refresher)
    new = Certificate.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert old.superseded_by == new
    assert old.status == CertificateStatus.SUPERSEDED
    assert new.status == CertificateStatus.VALID
    assert old.issued_on and Certificate.objects.count() == 2  # history kept
    assert ModelLogEntry.objects.for_instance(old).filter(action="certificates.supersede").exists()


def test_a_course_that_is_its_own_refresher_supersedes_a_manual_certificate(
    django_capture_on_commit_callbacks,
):
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    course.refresher_course = course
    course.save()
    user = UserFactory()
    old = CertificateFactory(holder=user, course=course)
    other = CertificateFactory(holder=UserFactory(), course=course)
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(user=user, course=course)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.superseded_by == Certificate.objects.get(enrolment__isnull=False)
    assert other.superseded_by is None
