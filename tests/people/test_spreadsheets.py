"""The spreadsheet reader shared by the roster and attendance imports: each unreadable file gets
its own French message; readable ones give one dict per non-empty row."""

import datetime
import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from people.spreadsheets import SpreadsheetError, csv_bytes, fold, read_rows, xlsx_bytes
from tests.people import hostile_files

HEADERS = {fold("e-mail"): "email", fold("nom complet"): "full_name"}


def _read(name: str, content: bytes, **options):
    settings = {
        "headers": HEADERS,
        "fields": ["email", "full_name"],
        "required_any": ["email"],
        "missing_columns_message": "Colonnes manquantes.",
        "max_rows": 3,
        "max_bytes": 1024 * 1024,
    }
    settings.update(options)
    return read_rows(SimpleUploadedFile(name, content), **settings)


def test_a_csv_with_accented_headers_semicolons_and_blank_rows_reads_as_dicts():
    content = "Nom complet;E_mail\r\nAwa Diallo;awa@example.ml\r\n;\r\n".encode("cp1252")
    assert _read("liste.csv", content) == [{"email": "awa@example.ml", "full_name": "Awa Diallo"}]


def test_an_xlsx_reads_the_same_way():
    workbook = Workbook()
    workbook.active.append(["E-mail", "Nom complet"])
    workbook.active.append(["awa@example.ml", None])
    out = io.BytesIO()
    workbook.save(out)
    assert _read("liste.xlsx", out.getvalue()) == [{"email": "awa@example.ml", "full_name": ""}]


def test_a_workbook_of_several_sheets_reads_its_first_sheet():
    # Two <sheet> entries sit in the same chunk of workbook.xml: the first one is the list.
    workbook = Workbook()
    workbook.active.title = "Liste"
    workbook.active.append(["E-mail", "Nom complet"])
    workbook.active.append(["awa@example.ml", "Awa Diallo"])
    for title in ("Valeurs", "Notes"):
        workbook.create_sheet(title).append(["autre chose", "encore"])
    out = io.BytesIO()
    workbook.save(out)
    assert _read("liste.xlsx", out.getvalue()) == [
        {"email": "awa@example.ml", "full_name": "Awa Diallo"}
    ]


@pytest.mark.parametrize(
    ("name", "content", "options", "message"),
    [
        ("liste.csv", b"e-mail\n" + b"a@b.ml\n" * 10, {"max_bytes": 10}, "trop volumineux (0 Mo"),
        ("liste.pdf", b"e-mail\n", {}, "CSV ou XLSX"),
        ("liste.xlsx", b"not a workbook", {}, "XLSX lisible"),
        ("liste.csv", b"", {}, "vide"),
        ("liste.csv", b"nom\nAwa\n", {}, "Colonnes manquantes."),
        ("liste.csv", b"e-mail\n", {}, "aucune ligne"),
        ("liste.csv", b"e-mail\n" + b"a@b.ml\n" * 4, {}, "plus de 3 lignes"),
    ],
)
def test_an_unreadable_file_gets_a_french_message(name, content, options, message):
    with pytest.raises(SpreadsheetError) as refused:
        _read(name, content, **options)
    assert message in refused.value.message


# --- Hostile files: refused quickly, in bounded memory, with the limit named -------------------

ROSTER_LIMITS = {"max_rows": 10_000, "max_bytes": 5 * 1024 * 1024}


def _peak_mb(read) -> tuple[object, float]:
    """What `read()` returns or raises, and the peak of Python memory it took (MB)."""
    tracemalloc.start()
    try:
        try:
            result = read()
        except SpreadsheetError as error:
            result = error
        return result, tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_a_declared_dimension_of_sixteen_thousand_columns_is_never_materialised():
    bomb = hostile_files.declared_dimension_bomb(value_at_xfd=True)
    assert len(bomb) < 150_000  # the 57 KB kind, with an e-mail on each row

    refused, peak = _peak_mb(lambda: _read("liste.xlsx", bomb, **ROSTER_LIMITS))

    assert isinstance(refused, SpreadsheetError)
    assert refused.message == (
        "La ligne 2 a une valeur en colonne XFD : seules les 50 premières colonnes sont lues. "
        "Ne gardez que les colonnes du modèle."
    )
    assert peak < 10


