"""The dashboard and the list run a constant number of queries, whatever the number of people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates.codes import new_code
from certificates.models import Attendance, Certificate
from tests.factories import (
    CoursePageFactory,
    InstitutionFactory,
    TrainingSessionFactory,
    committee_member,
    members_of,
)

pytestmark = pytest.mark.django_db

QUERY = "?period=calendar&year=2026"


def _register_of(size: int, course, session) -> None:
    people = members_of(InstitutionFactory(), size)
    Certificate.objects.bulk_create(
        Certificate(
            holder=person,
            course=course,
            course_version="1.0",
            code=new_code(),
            issued_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 300),
            valid_until=datetime.date(2027, 1, 1) + datetime.timedelta(days=i % 400),
            manual_reason="Atelier",
        )
        for i, person in enumerate(people[: size // 2])
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, person=person) for person in people[size // 2 :]
    )


def _queries(client, url: str) -> int:
    client.get(url)  # warm up (content types, site root)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_dashboard_and_list_queries_do_not_grow_with_the_people(client):
    client.force_login(committee_member())
    course = CoursePageFactory()
    session = TrainingSessionFactory(course=course)
    counts = {}
    for size in (10, 1000):
        _register_of(size, course, session)
        counts[size] = (
            _queries(client, "/fr/registre/" + QUERY),
            _queries(client, "/fr/registre/personnes/" + QUERY),
            _queries(client, "/fr/registre/personnes/" + QUERY + "&measure=trained"),
        )
    print(f"register queries (dashboard, list, list of the trained): {counts}")
    assert counts[10] == counts[1000]
    dashboard, people, _trained = counts[1000]
    assert dashboard <= 20 and people <= 16
