"""The spreadsheet reader shared by the roster and attendance imports: each unreadable file gets
its own French message; readable ones give one dict per non-empty row."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from people.spreadsheets import SpreadsheetError, fold, read_rows

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