def test_empty_formatted_cells_far_right_are_ignored_and_the_rows_read():
    workbook = hostile_files.declared_dimension_bomb(value_at_xfd=False)

    rows, peak = _peak_mb(lambda: _read("liste.xlsx", workbook, **ROSTER_LIMITS))

    assert len(rows) == 10_000
    assert rows[0] == {"email": "p2@exemple.ml", "full_name": ""}
    assert peak < 30


def test_a_workbook_unpacking_past_the_limit_is_refused_before_any_xml_is_read():
    bomb = hostile_files.many_rows(1_500_000)
    assert len(bomb) < 5 * 1024 * 1024  # uploads fine, unpacks to 25 MB

    refused, peak = _peak_mb(lambda: _read("liste.xlsx", bomb, **ROSTER_LIMITS))

    assert isinstance(refused, SpreadsheetError)
    assert refused.message.startswith("Décompressé, ce classeur occupe 25 Mo (20 Mo au plus)")
    assert peak < 1


def test_reading_stops_at_the_line_limit_while_reading():
    workbook = hostile_files.many_rows(500_000)  # under the unpacked limit

    refused, peak = _peak_mb(lambda: _read("liste.xlsx", workbook, **ROSTER_LIMITS))

    assert isinstance(refused, SpreadsheetError)
    assert refused.message == (
        "Le fichier compte plus de 20001 lignes, lignes vides comprises : supprimez les lignes "
        "vides ou découpez le fichier."
    )
    assert peak < 5


def test_a_row_far_down_is_refused_at_once():
    workbook = hostile_files.workbook_with_sheet(
        [hostile_files.header(), '<row r="33000000"><c><v>1</v></c></row>', hostile_files.FOOTER]
    )
    with pytest.raises(SpreadsheetError, match="plus de 7 lignes"):
        _read("liste.xlsx", workbook)


def test_a_part_compressed_a_thousand_times_is_refused():
    with pytest.raises(SpreadsheetError, match="compressé plus de 100 fois"):
        _read("liste.xlsx", hostile_files.compressed_bomb(), **ROSTER_LIMITS)


def test_one_row_of_four_hundred_thousand_values_stops_at_the_fifty_first_column():
    workbook = hostile_files.one_wide_row(400_000, values=True)

    refused, peak = _peak_mb(lambda: _read("liste.xlsx", workbook, **ROSTER_LIMITS))

    assert isinstance(refused, SpreadsheetError)
    assert "La ligne 2 a une valeur en colonne AY" in refused.message
    assert peak < 5


def test_a_sheet_of_more_cells_than_its_lines_can_hold_is_refused():
    workbook = hostile_files.one_wide_row(400, values=False)

    with pytest.raises(SpreadsheetError) as refused:
        _read("liste.xlsx", workbook)  # 3 rows: 7 lines of 50 cells

    assert refused.value.message.startswith("La feuille contient plus de 350 cellules")


def test_a_workbook_declaring_entities_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    workbook = hostile_files.workbook_with_sheet(
        [hostile_files.header().replace("e-mail", "&lol2;"), hostile_files.FOOTER], prolog=laughs
    )
    with pytest.raises(SpreadsheetError, match="pas un classeur XLSX lisible"):
        _read("liste.xlsx", workbook)


def test_an_encrypted_or_old_excel_file_is_told_how_to_save_it():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    with pytest.raises(SpreadsheetError, match="« Classeur Excel \\(.xlsx\\) », sans mot de passe"):
        _read("liste.xlsx", ole)


def test_cells_are_read_as_excel_stores_them():
    """Shared strings with rich-text runs (not the phonetic guide), inline strings, numbers,
    booleans, formulas' cached values, cells without coordinates, escaped control characters."""
    workbook = hostile_files.workbook_with_sheet(
        [
            f"<worksheet {hostile_files.NS}><sheetData>",
            '<row><c t="inlineStr"><is><t>Nom complet</t></is></c>'
            '<c t="inlineStr"><is><t>E-mail</t></is></c></row>',
            '<row><c><v>2026</v></c><c t="str"><f>A2</f><v>a@b.ml</v></c></row>',
            '<row r="5"><c r="B5" t="inlineStr"><is><r><t>c@</t></r><r><t>d.ml</t></r>'
            "<rPh><t>XX</t></rPh></is></c>"
            '<c r="A5" t="b"><v>1</v></c></row>',
            '<row><c t="inlineStr"><is><t>Awa_x000D_Diallo</t></is></c>'
            '<c t="inlineStr"><is><t>\'=e@f.ml</t></is></c></row>',
            hostile_files.FOOTER,
        ]
    )
    assert _read("liste.xlsx", workbook, max_rows=10) == [
        {"full_name": "2026", "email": "a@b.ml"},
        {"full_name": "True", "email": "c@d.ml"},
        {"full_name": "Awa\rDiallo", "email": "=e@f.ml"},
    ]


