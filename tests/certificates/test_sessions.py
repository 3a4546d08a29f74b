import datetime
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from certificates import demo
from certificates.models import Attendance, Certificate, TrainingSession
from certificates.services import CertificateRefused
from certificates.sessions import importing, services
from courses.models import Enrolment
from people.models import Region, User
from people.roles import ADMINISTRATORS_GROUP
from tests.factories import (
    CertificateFactory,
    CoursePageFactory,
    InstitutionFactory,
    TrainingSessionFactory,
    UserFactory,
    manager_of,
    member_of,
)
from tests.people import hostile_files

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 11, 18)


def _fields(**overrides):
    fields = {
        "title": "Atelier ONUDC : la loi n° 2012-023 en pratique",
        "course": None,
        "starts_on": DAY,
        "ends_on": DAY + datetime.timedelta(days=2),
        "place": "Hôtel Salam, Bamako",
        "region": Region.objects.get(name="District de Bamako"),
        "organiser": "ONUDC",
        "funder": "Union européenne",
        "trainers": "  Me Oumar Touré \n\n Juge Awa Sidibé ",
    }
    fields.update(overrides)
    return fields


def _staff_client(client, **user_fields):
    user = UserFactory(**user_fields)
    TOTP.activate(user, generate_totp_secret())  # staff must use a second factor
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def admin_client(client):
    return _staff_client(client, is_superuser=True, is_staff=True)


