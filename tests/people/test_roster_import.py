import io
import re
import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from people.choices import Profession
from people.manager import importing
from people.models import Cohort, Membership, RosterImport, RosterImportStatus, User
from tests.factories import InstitutionFactory, manager_of, member_of
from tests.people import hostile_files

pytestmark = pytest.mark.django_db

HEADER = "nom complet;e-mail;matricule;profession;sexe;cohorte"


def csv_file(*lines, name="effectif.csv"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode(), "text/csv")


def xlsx_file(rows, name="effectif.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importing.COLUMNS)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile(name, data.getvalue())


@pytest.fixture
def school():
    return InstitutionFactory(name="École nationale de police")


@pytest.fixture
def manager(school):
    return manager_of(school)


def upload(client, manager, file):
    client.force_login(manager)
    return client.post(reverse("manager_import"), {"file": file})


def preview_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_dry_run_shows_what_each_row_will_do_and_writes_nothing(client, school, manager):
    existing = member_of(school, email="awa@exemple.ml", full_name="Awa Diallo")
    same = member_of(school, email="ibra@exemple.ml", full_name="Ibrahim Touré", matricule="")
    same.profession = ""
    same.save()
    file = csv_file(
        "Awa Diallo Sidibé;awa@exemple.ml;P-1;policier;F;",
        "Ibrahim Touré;ibra@exemple.ml;;;;",
        "Oumar Cissé;oumar@exemple.ml;P-3;Policier;M;Promotion 2026",
    )
    url = preview_of(upload(client, manager, file))
    users_before = User.objects.count()
    page = client.get(url).content.decode()
    assert "Créer" in page and "Mettre à jour" in page and "Inchangé" in page
    assert User.objects.count() == users_before
    assert not Cohort.objects.filter(name="Promotion 2026").exists()
    existing.refresh_from_db()
    assert existing.full_name == "Awa Diallo"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Sans Adresse;;;policier;F;", "L’adresse e-mail manque."),
        ("Mauvaise Adresse;pas-une-adresse;;policier;F;", "n’est pas une adresse e-mail valide"),
        ("Métier Inconnu;metier@exemple.ml;;astronaute;F;", "Profession inconnue « astronaute »"),
        ("Sexe Inconnu;sexe@exemple.ml;;policier;X;", "Sexe inconnu « X »"),
        (";sansnom@exemple.ml;;policier;F;", "Le nom complet manque."),
        (
            "Autre Maison;autre@exemple.ml;;policier;F;",
            "appartient à un compte existant",
        ),
    ],
)
def test_dry_run_explains_each_error_in_french(client, school, manager, line, message):
    member_of(InstitutionFactory(), email="autre@exemple.ml")
    url = preview_of(upload(client, manager, csv_file(line)))
    page = client.get(url).content.decode()
    assert message in page
    assert "Confirmer l’import" not in page


def test_duplicate_in_the_file_is_an_error_on_the_second_line(client, school, manager):
    file = csv_file("A;double@exemple.ml;;;;", "B;DOUBLE@exemple.ml;;;;")
    page = client.get(preview_of(upload(client, manager, file))).content.decode()
    assert "figure déjà à la ligne 2 du fichier" in page


def test_a_file_with_errors_cannot_be_confirmed_and_nothing_is_written(
    client, school, manager, django_capture_on_commit_callbacks
):
    file = csv_file("Bon;bon@exemple.ml;;policier;F;Promo", "Mauvais;;;policier;F;Promo")
    url = preview_of(upload(client, manager, file))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert not User.objects.filter(email="bon@exemple.ml").exists()
    assert not Cohort.objects.filter(name="Promo").exists()
    assert RosterImport.objects.get().status == RosterImportStatus.PREVIEW


