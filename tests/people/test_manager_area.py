import datetime

import pytest
from django.urls import reverse

from courses import assignments
from people.models import Cohort, RosterImport
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    course_with_lessons,
    manager_of,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_b():
    """Institution B with a person, a cohort, an assignment and a roster import."""
    institution = InstitutionFactory()
    manager = manager_of(institution)
    person = member_of(institution)
    cohort = CohortFactory(institution=institution)
    cohort.members.add(person)
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    assignment = assignments.assign(
        assigned_by=manager,
        institution=institution,
        course=course,
        cohort=cohort,
        due_on=datetime.date(2030, 1, 1),
    )
    roster_import = RosterImport.objects.create(
        institution=institution, uploaded_by=manager, file_name="b.csv", rows=[]
    )
    return {"person": person, "cohort": cohort, "assignment": assignment, "import": roster_import}


def urls_of(b):
    cohort, person = b["cohort"].pk, b["person"].pk
    assignment, roster_import = b["assignment"].pk, b["import"].pk
    return [
        ("get", reverse("manager_learner", args=[person])),
        ("get", reverse("manager_cohort", args=[cohort])),
        ("post", reverse("manager_cohort", args=[cohort])),
        ("post", reverse("manager_cohort_rename", args=[cohort])),
        ("post", reverse("manager_cohort_archive", args=[cohort])),
        ("post", reverse("manager_cohort_remove", args=[cohort, person])),
        ("get", reverse("manager_cohort_report", args=[cohort])),
        ("get", reverse("manager_assignment", args=[assignment])),
        ("get", reverse("manager_assignment_export", args=[assignment, "csv"])),
        ("get", reverse("manager_assignment_export", args=[assignment, "xlsx"])),
        ("get", reverse("manager_import_preview", args=[roster_import])),
        ("post", reverse("manager_import_preview", args=[roster_import])),
        ("get", reverse("manager_import_status", args=[roster_import])),
    ]


def test_a_manager_of_another_institution_gets_404_on_every_url_of_b(client, school_b):
    client.force_login(manager_of(InstitutionFactory()))
    for method, url in urls_of(school_b):
        response = getattr(client, method)(url, {"name": "Piratée"})
        assert response.status_code == 404, (method, url, response.status_code)
    school_b["cohort"].refresh_from_db()
    assert school_b["cohort"].archived_at is None
    assert school_b["cohort"].members.count() == 1


def test_lists_show_only_the_managers_institution(client, school_b):
    client.force_login(manager_of(InstitutionFactory()))
    for name in ("manager_home", "manager_people", "manager_cohorts", "manager_assignments"):
        page = client.get(reverse(name)).content.decode()
        assert school_b["person"].email not in page
        assert school_b["cohort"].name not in page


def test_learners_cannot_enter_the_manager_area(client, school_b):
    client.force_login(school_b["person"])
    assert client.get(reverse("manager_home")).status_code == 404
    assert client.get(reverse("manager_learner", args=[school_b["person"].pk])).status_code == 404


def test_header_links_to_the_manager_area_only_for_managers(client, school_b):
    manager = manager_of(InstitutionFactory())
    client.force_login(manager)
    assert "Espace gestionnaire" in client.get(reverse("my_training")).content.decode()
    client.force_login(school_b["person"])
    assert "Espace gestionnaire" not in client.get(reverse("my_training")).content.decode()


def test_manager_creates_renames_archives_a_cohort_and_manages_members(client):
    school = InstitutionFactory()
    manager = manager_of(school)
    cadet = member_of(school)
    client.force_login(manager)
    response = client.post(reverse("manager_cohorts"), {"name": "Promotion 2026"})
    cohort = Cohort.objects.get(institution=school, name="Promotion 2026")
    assert response.status_code == 302
    duplicate = client.post(reverse("manager_cohorts"), {"name": "Promotion 2026"})
    assert "Une cohorte porte déjà ce nom." in duplicate.content.decode()
    client.post(reverse("manager_cohort", args=[cohort.pk]), {"people": [cadet.pk]})
    assert list(cohort.members.all()) == [cadet]
    client.post(reverse("manager_cohort_rename", args=[cohort.pk]), {"name": "Promo A"})
    client.post(reverse("manager_cohort_archive", args=[cohort.pk]))
    cohort.refresh_from_db()
    assert cohort.name == "Promo A" and cohort.archived_at is not None
    client.post(reverse("manager_cohort_remove", args=[cohort.pk, cadet.pk]))
    assert not cohort.members.exists()


def test_tampered_member_ids_change_nothing(client):
    school = InstitutionFactory()
    manager = manager_of(school)
    cohort = CohortFactory(institution=school)
    outsider = member_of(InstitutionFactory())
    client.force_login(manager)
    response = client.post(reverse("manager_cohort", args=[cohort.pk]), {"people": [outsider.pk]})
    assert response.status_code == 200
    assert not cohort.members.exists()


def test_learner_history_page(client):
    school = InstitutionFactory()
    manager = manager_of(school)
    cadet = member_of(school, full_name="Awa Diallo")
    client.force_login(manager)
    page = client.get(reverse("manager_learner", args=[cadet.pk])).content.decode()
    assert "Awa Diallo" in page