def _xlsx(rows, name="presences.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


# --- Services -------------------------------------------------------------------------------


def test_recording_a_session_stores_it_cleaned_and_logs_who():
    staff = UserFactory(is_staff=True)
    session = services.record_session(recorded_by=staff, **_fields())
    session.refresh_from_db()
    assert session.trainers == "Me Oumar Touré\nJuge Awa Sidibé"
    assert session.created_by == staff
    entry = ModelLogEntry.objects.for_instance(session).get()
    assert (entry.action, entry.user) == ("certificates.session_record", staff)


def test_a_session_cannot_end_before_it_starts_nor_be_recorded_twice():
    staff = UserFactory(is_staff=True)
    with pytest.raises(CertificateRefused, match="dernier jour ne peut pas être avant"):
        services.record_session(
            recorded_by=staff, **_fields(ends_on=DAY - datetime.timedelta(days=1))
        )
    with pytest.raises(CertificateRefused, match="Renseignez"):
        services.record_session(recorded_by=staff, **_fields(title="  "))
    services.record_session(recorded_by=staff, **_fields())
    with pytest.raises(CertificateRefused, match="déjà enregistrée"):
        services.record_session(
            recorded_by=staff, **_fields(title="ATELIER ONUDC : LA LOI N° 2012-023 EN PRATIQUE")
        )
    assert TrainingSession.objects.count() == 1


def test_adding_attendees_twice_keeps_one_row_per_person_and_removal_takes_them_off():
    session = TrainingSessionFactory()
    staff = UserFactory(is_staff=True)
    people = [UserFactory() for _ in range(3)]
    assert services.add_attendees(session=session, people=people, added_by=staff) == 3
    assert services.add_attendees(session=session, people=people[:2], added_by=staff) == 0
    assert session.attendances.count() == 3
    services.remove_attendee(attendance=session.attendances.get(person=people[0]), removed_by=staff)
    assert set(session.attendances.values_list("person", flat=True)) == {p.pk for p in people[1:]}
    actions = set(ModelLogEntry.objects.for_instance(session).values_list("action", flat=True))
    assert actions == {"certificates.session_attendees_add", "certificates.session_attendee_remove"}


def test_attendance_certificates_are_issued_once_dated_from_the_last_day_and_verifiable(
    client, django_capture_on_commit_callbacks
):
    course = CoursePageFactory(certificate_validity_months=24)
    session = TrainingSessionFactory(course=course, title="Atelier OIM à Mopti")
    staff = UserFactory(is_staff=True)
    people = [UserFactory(), UserFactory()]
    services.add_attendees(session=session, people=people, added_by=staff)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.issue_attendance_certificates(session=session, issued_by=staff)
    second = services.issue_attendance_certificates(session=session, issued_by=staff)
    assert (first.issued, first.already) == (2, 0)
    assert (second.issued, second.already) == (0, 2)
    certificates = Certificate.objects.filter(holder__in=people)
    assert certificates.count() == 2
    certificate = certificates.get(holder=people[0])
    assert certificate.issued_on == session.ends_on
    assert certificate.valid_until == session.ends_on.replace(year=session.ends_on.year + 2)
    assert certificate.issued_by == staff and certificate.enrolment is None
    assert "Atelier OIM à Mopti" in certificate.manual_reason
    assert session.ends_on.strftime("%d/%m/%Y") in certificate.manual_reason
    assert certificate.pdf  # the same PDF pipeline, after commit
    assert Attendance.objects.get(session=session, person=people[0]).certificate == certificate
    entry = ModelLogEntry.objects.for_instance(certificate).get(
        action="certificates.issue_attendance"
    )
    assert entry.user == staff

    page = client.get(f"/verify/{certificate.display_code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cette attestation est valide." in html
    assert people[0].full_name in html


def test_a_session_without_course_cannot_issue_certificates():
    session = TrainingSessionFactory(course=None)
    staff = UserFactory(is_staff=True)
    services.add_attendees(session=session, people=[UserFactory()], added_by=staff)
    with pytest.raises(CertificateRefused, match="ne correspond à aucun cours"):
        services.issue_attendance_certificates(session=session, issued_by=staff)
    assert not Certificate.objects.exists()


def test_a_session_not_yet_ended_cannot_issue_certificates():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = TrainingSessionFactory(course=CoursePageFactory(), starts_on=tomorrow)
    staff = UserFactory(is_staff=True)
    services.add_attendees(session=session, people=[UserFactory()], added_by=staff)
    with pytest.raises(CertificateRefused, match="pas encore terminée"):
        services.issue_attendance_certificates(session=session, issued_by=staff)
    assert not Certificate.objects.exists()


def test_certified_attendance_is_kept_and_its_course_and_dates_are_frozen():
    session = TrainingSessionFactory(course=CoursePageFactory())
    staff = UserFactory(is_staff=True)
    services.add_attendees(session=session, people=[UserFactory()], added_by=staff)
    services.issue_attendance_certificates(session=session, issued_by=staff)
    with pytest.raises(CertificateRefused, match="attestation de présence"):
        services.remove_attendee(attendance=session.attendances.get(), removed_by=staff)
    with pytest.raises(CertificateRefused, match="ne peuvent plus changer"):
        services.update_session(
            session=session, changed_by=staff, ends_on=session.ends_on + datetime.timedelta(days=1)
        )
    services.update_session(session=session, changed_by=staff, funder="OIM")
    session.refresh_from_db()
    assert session.funder == "OIM" and session.attendances.count() == 1


# --- Import ---------------------------------------------------------------------------------


def test_import_dry_run_lists_each_rows_problem_and_a_bad_row_rejects_the_whole_file():
    session = TrainingSessionFactory()
    awa = UserFactory(email="awa.diallo@exemple.ml", matricule="P-001")
    UserFactory(matricule="DOUBLE")
    UserFactory(matricule="DOUBLE")
    rows = importing.read_attendance_file(
        _xlsx(
            [
                ["Nom complet", "E-mail", "Matricule"],
                ["Awa Diallo", "AWA.DIALLO@exemple.ml", ""],
                ["Inconnu", "inconnu@exemple.ml", ""],
                ["Awa encore", "", "P-001"],
                ["", "", "DOUBLE"],
                ["Sans rien", "", ""],
            ]
        )
    )
    plans = importing.plan_attendance(session=session, rows=rows)
    errors = {plan.line: " ".join(plan.errors) for plan in plans}
    assert errors[2] == ""
    assert "Personne sur la plateforme n’a l’adresse e-mail « inconnu@exemple.ml »" in errors[3]
    assert "déjà à la ligne 2" in errors[4]
    assert "Plusieurs personnes ont le matricule « DOUBLE »" in errors[5]
    assert "adresse e-mail ou le matricule" in errors[6]
    with pytest.raises(CertificateRefused, match="rien n’a été importé"):
        importing.apply_attendance(session=session, rows=rows, imported_by=UserFactory())
    assert not session.attendances.exists()
    assert plans[0].person_id == awa.pk


def test_a_good_file_imports_once_and_again_changes_nothing():
    session = TrainingSessionFactory()
    staff = UserFactory(is_staff=True)
    awa = UserFactory(email="awa.diallo@exemple.ml")
    moussa = UserFactory(matricule="MAG-2291")
    upload = "nom complet;e-mail;matricule\r\nAwa;awa.diallo@exemple.ml;\r\nMoussa;;MAG-2291\r\n"
    rows = importing.read_attendance_file(SimpleUploadedFile("liste.csv", upload.encode()))
    assert importing.apply_attendance(session=session, rows=rows, imported_by=staff) == 2
    assert importing.apply_attendance(session=session, rows=rows, imported_by=staff) == 0
    assert set(session.attendances.values_list("person", flat=True)) == {awa.pk, moussa.pk}
    plans = importing.plan_attendance(session=session, rows=rows)
    assert importing.summarise(plans) == {"add": 0, "unchanged": 2, "error": 0}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("liste.pdf", b"%PDF", "fichier CSV ou XLSX"),
        ("liste.xlsx", b"not a workbook", "pas un classeur XLSX lisible"),
        ("liste.csv", b"nom;prenom\r\nA;B\r\n", "noms des colonnes du modèle"),
        ("liste.csv", b"", "fichier est vide"),
    ],
)
def test_a_bad_file_is_refused_with_a_french_message(name, content, message):
    with pytest.raises(CertificateRefused, match=message):
        importing.read_attendance_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: hostile_files.declared_dimension_bomb(value_at_xfd=True),
            "La ligne 2 a une valeur en colonne XFD",
        ),
        (lambda: hostile_files.compressed_bomb(), "compressé plus de 100 fois"),
        (lambda: hostile_files.many_rows(500_000), "plus de 4001 lignes, lignes vides comprises"),
    ],
)
def test_a_hostile_workbook_is_refused_and_nothing_is_added(make, message):
    session = TrainingSessionFactory()
    with pytest.raises(CertificateRefused, match=message):
        importing.read_attendance_file(SimpleUploadedFile("liste.xlsx", make()))
    assert not session.attendances.exists()