# --- CSV --------------------------------------------------------------------------------------


def test_a_csv_in_utf8_with_or_without_bom_keeps_its_accents():
    text = "nom complet;e-mail\r\nAïssata Traoré;aissata@exemple.ml\r\n"
    expected = [{"full_name": "Aïssata Traoré", "email": "aissata@exemple.ml"}]
    assert _read("liste.csv", text.encode("utf-8")) == expected
    assert _read("liste.csv", text.encode("utf-8-sig")) == expected


def test_a_csv_not_in_utf8_is_refused_with_how_to_save_it_again():
    """Excel's « CSV (séparateur : point-virgule) » saves in Windows-1252: refused, not
    guessed (a guess shows « AÃ¯ssata » or « A?ssata » in the register for years)."""
    content = "nom complet;e-mail\r\nAwa;awa@exemple.ml\r\nAïssata Traoré;a@exemple.ml\r\n"
    with pytest.raises(SpreadsheetError) as refused:
        _read("liste.csv", content.encode("cp1252"))
    assert refused.value.message == (
        "Ce fichier CSV n’est pas enregistré en UTF-8 (ligne 3) : ses lettres accentuées seraient "
        "mal lues. Dans Excel, choisissez « Enregistrer sous », type « CSV UTF-8 (délimité par "
        "des virgules) », et envoyez ce fichier — ou envoyez le classeur XLSX."
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("e-mail" + ";" * 60 + "x\na@b.ml\n", "La ligne 1 a une valeur en colonne BI"),
        ("e-mail\n" + "\n" * 10 + "a@b.ml\n", "plus de 7 lignes, lignes vides comprises"),
        ("e-mail\na\x00@b.ml\n", "Ligne 2 : une cellule contient un caractère nul"),
        ("e-mail\n" + "a" * 40_000 + "\n", "Ligne 2 : une cellule dépasse 32767 caractères"),
        ('e-mail\n"' + "a" * 200_000 + '"\n', "La ligne 2 ne peut pas être lue comme du CSV"),
    ],
)
def test_a_hostile_csv_is_refused_with_the_limit_named(content, message):
    with pytest.raises(SpreadsheetError, match=message):
        _read("liste.csv", content.encode())


def test_trailing_separators_and_tabs_are_read():
    assert _read("liste.csv", ("e-mail" + ";" * 80 + "\na@b.ml;\n").encode()) == [
        {"email": "a@b.ml", "full_name": ""}
    ]
    assert _read("liste.csv", b"nom complet\te-mail\nAwa\ta@b.ml\n") == [
        {"email": "a@b.ml", "full_name": "Awa"}
    ]


# --- Writing ----------------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://example.com","clic")',
    "=cmd|' /C calc'!A0",
    "+33 6 00",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
]


def test_the_writers_neutralise_formulas_and_write_real_dates_under_a_frozen_header():
    day = datetime.date(2026, 3, 31)
    rows = [[text, day, 3] for text in FORMULAS]

    data = xlsx_bytes("Feuille", ["Texte", "Date", "Nombre"], rows)

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= 10
    texts = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert texts == ["'" + text.replace("\r", "\n") for text in FORMULAS]  # XML reads CR as LF
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["B2"].value.date() == day
    assert sheet["B2"].number_format == "DD/MM/YYYY" and sheet["C2"].value == 3

    lines = csv_bytes(["Texte", "Date"], [[FORMULAS[0], day]]).decode("utf-8-sig").splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://example.com"",""clic"")";31/03/2026'


def test_what_the_writer_neutralised_reads_back_unchanged():
    data = xlsx_bytes("Feuille", ["e-mail", "nom complet"], [["a@b.ml", t] for t in FORMULAS])
    rows = _read("liste.xlsx", data, max_rows=10)
    assert [row["full_name"] for row in rows] == [t.strip() for t in FORMULAS]