def test_confirmed_import_writes_every_row_and_invites_the_new_people_after_commit(
    client, school, manager, django_capture_on_commit_callbacks
):
    file = xlsx_file(
        [
            ["Oumar Cissé", "oumar@exemple.ml", "P-3", "policier", "M", "Promotion 2026"],
            ["Kadia Koné", "kadia@exemple.ml", "P-4", "Gendarme", "femme", "Promotion 2026"],
        ]
    )
    url = preview_of(upload(client, manager, file))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"new_cohort": "Promotion 2026"})
    assert callbacks, "the import task is queued after commit"
    assert response.status_code == 302
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImportStatus.DONE
    cohort = Cohort.objects.get(institution=school, name="Promotion 2026")
    assert {u.email for u in cohort.members.all()} == {"oumar@exemple.ml", "kadia@exemple.ml"}
    kadia = User.objects.get(email="kadia@exemple.ml")
    assert kadia.profession == Profession.GENDARME and kadia.sex == "F"
    assert not kadia.has_usable_password()
    assert Membership.objects.filter(user=kadia, institution=school, status="active").exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["kadia@exemple.ml", "oumar@exemple.ml"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    status = client.get(reverse("manager_import_status", args=[roster_import.pk]))
    assert "2 créées" in status.content.decode() or "2 créé" in status.content.decode()


def test_invitation_link_lets_the_person_choose_a_password(
    client, school, manager, django_capture_on_commit_callbacks
):
    url = preview_of(upload(client, manager, csv_file("Oumar Cissé;oumar@exemple.ml;;;;")))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "Un-mot-de-passe-2026", "password2": "Un-mot-de-passe-2026"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="oumar@exemple.ml").check_password("Un-mot-de-passe-2026")


def test_reimporting_the_same_file_changes_nothing(
    client, school, manager, django_capture_on_commit_callbacks
):
    lines = ("Oumar Cissé;oumar@exemple.ml;P-3;policier;M;Promotion 2026",)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            preview_of(upload(client, manager, csv_file(*lines))),
            {"new_cohort": "Promotion 2026"},
        )
    mail.outbox.clear()
    url = preview_of(upload(client, manager, csv_file(*lines)))
    plans = importing.plan_rows(institution=school, rows=RosterImport.objects.first().rows)
    assert [p.action for p in plans] == [importing.Action.UNCHANGED]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert User.objects.filter(email="oumar@exemple.ml").count() == 1
    assert mail.outbox == []


def test_confirming_twice_runs_the_import_once(
    client, school, manager, django_capture_on_commit_callbacks
):
    url = preview_of(upload(client, manager, csv_file("Oumar Cissé;oumar@exemple.ml;;;;")))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("liste.pdf", b"%PDF-1.4"), "Envoyez un fichier CSV ou XLSX"),
        (SimpleUploadedFile("liste.xlsx", b"not a zip"), "n’est pas un classeur XLSX lisible"),
        (SimpleUploadedFile("liste.csv", b"nom;prenom\nA;B\n"), "La première ligne doit"),
        (SimpleUploadedFile("liste.csv", HEADER.encode()), "aucune ligne"),
    ],
)
def test_a_malformed_upload_gets_a_french_message_and_changes_nothing(
    client, manager, file, message
):
    response = upload(client, manager, file)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: SimpleUploadedFile(
                "liste.xlsx", hostile_files.declared_dimension_bomb(value_at_xfd=True)
            ),
            "La ligne 2 a une valeur en colonne XFD",
        ),
        (
            lambda: SimpleUploadedFile("liste.xlsx", hostile_files.many_rows(1_500_000)),
            "Décompressé, ce classeur occupe 25 Mo (20 Mo au plus)",
        ),
        (
            lambda: SimpleUploadedFile(
                "liste.csv", (HEADER + "\nAïssata Traoré;aissata@exemple.ml;;;;\n").encode("cp1252")
            ),
            "enregistré en UTF-8 (ligne 2)",
        ),
    ],
)
def test_a_hostile_or_misencoded_upload_is_refused_and_writes_nothing(
    client, manager, make, message
):
    people = User.objects.count()
    response = upload(client, manager, make())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()
    assert User.objects.count() == people