def test_an_attendance_csv_not_in_utf8_is_refused():
    content = "nom complet;e-mail;matricule\r\nAïssata Traoré;a@exemple.ml;\r\n"
    with pytest.raises(CertificateRefused, match="« CSV UTF-8 \\(délimité par des virgules\\) »"):
        importing.read_attendance_file(SimpleUploadedFile("liste.csv", content.encode("cp1252")))


# --- Admin pages ----------------------------------------------------------------------------


def test_staff_record_a_session_through_the_admin_with_french_validation(admin_client):
    region = Region.objects.get(name="Mopti")
    data = {
        "title": "Session OIM sur l'identification des victimes",
        "starts_on": "2026-02-10",
        "ends_on": "2026-02-09",
        "place": "Gouvernorat, Mopti",
        "region": region.pk,
        "organiser": "OIM",
        "funder": "",
        "trainers": "Dr Kadiatou Maïga",
        "course": "",
    }
    refused = admin_client.post("/admin/sessions/new/", data)
    assert refused.status_code == 200
    assert "Le dernier jour ne peut pas être avant le premier." in refused.content.decode()
    assert not TrainingSession.objects.exists()
    tampered = admin_client.post(
        "/admin/sessions/new/", {**data, "ends_on": "2026-02-11", "region": 999999}
    )
    assert tampered.status_code == 200
    assert "Sélectionnez un choix valide" in tampered.content.decode()
    assert not TrainingSession.objects.exists()

    created = admin_client.post("/admin/sessions/new/", {**data, "ends_on": "2026-02-11"})
    session = TrainingSession.objects.get()
    assert created.status_code == 302 and created.url == f"/admin/sessions/{session.pk}/"
    again = admin_client.post("/admin/sessions/new/", {**data, "ends_on": "2026-02-11"})
    assert "déjà enregistrée" in again.content.decode()
    assert TrainingSession.objects.count() == 1

    listing = admin_client.get("/admin/sessions/", {"year": 2026, "region": region.pk})
    assert "Session OIM sur l&#x27;identification des victimes" in listing.content.decode()
    assert "identification des victimes" in admin_client.get("/admin/sessions/").content.decode()
    other_year = admin_client.get("/admin/sessions/", {"year": 2025})
    assert "identification des victimes" not in other_year.content.decode()


