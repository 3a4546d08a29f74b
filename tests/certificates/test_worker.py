"""Through the real broker and a real worker (CI: Redis): the PDF queued after commit is
rendered, and a render lost with its worker is picked up by the sweep."""

import datetime
import time

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import issue_certificate
from certificates.tasks import sweep_missing_pdfs_task
from courses.models import EnrolmentStatus
from tests.factories import EnrolmentFactory

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def _wait_for_pdf(certificate_id: int, seconds: float = 60) -> Certificate:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        certificate = Certificate.objects.get(pk=certificate_id)
        if certificate.pdf_sha256:
            return certificate
        time.sleep(0.2)
    raise AssertionError("the worker did not render the PDF")


def test_the_worker_renders_the_pdf_queued_after_commit(celery_worker):
    enrolment = EnrolmentFactory(status=EnrolmentStatus.COMPLETED, completed_at=timezone.now())
    certificate = issue_certificate(enrolment=enrolment)
    assert _wait_for_pdf(certificate.pk).pdf


def test_a_render_lost_with_its_worker_is_done_by_the_sweep(celery_worker):
    # The row committed, its task lost (the worker was killed before it finished).
    enrolment = EnrolmentFactory(status=EnrolmentStatus.COMPLETED, completed_at=timezone.now())
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        holder=enrolment.user,
        course=enrolment.course,
        course_version="1.0",
        code="7" * 28,
        issued_on=timezone.localdate(),
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    sweep_missing_pdfs_task.delay()
    assert _wait_for_pdf(certificate.pk).pdf