def test_the_templates_have_a_frozen_header_and_read_back_as_an_empty_roster(client, manager):
    client.force_login(manager)
    workbook = client.get(reverse("manager_import_template", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert [c.value for c in sheet[1]] == importing.COLUMNS
    rows = importing.read_roster(SimpleUploadedFile("modele.xlsx", workbook))
    assert rows == [dict(zip(importing.FIELDS, importing.TEMPLATE_EXAMPLE, strict=True))]


def test_templates_can_be_downloaded(client, manager):
    client.force_login(manager)
    csv_response = client.get(reverse("manager_import_template", args=["csv"]))
    assert "nom complet;e-mail;matricule;profession;sexe;cohorte" in csv_response.content.decode(
        "utf-8-sig"
    )
    xlsx_response = client.get(reverse("manager_import_template", args=["xlsx"]))
    assert xlsx_response.content[:2] == b"PK"


def test_status_page_refreshes_itself_while_the_import_runs(client, school, manager):
    roster_import = RosterImport.objects.create(
        institution=school,
        uploaded_by=manager,
        file_name="x.csv",
        rows=[{"email": "a@exemple.ml"}] * 4,
        status=RosterImportStatus.RUNNING,
    )
    client.force_login(manager)
    page = client.get(reverse("manager_import_status", args=[roster_import.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page


def test_import_of_5000_rows(school, manager, django_capture_on_commit_callbacks):
    rows = [
        {
            "full_name": f"Élève {i}",
            "email": f"eleve{i}@exemple.ml",
            "matricule": f"P-{i}",
            "profession": "policier",
            "sex": "F" if i % 2 else "M",
            "cohort": "Promotion 2026",
        }
        for i in range(5000)
    ]
    roster_import = RosterImport.objects.create(
        institution=school,
        uploaded_by=manager,
        file_name="grand.csv",
        rows=rows,
        status=RosterImportStatus.QUEUED,
    )
    from people.tasks import run_roster_import_task

    started = time.perf_counter()
    plans = importing.plan_rows(institution=school, rows=rows)
    planned = time.perf_counter() - started
    with django_capture_on_commit_callbacks(execute=False):
        run_roster_import_task(roster_import.pk)
    elapsed = time.perf_counter() - started
    print(f"\n5,000-row roster: dry run {planned:.1f} s, dry run + import {elapsed:.1f} s")
    assert len(plans) == 5000
    assert Cohort.objects.get(name="Promotion 2026").members.count() == 5000
    assert RosterImport.objects.get().status == RosterImportStatus.DONE


# --- Every length the database checks is checked by the dry run -------------------------------


def _row_with(column: str, value: str) -> list[str]:
    row = dict(zip(importing.FIELDS, importing.TEMPLATE_EXAMPLE, strict=True))
    row[column] = value
    return [row[name] for name in importing.FIELDS]


@pytest.mark.parametrize(
    ("field", "column", "value"),
    [
        ("full_name", "nom complet", "N" * 201),
        ("email", "e-mail", "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "ml" + "c" * 10),
        ("matricule", "matricule", "P" * 51),
        ("cohort", "cohorte", "C" * 151),
    ],
)
def test_a_value_longer_than_its_field_is_a_french_row_error_and_nothing_is_written(
    client, school, manager, field, column, value, django_capture_on_commit_callbacks
):
    longest = importing.column_lengths()[field]
    assert len(value) == longest + 1 or field == "email"
    file = xlsx_file([_row_with(field, value)])
    url = preview_of(upload(client, manager, file))
    page = client.get(url).content.decode()
    expected = f"La colonne « {column} » compte {len(value)} caractères : {longest} au plus."
    assert expected in page
    assert "Confirmer l’import" not in page
    people = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert User.objects.count() == people
    assert not Cohort.objects.exists()
    assert RosterImport.objects.get().status == RosterImportStatus.PREVIEW


def test_the_roster_lengths_come_from_the_models():
    lengths = importing.column_lengths()
    assert lengths == {
        "full_name": User._meta.get_field("full_name").max_length,
        "email": User._meta.get_field("email").max_length,
        "matricule": User._meta.get_field("matricule").max_length,
        "cohort": Cohort._meta.get_field("name").max_length,
    }
    assert lengths["email"] == 254 and lengths["cohort"] == 150


# --- A cohort the file names that does not exist is created only once confirmed ---------------


def test_a_new_cohort_is_announced_and_created_only_once_ticked(
    client, school, manager, django_capture_on_commit_callbacks
):
    Cohort.objects.create(institution=school, name="Promotion 2026")
    file = csv_file(
        "Oumar Cissé;oumar@exemple.ml;;policier;M;Promotion 2027",
        "Kadia Koné;kadia@exemple.ml;;policier;F;Promotion 2026",
        "Awa Diallo;awa@exemple.ml;;policier;F;Promotion 2027",
    )
    url = preview_of(upload(client, manager, file))
    page = client.get(url).content.decode()
    assert "Cohorte à créer : Promotion 2027" in page
    assert "Créer la cohorte « Promotion 2027 »" in page
    assert 'name="new_cohort" value="Promotion 2027" required' in page
    assert "Promotion 2026 »" not in page  # it exists: nothing to confirm

    # Confirming without ticking it imports nothing and says why.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Cochez chaque cohorte à créer" in response.content.decode()
    assert RosterImport.objects.get().status == RosterImportStatus.PREVIEW
    assert not User.objects.filter(email="oumar@exemple.ml").exists()
    assert not Cohort.objects.filter(name="Promotion 2027").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"new_cohort": "Promotion 2027"})
    assert RosterImport.objects.get().status == RosterImportStatus.DONE
    cohort = Cohort.objects.get(institution=school, name="Promotion 2027")
    assert {u.email for u in cohort.members.all()} == {"oumar@exemple.ml", "awa@exemple.ml"}


def test_two_new_cohorts_are_listed_and_each_must_be_ticked(
    client, school, manager, django_capture_on_commit_callbacks
):
    file = csv_file("A B;a@exemple.ml;;;;Promo A", "C D;c@exemple.ml;;;;Promo B")
    url = preview_of(upload(client, manager, file))
    assert "Cohortes à créer : Promo A, Promo B" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"new_cohort": "Promo A"})
    assert not Cohort.objects.exists() and not User.objects.filter(email="a@exemple.ml").exists()


def test_the_counts_have_a_space_before_the_colon(client, school, manager):
    url = preview_of(upload(client, manager, csv_file("Oumar Cissé;oumar@exemple.ml;;;;")))
    page = client.get(url).content.decode()
    assert "À créer : <strong>1</strong>" in page
    assert "Erreurs : <strong>0</strong>" in page


def test_the_xlsx_template_lists_the_allowed_professions_and_sexes(client, manager):
    client.force_login(manager)
    data = client.get(reverse("manager_import_template", args=["xlsx"])).content
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Effectif", "Valeurs permises"]
    values = workbook["Valeurs permises"]
    assert values.freeze_panes == "A2" and values["A1"].font.bold
    professions = [row[0] for row in values.iter_rows(min_row=2, values_only=True)]
    assert professions == [
        "Juge",
        "Procureur / substitut",
        "Juge d'instruction",
        "Officier de police judiciaire",
        "Policier",
        "Gendarme",
        "Inspecteur du travail",
        "Travailleur social",
        "Greffier",
        "Autre",
    ]
    sexes = [row[1:] for row in values.iter_rows(min_row=2, max_row=3, values_only=True)]
    assert sexes == [("F", "Femme"), ("M", "Homme")]
    roster = workbook["Effectif"]
    lists = {str(v.sqref): v.formula1 for v in roster.data_validations.dataValidation}
    assert lists == {
        "D2:D10001": "'Valeurs permises'!$A$2:$A$11",
        "E2:E10001": "'Valeurs permises'!$B$2:$B$3",
    }
    assert roster.column_dimensions["B"].width >= len("awa.diallo@example.ml")
    # Every listed value is one the import accepts.
    rows = [
        ";".join([f"P {i}", f"p{i}@exemple.ml", "", profession, sex or "", ""])
        for i, (profession, sex) in enumerate(
            (row[0], row[1]) for row in values.iter_rows(min_row=2, values_only=True)
        )
    ]
    plans = importing.plan_rows(
        institution=InstitutionFactory(),
        rows=importing.read_roster(csv_file(*rows)),
    )
    assert [p.errors for p in plans] == [[]] * len(rows)