def test_staff_add_people_found_by_search_and_foreign_ids_change_nothing(admin_client):
    session = TrainingSessionFactory()
    awa = UserFactory(full_name="Awa Sangaré", matricule="OPJ-77")
    page = admin_client.get(f"/admin/sessions/{session.pk}/", {"q": "OPJ-77"})
    assert "Awa Sangaré" in page.content.decode()
    url = f"/admin/sessions/{session.pk}/attendees/"
    refused = admin_client.post(url, {"person": [awa.pk, 99999999]}, follow=True)
    assert "n’existent pas" in refused.content.decode()
    refused = admin_client.post(url, {"person": ["abc"]}, follow=True)
    assert not session.attendances.exists()
    admin_client.post(url, {"person": [awa.pk]})
    admin_client.post(url, {"person": [awa.pk]})  # double submit
    attendance = session.attendances.get()
    other = TrainingSessionFactory()
    foreign = admin_client.post(f"/admin/sessions/{other.pk}/attendees/{attendance.pk}/remove/")
    assert foreign.status_code == 302
    assert session.attendances.count() == 1
    admin_client.post(f"/admin/sessions/{session.pk}/attendees/{attendance.pk}/remove/")
    assert not session.attendances.exists()


def test_staff_import_with_a_preview_then_confirm_and_issue_certificates(admin_client):
    session = TrainingSessionFactory(course=CoursePageFactory())
    UserFactory(email="awa.diallo@exemple.ml")
    url = f"/admin/sessions/{session.pk}/import/"
    bad = admin_client.post(
        url, {"file": _xlsx([["e-mail"], ["awa.diallo@exemple.ml"], ["x@exemple.ml"]])}
    )
    html = bad.content.decode()
    assert "Personne sur la plateforme n’a l’adresse e-mail « x@exemple.ml »" in html
    assert "Confirmer l’import" not in html
    nothing = admin_client.post(url, {"confirm": "1"}, follow=True)
    assert "Rien à confirmer" in nothing.content.decode()
    preview = admin_client.post(url, {"file": _xlsx([["e-mail"], ["awa.diallo@exemple.ml"]])})
    assert "Confirmer l’import" in preview.content.decode()
    assert not session.attendances.exists()  # the dry run writes nothing
    admin_client.post(url, {"confirm": "1"})
    admin_client.post(url, {"confirm": "1"})  # double submit
    assert session.attendances.count() == 1

    issue_url = f"/admin/sessions/{session.pk}/certificates/"
    first = admin_client.post(issue_url, follow=True).content.decode()
    assert (
        "Attestations de présence délivrées : 1 ; participants qui en avaient déjà une : 0."
        in first
    )
    second = admin_client.post(issue_url, follow=True).content.decode()
    assert (
        "Attestations de présence délivrées : 0 ; participants qui en avaient déjà une : 1."
        in second
    )
    assert Certificate.objects.count() == 1


