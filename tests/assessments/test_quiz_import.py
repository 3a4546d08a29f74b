"""Spreadsheet import of questions: dry run listing each row's problem in French, all or
nothing, re-import updates instead of duplicating; export in the same format; the template."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import CaseScenario, Choice, Question
from assessments.quizzes import importing
from tests.factories import UserFactory, question_bank, quiz_question
from tests.people import hostile_files

pytestmark = pytest.mark.django_db


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importing.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def _row(external_id="Q1", **fields):
    row = {
        "external_id": external_id,
        "category": "C1M1",
        "type": "single",
        "question_fr": f"Question {external_id} ?",
        "question_en": f"Question {external_id}?",
        "choice_1_fr": "Oui",
        "choice_2_fr": "Non",
        "choice_1_en": "Yes",
        "choice_2_en": "No",
        "correct": "1",
        "explanation_fr": "Parce que.",
        "explanation_en": "Because.",
    }
    row.update(fields)
    return row


def test_a_file_with_a_bad_row_is_rejected_whole_with_that_rows_message():
    bank = question_bank()
    content = _csv([_row("Q1"), _row("Q2", correct="5"), _row("Q3")])
    report = importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=False)
    assert report.errors == [
        "Ligne 3 : bonne réponse « 5 » : donnez le numéro d'une réponse ; "
        "aucune bonne réponse indiquée (colonne correct)."
    ]
    assert not Question.objects.exists()


def test_the_dry_run_writes_nothing():
    bank = question_bank()
    report = importing.import_questions(
        bank=bank, content=_csv([_row("Q1")]), filename="q.csv", dry_run=True
    )
    assert report.ok and len(report.rows) == 1
    assert not Question.objects.exists()


def test_a_good_file_imports_once_and_reimporting_updates_without_duplicating():
    bank = question_bank()
    content = _csv(
        [
            _row("Q1"),
            _row(
                "Q2", type="multiple", choice_3_fr="Peut-être", choice_3_en="Maybe", correct="1;3"
            ),
        ]
    )
    report = importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=False)
    assert (report.created, report.updated) == (2, 0)
    assert Question.objects.filter(bank=bank).count() == 4  # French and English
    french = Question.objects.get(external_id="Q2", locale__language_code="fr")
    english = Question.objects.get(external_id="Q2", locale__language_code="en")
    assert english.translation_key == french.translation_key
    assert [c.key for c in english.choices.all()] == [c.key for c in french.choices.all()]
    keys = [c.key for c in french.choices.all()]

    content = _csv(
        [
            _row("Q1", question_fr="Texte corrigé ?"),
            _row(
                "Q2", type="multiple", choice_3_fr="Peut-être", choice_3_en="Maybe", correct="1;3"
            ),
        ]
    )
    report = importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=False)
    assert (report.created, report.updated) == (0, 2)
    assert Question.objects.filter(bank=bank).count() == 4
    assert Question.objects.get(external_id="Q1", locale__language_code="fr").text == (
        "Texte corrigé ?"
    )
    assert [c.key for c in french.choices.all()] == keys  # attempts keep their meaning


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"\x00\x01garbage", "q.xlsx", "pas un classeur XLSX lisible"),
        (b"a,b\n1,2\n", "q.csv", "Colonnes obligatoires absentes"),
        (b"external_id", "q.pdf", "Envoyez un fichier CSV ou XLSX"),
    ],
)
def test_an_unreadable_file_is_refused_in_french(content, filename, message):
    with pytest.raises(importing.ImportFileError) as error:
        importing.import_questions(
            bank=question_bank(), content=content, filename=filename, dry_run=False
        )
    assert message in error.value.message


def test_export_then_import_changes_nothing():
    bank = question_bank()
    importing.import_questions(
        bank=bank, content=_csv([_row("Q1"), _row("Q2")]), filename="q.csv", dry_run=False
    )
    exported = importing.export_bank(bank)
    sheet = load_workbook(io.BytesIO(exported)).active
    assert [c.value for c in next(sheet.iter_rows())] == importing.HEADER
    report = importing.import_questions(
        bank=bank, content=exported, filename="bank.xlsx", dry_run=False
    )
    assert report.ok and (report.created, report.updated) == (0, 2)
    assert Question.objects.filter(bank=bank).count() == 4


def test_the_admin_import_page_shows_each_rows_problem_and_offers_the_template(client, editor):
    client.force_login(editor)
    bank = question_bank()
    url = reverse("quiz_admin_import", args=[bank.pk])
    assert client.get(url).status_code == 200
    template = client.get(reverse("quiz_admin_template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = io.BytesIO(_csv([_row("Q1"), _row("Q2", type="oui")]))
    upload.name = "questions.csv"
    response = client.post(url, {"file": upload, "dry_run": ""})
    html = response.content.decode()
    assert "Ligne 3 : type « oui » inconnu" in html
    assert not Question.objects.exists()
    upload = io.BytesIO(_csv([_row("Q1")]))
    upload.name = "questions.csv"
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert Question.objects.filter(bank=bank).count() == 2
    export = client.get(reverse("quiz_admin_export", args=[bank.pk]))
    assert export.status_code == 200


def test_a_file_over_the_limit_is_refused_in_words_and_nothing_is_imported(client, editor):
    client.force_login(editor)
    bank = question_bank()
    upload = io.BytesIO(_csv([_row("Q1")]) + b" " * (5 * 1024 * 1024))
    upload.name = "questions.csv"
    response = client.post(reverse("quiz_admin_import", args=[bank.pk]), {"file": upload})
    assert response.status_code == 200
    assert re.search(r"Le fichier dépasse 5,0\s+Mo\.", response.content.decode())
    assert not Question.objects.exists()


def test_a_learner_cannot_import(client):
    client.force_login(UserFactory())
    bank = question_bank()
    response = client.get(reverse("quiz_admin_import", args=[bank.pk]))
    assert response.status_code in (302, 403)


# --- Case scenarios: a shared stem, several questions ---------------------------------------

CASE = {
    "scenario_id": "CAS1",
    "scenario_title_fr": "Le recrutement de Mariam",
    "scenario_title_en": "Mariam's recruitment",
    "scenario_facts_fr": "Mariam, 17 ans, est recrutée à Sikasso.",
    "scenario_facts_en": "Mariam, 17, is recruited in Sikasso.",
}


def test_questions_of_a_case_scenario_import_with_their_shared_facts_in_both_languages():
    bank = question_bank()
    content = _csv([_row("Q1", **CASE), _row("Q2", scenario_id="CAS1"), _row("Q3")])

    report = importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=False)

    assert report.ok, report.errors
    french = CaseScenario.objects.get(bank=bank, locale__language_code="fr")
    english = CaseScenario.objects.get(bank=bank, locale__language_code="en")
    assert (french.external_id, french.title, french.facts) == (
        "CAS1",
        "Le recrutement de Mariam",
        "Mariam, 17 ans, est recrutée à Sikasso.",
    )
    assert english.translation_key == french.translation_key
    assert english.facts == "Mariam, 17, is recruited in Sikasso."
    in_case = Question.objects.filter(scenario__isnull=False)
    assert sorted(
        in_case.values_list(
            "external_id", "locale__language_code", "scenario__locale__language_code"
        )
    ) == [
        ("Q1", "en", "en"),
        ("Q1", "fr", "fr"),
        ("Q2", "en", "en"),
        ("Q2", "fr", "fr"),
    ]
    assert Question.objects.get(external_id="Q3", locale__language_code="fr").scenario is None


def test_reimporting_and_round_tripping_a_case_scenario_does_not_duplicate_it():
    bank = question_bank()
    content = _csv([_row("Q1", **CASE), _row("Q2", **CASE)])
    importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=False)
    exported = importing.export_bank(bank)

    again = importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=False)
    round_trip = importing.import_questions(
        bank=bank, content=exported, filename="bank.xlsx", dry_run=False
    )
    only_id = importing.import_questions(
        bank=bank, content=_csv([_row("Q4", scenario_id="CAS1")]), filename="q.csv", dry_run=False
    )

    assert again.ok and round_trip.ok and only_id.ok, (again.errors, round_trip.errors)
    assert CaseScenario.objects.filter(bank=bank).count() == 2  # French and English
    assert Question.objects.filter(bank=bank, scenario__isnull=False).count() == 6


def test_an_admin_made_case_is_exported_by_number_and_reimported_onto_itself():
    bank = question_bank()
    case = CaseScenario.objects.create(bank=bank, title="Cas", facts="Les faits.")
    question = quiz_question(bank)
    question.scenario = case
    question.save()

    exported = importing.export_bank(bank)
    report = importing.import_questions(
        bank=bank, content=exported, filename="bank.xlsx", dry_run=False
    )

    assert report.ok, report.errors
    assert CaseScenario.objects.filter(bank=bank).count() == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [_row("Q1", scenario_id="CAS9")],
            "Ligne 3 : le cas CAS9 n'existe pas dans la banque : donnez son titre et ses faits "
            "en français (scenario_title_fr, scenario_facts_fr).",
        ),
        (
            [_row("Q1", **CASE), _row("Q2", **{**CASE, "scenario_facts_fr": "Autres faits."})],
            "Ligne 4 : le titre ou les faits du cas CAS1 diffèrent de ceux de la ligne 3.",
        ),
        (
            [_row("Q1", scenario_title_fr="Un cas")],
            "Ligne 3 : un titre ou des faits de cas sont donnés sans identifiant (scenario_id).",
        ),
        (
            [_row("Q1", scenario_id="CAS2", scenario_title_fr="Sans faits")],
            "Ligne 3 : le cas CAS2 : le titre et les faits en français sont obligatoires.",
        ),
    ],
)
def test_a_bad_case_scenario_row_is_refused_whole_in_french(rows, message):
    bank = question_bank()

    report = importing.import_questions(
        bank=bank, content=_csv([_row("Q0"), *rows]), filename="q.csv", dry_run=False
    )

    assert message in report.errors
    assert not Question.objects.exists() and not CaseScenario.objects.exists()


# --- Every length the database checks is checked by the dry run -------------------------------


@pytest.mark.parametrize(("column", "longest"), sorted(importing.column_lengths().items()))
def test_a_value_longer_than_its_field_is_a_row_error_and_nothing_is_written(column, longest):
    bank = question_bank()
    content = _csv([_row("Q0"), {**_row("Q1"), column: "x" * (longest + 1)}])

    dry_run = importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=True)
    report = importing.import_questions(bank=bank, content=content, filename="q.csv", dry_run=False)

    label = importing.HEADER_LABELS[column]
    expected = f"la colonne « {label} » dépasse {longest} caractères ({longest + 1})"
    for result in (dry_run, report):
        assert not result.ok
        assert len(result.errors) == 1 and result.errors[0].startswith("Ligne 3 : ")
        assert expected in result.errors[0]
    assert not Question.objects.exists() and not CaseScenario.objects.exists()


def test_the_lengths_come_from_the_models():
    lengths = importing.column_lengths()
    assert lengths["category"] == Question._meta.get_field("category").max_length == 100
    assert lengths["choice_6_en"] == Choice._meta.get_field("text").max_length
    assert lengths["scenario_title_fr"] == CaseScenario._meta.get_field("title").max_length
    assert "question_fr" not in lengths  # a TextField: no length to check


def test_a_long_category_imported_through_the_admin_is_a_french_row_error_not_a_500(client, editor):
    client.force_login(editor)
    bank = question_bank()
    upload = io.BytesIO(_csv([_row("Q1", category="C" * 101)]))
    upload.name = "questions.csv"

    response = client.post(reverse("quiz_admin_import", args=[bank.pk]), {"file": upload})

    assert response.status_code == 200
    assert "la colonne « catégorie » dépasse 100 caractères (101)" in response.content.decode()
    assert not Question.objects.exists()


# --- Hostile files, and the export's formulas ---------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            hostile_files.declared_dimension_bomb(value_at_xfd=True),
            "q.xlsx",
            "La ligne 2 a une valeur en colonne XFD",
        ),
        (hostile_files.compressed_bomb(), "q.xlsx", "compressé plus de 100 fois"),
        (
            "external_id,type,question_fr,correct\nQ1,single,Quelle règle ?,1\n".encode("cp1252"),
            "q.csv",
            "pas enregistré en UTF-8 (ligne 2)",
        ),
    ],
)
def test_a_hostile_or_misencoded_file_is_refused_and_nothing_is_written(content, filename, message):
    with pytest.raises(importing.ImportFileError, match=re.escape(message)):
        importing.import_questions(
            bank=question_bank(), content=content, filename=filename, dry_run=False
        )
    assert not Question.objects.exists()


FORMULAS = {
    "question": '=HYPERLINK("http://example.com","Cliquez")',
    "choice": "=cmd|' /C calc'!A0",
    "explanation": "@SUM(1+1)*cmd|' /C calc'!A0",
    "category": "+C1M1",
    "case": "-Le cas",
}


def _bank_with_formulas():
    bank = question_bank()
    case = CaseScenario.objects.create(bank=bank, title=FORMULAS["case"], facts="=1+1")
    question = quiz_question(
        bank,
        text=FORMULAS["question"],
        category=FORMULAS["category"],
        explanation=FORMULAS["explanation"],
        scenario=case,
    )
    choice = question.choices.first()
    choice.text = FORMULAS["choice"]
    choice.save()
    return bank, question


def test_the_bank_export_writes_no_formula():
    bank, _question = _bank_with_formulas()

    sheet = load_workbook(io.BytesIO(importing.export_bank(bank))).active

    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert not [v for v in values if isinstance(v, str) and v[:1] in "=+-@"]
    for text in [*FORMULAS.values(), "=1+1"]:
        assert "'" + text in values
    assert sheet.freeze_panes == "A2"


def test_a_bank_with_formula_like_texts_exports_and_imports_back_unchanged():
    bank, question = _bank_with_formulas()

    report = importing.import_questions(
        bank=bank, content=importing.export_bank(bank), filename="bank.xlsx", dry_run=False
    )

    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 1)
    question.refresh_from_db()
    assert question.text == FORMULAS["question"]
    assert question.category == FORMULAS["category"]
    assert question.explanation == FORMULAS["explanation"]
    assert question.choices.first().text == FORMULAS["choice"]
    assert (question.scenario.title, question.scenario.facts) == (FORMULAS["case"], "=1+1")
    assert CaseScenario.objects.filter(bank=bank).count() == 1


def test_the_bank_export_is_a_spreadsheet_in_french_with_a_frozen_header_and_fitted_columns(
    client, editor
):
    bank = question_bank()
    importing.import_questions(
        bank=bank,
        content=_csv([_row("Q1", category="Traite des personnes — cadre juridique")]),
        filename="q.csv",
        dry_run=False,
    )
    client.force_login(editor)

    response = client.get(reverse("quiz_admin_export", args=[bank.pk]))

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["identifiant", "catégorie", "type", "question (fr)", "question (en)"]
    assert "bonnes réponses" in header and "choix 1 (fr)" in header
    assert not {"external_id", "question_fr", "correct"} & set(header)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    # Each column is as wide as its longest value: the category, the question's text.
    category = "Traite des personnes — cadre juridique"
    assert sheet.column_dimensions["B"].width >= len(category)
    assert sheet.column_dimensions["D"].width >= len("question (fr)")
    assert [sheet["A2"].value, sheet["B2"].value] == ["Q1", category]


def test_a_file_with_the_columns_own_names_is_still_read():
    bank = question_bank()
    content = "external_id,type,question_fr,correct,choice_1_fr,choice_2_fr\n"
    content += "Q1,single,Quelle loi ?,1,La loi de 2012,Le code\n"

    report = importing.import_questions(
        bank=bank, content=content.encode(), filename="q.csv", dry_run=False
    )

    assert report.ok, report.errors
    assert Question.objects.get(external_id="Q1", locale__language_code="fr").text == "Quelle loi ?"
