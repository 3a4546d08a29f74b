"""Reading an uploaded roster-like spreadsheet (CSV or XLSX, one row per person, column names on
the first line). Shared by the roster import (people.manager) and the attendance import of
in-person sessions (certificates.sessions): both accept the same files and say the same things
about the ones they cannot read."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _


class SpreadsheetError(Exception):
    """The file cannot be read as asked; `message` is for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def fold(text) -> str:
    """Lower case, without accents, dashes or underscores: how column names and choices are
    compared (« E-mail », « e_mail » and « email » are the same column)."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def read_rows(
    uploaded,
    *,
    headers: dict[str, str],
    fields: Iterable[str],
    required_any: Iterable[str],
    missing_columns_message: str,
    max_rows: int,
    max_bytes: int,
) -> list[dict[str, str]]:
    """The non-empty rows of an uploaded CSV or XLSX file as dicts of `fields` (strings).
    `headers` maps folded column names to fields; the first line must name at least one of
    `required_any`. Raises SpreadsheetError with a message for the uploader."""
    if uploaded.size > max_bytes:
        raise SpreadsheetError(
            _("The file is too large (%(size)s MB at most).") % {"size": max_bytes // (1024 * 1024)}
        )
    name = (uploaded.name or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif name.endswith(".csv"):
        table = _read_csv(data)
    else:
        raise SpreadsheetError(_("Upload a CSV or XLSX file (use the template)."))
    if not table:
        raise SpreadsheetError(_("The file is empty."))
    header = [headers.get(fold(cell)) for cell in table[0]]
    if not set(required_any) & set(header):
        raise SpreadsheetError(missing_columns_message)
    rows = []
    for cells in table[1:]:
        if not any(str(c if c is not None else "").strip() for c in cells):
            continue
        row = dict.fromkeys(fields, "")
        for key, cell in zip(header, cells, strict=False):
            if key:
                row[key] = str(cell if cell is not None else "").strip()
        rows.append(row)
    if not rows:
        raise SpreadsheetError(_("The file has no rows under its column names."))
    if len(rows) > max_rows:
        raise SpreadsheetError(
            _("The file has more than %(max)s rows: split it.") % {"max": max_rows}
        )
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SpreadsheetError(_("This file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table
