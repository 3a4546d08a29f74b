"""Dates a learner reads say « 1er décembre 2026 » (courses/when.py:day_month), never
« 1 décembre 2026 » nor « 01/12/2026 »: the verification page, « Mes attestations », « Ma
formation » and the expiry reminder."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from courses import assignments
from tests.factories import (
    CertificateFactory,
    UserFactory,
    course_with_lessons,
    manager_of,
    member_of,
)

pytestmark = pytest.mark.django_db


def _next_first_of_december() -> datetime.date:
    today = timezone.localdate()
    first = datetime.date(today.year, 12, 1)
    return first if first > today else first.replace(year=today.year + 1)


ISSUED = datetime.date(2025, 12, 1)
CORRECTED = datetime.datetime(2026, 3, 1, 10, 30, tzinfo=datetime.UTC)


def _certificate(holder):
    return CertificateFactory(
        holder=holder,
        issued_on=ISSUED,
        valid_until=datetime.date(2027, 12, 1),
        name_corrected_at=CORRECTED,
    )


def test_the_verification_page_says_1er(client):
    certificate = _certificate(UserFactory(full_name="Aminata Traoré"))
    html = client.get(f"/fr/verify/{certificate.display_code}/").content.decode()
    assert "1er décembre 2025" in html  # issued
    assert "1er décembre 2027" in html  # valid until
    assert "1er mars 2026" in html  # name corrected
    assert "1 décembre" not in html and "01/12/" not in html
    english = client.get(f"/en/verify/{certificate.display_code}/").content.decode()
    assert "1 December 2025" in english and "1er" not in english


def test_my_certificates_says_1er(client):
    learner = UserFactory(full_name="Aminata Traoré")
    _certificate(learner)
    client.force_login(learner)
    html = client.get(reverse("my_certificates")).content.decode()
    assert "1er décembre 2025" in html and "1er décembre 2027" in html
    assert "1 décembre" not in html


def test_an_assignment_due_on_the_first_says_1er_in_ma_formation(client):
    manager = manager_of()
    institution = manager.memberships.get().institution
    learner = member_of(institution)
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    due = _next_first_of_december()
    assignments.assign(
        assigned_by=manager, institution=institution, course=course, people=[learner], due_on=due
    )
    client.force_login(learner)
    html = client.get(reverse("my_training")).content.decode()
    assert f"1er décembre {due.year}" in html
    assert "1 décembre" not in html


def test_the_expiry_reminder_says_1er():
    certificate = _certificate(UserFactory(full_name="Aminata Traoré"))
    with translation.override("fr"):
        body = render_to_string(
            "certificates/email/reminder_body.txt", {"certificate": certificate, "expired": False}
        )
    assert "1er décembre 2027" in body
    assert "01/12/2027" not in body
