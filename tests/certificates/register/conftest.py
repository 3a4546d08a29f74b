"""A small hand-made register (see `register_data`): every figure in the tests is counted by
hand from this description.

Courses A (e-learning, two-year certificates) and B. Institutions I1 (District de Bamako) and
I2 (Kayes). Today is 15 June 2026.

- p1 judge F, I1: e-learning certificate A issued 31/03/2026, valid until 31/03/2028; attended
  a session on course B ending 20/05/2026 (no certificate).
- p2 prosecutor M, I1: in-person certificate A issued 01/04/2026, valid until 01/09/2026.
- p3 police officer M, I2: e-learning certificate A issued 10/01/2024, valid until 09/01/2026;
  a certificate B issued 01/05/2026, revoked.
- p4 gendarme F, I2: e-learning certificate A issued 01/02/2025 valid until 01/02/2027,
  superseded by an in-person refresher A issued 10/05/2026 valid until 10/05/2028; attended a
  session on course B ending 15/02/2026 (no certificate).
- p5 judge, sex not recorded, I1 then I2 (counted under I1): attended a session on course B
  ending 31/03/2026 (no certificate).
- p6 police officer M, I2: nothing.
- p7 F, no institution: e-learning certificate B issued 31/12/2025, no expiry.
"""

import datetime

import pytest
from django.utils import timezone

from courses.models import EnrolmentStatus
from people.models import Region
from tests.factories import (
    CertificateFactory,
    CoursePageFactory,
    EnrolmentFactory,
    InstitutionFactory,
    MembershipFactory,
    TrainingSessionFactory,
    UserFactory,
    member_of,
)

TODAY = datetime.date(2026, 6, 15)


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _online(holder, course, issued_on, valid_until=None, **fields):
    enrolment = EnrolmentFactory(
        user=holder,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    return CertificateFactory(
        holder=holder,
        course=course,
        enrolment=enrolment,
        manual_reason="",
        issued_on=_day(issued_on),
        valid_until=_day(valid_until) if valid_until else None,
        **fields,
    )


class Data:
    pass


@pytest.fixture
def register_data(db):
    d = Data()
    bamako = Region.objects.get(name="District de Bamako")
    kayes = Region.objects.get(name="Kayes")
    d.bamako, d.kayes = bamako, kayes
    d.course_a = CoursePageFactory(title="Cours A")
    d.course_b = CoursePageFactory(title="Cours B")
    d.i1 = InstitutionFactory(name="Tribunal I1", region=bamako)
    d.i2 = InstitutionFactory(name="Brigade I2", region=kayes)
    d.p1 = member_of(d.i1, full_name="P1 Juge", profession="juge", sex="F")
    d.p2 = member_of(d.i1, full_name="P2 Procureur", profession="procureur", sex="M")
    d.p3 = member_of(d.i2, full_name="P3 Policier", profession="policier", sex="M")
    d.p4 = member_of(d.i2, full_name="P4 Gendarme", profession="gendarme", sex="F")
    d.p5 = member_of(d.i1, full_name="P5 Juge", profession="juge", sex="")
    MembershipFactory(user=d.p5, institution=d.i2)
    d.p6 = member_of(d.i2, full_name="P6 Policier", profession="policier", sex="M")
    d.p7 = UserFactory(full_name="P7 Sans institution", profession="autre", sex="F")

    _online(d.p1, d.course_a, "2026-03-31", "2028-03-31")
    CertificateFactory(
        holder=d.p2, course=d.course_a, issued_on=_day("2026-04-01"), valid_until=_day("2026-09-01")
    )
    _online(d.p3, d.course_a, "2024-01-10", "2026-01-09")
    CertificateFactory(
        holder=d.p3,
        course=d.course_b,
        issued_on=_day("2026-05-01"),
        revoked_at=timezone.now(),
        revocation_reason="Fraude à l'examen",
    )
    old = _online(d.p4, d.course_a, "2025-02-01", "2027-02-01")
    d.p4_refresher = CertificateFactory(
        holder=d.p4, course=d.course_a, issued_on=_day("2026-05-10"), valid_until=_day("2028-05-10")
    )
    old.superseded_by = d.p4_refresher
    old.superseded_at = timezone.now()
    old.save(update_fields=["superseded_by", "superseded_at"])
    for person, ends_on in ((d.p4, "2026-02-15"), (d.p5, "2026-03-31"), (d.p1, "2026-05-20")):
        session = TrainingSessionFactory(
            course=d.course_b,
            starts_on=_day(ends_on) - datetime.timedelta(days=2),
            ends_on=_day(ends_on),
            region=bamako,
        )
        session.attendances.create(person=person)
    _online(d.p7, d.course_b, "2025-12-31")
    return d
