"""Retries and races on PostgreSQL, where threads really run in parallel, each on its own
connection: a course completed from several tabs, a duplicated signal, a task retried while the
first run is still rendering — one certificate, one PDF, one e-mail."""

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import issue_certificate
from certificates.tasks import render_certificate_pdf
from courses import services
from courses.models import EnrolmentStatus
from tests.concurrency import run_concurrently
from tests.factories import (
    CertificateFactory,
    EnrolmentFactory,
    UserFactory,
    course_with_lessons,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so nothing runs at once")


def _pdf_files(settings) -> list[str]:
    folder = settings.PRIVATE_MEDIA_ROOT / "certificates"
    return sorted(f"certificates/{p.name}" for p in folder.iterdir()) if folder.exists() else []


def test_completing_a_course_from_several_tabs_at_once_issues_one_certificate(settings):
    course, _modules, lessons = course_with_lessons(modules=1, lessons=2)
    user = UserFactory()
    services.enrol(user=user, course=course)
    services.complete_lesson(user=user, lesson=lessons[0])
    errors = run_concurrently(
        lambda: services.complete_lesson(user=user, lesson=lessons[1]), count=6
    )
    assert errors == []
    certificate = Certificate.objects.get()
    assert _pdf_files(settings) == [certificate.pdf.name]
    assert len(mail.outbox) == 1


def test_a_signal_delivered_several_times_at_once_issues_one_certificate(settings):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.COMPLETED, completed_at=timezone.now())
    errors = run_concurrently(lambda: issue_certificate(enrolment=enrolment), count=6)
    assert errors == []
    certificate = Certificate.objects.get()
    assert _pdf_files(settings) == [certificate.pdf.name]
    assert len(mail.outbox) == 1


def test_a_task_retried_while_the_first_run_renders_leaves_one_pdf(settings):
    certificate = CertificateFactory()
    errors = run_concurrently(lambda: render_certificate_pdf(certificate.pk), count=4)
    assert errors == []
    certificate.refresh_from_db()
    assert _pdf_files(settings) == [certificate.pdf.name]
    assert len(mail.outbox) == 1