def test_the_import_template_opens_with_the_documented_columns(admin_client):
    response = admin_client.get("/admin/sessions/template/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == importing.COLUMNS
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = importing.read_attendance_file(SimpleUploadedFile("modele.xlsx", response.content))
    assert rows == [
        {"full_name": "Awa Diallo", "email": "awa.diallo@example.ml", "matricule": "P-2026-001"}
    ]
    csv = admin_client.get("/admin/sessions/template/?format=csv")
    assert csv.content.decode("utf-8-sig").startswith("nom complet;e-mail;matricule")


def test_a_session_without_course_shows_why_no_certificate_in_the_admin(admin_client):
    session = TrainingSessionFactory(course=None)
    services.add_attendees(session=session, people=[UserFactory()], added_by=admin_client.user)
    html = admin_client.post(f"/admin/sessions/{session.pk}/certificates/", follow=True)
    assert "ne correspond à aucun cours" in html.content.decode()
    assert not Certificate.objects.exists()


def test_an_administrator_of_the_group_may_manage_sessions(client):
    staff = _staff_client(client)
    staff.user.groups.add(Group.objects.get(name=ADMINISTRATORS_GROUP))
    session = TrainingSessionFactory()
    assert client.get("/admin/sessions/").status_code == 200
    assert client.get(f"/admin/sessions/{session.pk}/").status_code == 200
    assert "/admin/sessions/" in client.get("/admin/").content.decode()  # the menu item


@pytest.mark.parametrize("who", ["manager", "learner"])
def test_managers_and_learners_cannot_open_the_session_pages(client, who):
    session = TrainingSessionFactory(course=CoursePageFactory())
    institution = InstitutionFactory()
    person = member_of(institution)
    session.attendances.create(person=person)
    user = manager_of(institution) if who == "manager" else person
    client.force_login(user)
    urls = [
        "/admin/sessions/",
        "/admin/sessions/new/",
        f"/admin/sessions/{session.pk}/",
        f"/admin/sessions/{session.pk}/import/",
        "/admin/sessions/template/",
    ]
    for url in urls:
        response = client.get(url)
        # Wagtail sends a signed-in user without the permission back to the dashboard.
        assert response.status_code in (302, 403, 404), url
        assert response.status_code != 302 or response.url == "/admin/" or "login" in response.url
    client.post(f"/admin/sessions/{session.pk}/certificates/")
    client.post(f"/admin/sessions/{session.pk}/attendees/{session.attendances.get().pk}/remove/")
    assert not Certificate.objects.exists()
    assert session.attendances.count() == 1


def test_an_older_workshop_certificate_never_supersedes_a_newer_one():
    course = CoursePageFactory()
    person = UserFactory()
    newer = CertificateFactory(holder=person, course=course)
    course.refresher_course = course
    course.save()
    session = TrainingSessionFactory(course=course)
    services.add_attendees(session=session, people=[person], added_by=person)
    services.issue_attendance_certificates(session=session, issued_by=person)
    newer.refresh_from_db()
    assert newer.superseded_by is None


# --- Demo data ------------------------------------------------------------------------------


def test_the_demo_register_seeds_sessions_and_past_certificates_once(capsys):
    call_command("seed_demo")
    counts = {
        "sessions": TrainingSession.objects.count(),
        "attendances": Attendance.objects.count(),
        "certificates": Certificate.objects.count(),
        "people": User.objects.count(),
        "enrolments": Enrolment.objects.count(),
    }
    call_command("seed_demo")
    assert "demo register data already exist" in capsys.readouterr().out
    assert counts["sessions"] == TrainingSession.objects.count() == len(demo.SESSIONS)
    assert {
        "attendances": Attendance.objects.count(),
        "certificates": Certificate.objects.count(),
        "people": User.objects.count(),
        "enrolments": Enrolment.objects.count(),
    } == {k: v for k, v in counts.items() if k != "sessions"}

    issued = set(Certificate.objects.values_list("issued_on", flat=True))
    # Both sides of the TIP-year and calendar-year boundaries have certificates.
    assert {
        datetime.date(2025, 3, 31),
        datetime.date(2025, 4, 1),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 1),
    } <= issued
    assert {day.year for day in issued} >= {2024, 2025, 2026}
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    assert Certificate.objects.filter(valid_until__lt=timezone.localdate()).exists()
    in_person = Certificate.objects.filter(attendance__isnull=False)
    assert in_person.count() == sum(len(s.attendees) for s in demo.SESSIONS if s.certificates)
    assert all(c.issued_on == c.attendance.session.ends_on for c in in_person)
    assert TrainingSession.objects.filter(course__isnull=True).exists()
    assert set(User.objects.filter(attendances__isnull=False).values_list("sex", flat=True)) == {
        "F",
        "M",
    }
