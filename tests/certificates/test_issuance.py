import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import codes
from certificates.models import Certificate, CertificateStatus, add_months
from certificates.services import (
    CertificateRefused,
    issue_certificate,
    issue_manual_certificate,
)
from certificates.tasks import render_certificate_pdf_task
from courses.signals import course_completed
from tests.factories import (
    CertificateFactory,
    CoursePageFactory,
    EnrolmentFactory,
    UserFactory,
    completed_enrolment,
)

pytestmark = pytest.mark.django_db


def _actions(certificate):
    return list(ModelLogEntry.objects.for_instance(certificate).values_list("action", flat=True))


def test_completing_a_course_issues_one_certificate_with_its_pdf(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = completed_enrolment(certificate_validity_months=24)
    certificate = Certificate.objects.get()
    assert certificate.enrolment == enrolment
    assert certificate.holder == enrolment.user
    assert certificate.course == enrolment.course
    assert certificate.course_version == enrolment.course.version
    assert certificate.issued_on == timezone.localdate()
    assert certificate.valid_until == add_months(certificate.issued_on, 24)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.pdf and len(certificate.pdf_sha256) == 64
    assert _actions(certificate) == ["certificates.issue"]
    assert len(mail.outbox) == 1
    assert certificate.display_code in mail.outbox[0].body


def test_a_course_without_validity_gives_a_certificate_without_expiry(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(certificate_validity_months=None)
    assert Certificate.objects.get().valid_until is None


def test_a_duplicated_signal_and_repeated_calls_still_give_one_certificate(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = completed_enrolment()
    with django_capture_on_commit_callbacks(execute=True):
        course_completed.send(sender=type(enrolment), enrolment=enrolment)
        again = issue_certificate(enrolment=enrolment)
    assert Certificate.objects.count() == 1
    assert again == Certificate.objects.get()
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_certificate_for_an_enrolment(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = completed_enrolment()
    with pytest.raises(IntegrityError):
        CertificateFactory(enrolment=enrolment, holder=enrolment.user, course=enrolment.course)


def test_an_uncompleted_enrolment_gets_no_certificate():
    enrolment = EnrolmentFactory()
    with pytest.raises(CertificateRefused, match="pas terminé"):
        issue_certificate(enrolment=enrolment)
    assert not Certificate.objects.exists()


def test_the_issue_date_never_changes(django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = completed_enrolment()
    certificate = Certificate.objects.get()
    issued_on = certificate.issued_on
    later = timezone.now() + datetime.timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        issue_certificate(enrolment=enrolment)
        render_certificate_pdf_task.delay(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.issued_on == issued_on
    assert Certificate._meta.get_field("issued_on").editable is False


def test_staff_issue_a_certificate_by_hand_with_a_reason(django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    holder = UserFactory()
    course = CoursePageFactory(certificate_validity_months=12)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_manual_certificate(
            holder=holder, course=course, issued_by=staff, reason="Session à Ségou, mars 2026"
        )
    certificate.refresh_from_db()
    assert certificate.enrolment is None
    assert certificate.is_manual
    assert certificate.issued_by == staff
    assert certificate.manual_reason == "Session à Ségou, mars 2026"
    assert certificate.pdf
    entry = ModelLogEntry.objects.for_instance(certificate).get()
    assert entry.action == "certificates.issue_manual"
    assert entry.user == staff
    assert entry.data["reason"] == "Session à Ségou, mars 2026"


def test_a_manual_issue_without_reason_is_refused_and_changes_nothing():
    with pytest.raises(CertificateRefused, match="raison"):
        issue_manual_certificate(
            holder=UserFactory(), course=CoursePageFactory(), issued_by=UserFactory(), reason="  "
        )
    assert not Certificate.objects.exists()


def test_codes_have_at_least_128_random_bits_and_read_without_ambiguity():
    code = codes.new_code()
    assert len(code) * 5 >= 128
    assert not set(code) & set("ILOU")
    assert codes.normalise(codes.grouped(code).lower()) == code
    # Crockford: a typed O or l reads as 0 or 1.
    assert codes.normalise(code.replace("0", "O").replace("1", "l")) == code
    assert codes.normalise("not a code") is None
    assert len({codes.new_code() for _ in range(1000)}) == 1000


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_short_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 24) == datetime.date(2028, 11, 15)
