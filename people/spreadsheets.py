"""Spreadsheets in and out: the one reader of uploaded CSV or XLSX files (roster import, attendance
import of in-person sessions, question bank import) and the one writer of XLSX and CSV exports.

Reading. Every import accepts the same files and says the same things about the ones it cannot
read. An uploaded file is hostile until read: a 57 KB workbook can declare sixteen thousand
columns, a 5 MB one can unpack to gigabytes of XML. So the reader
- checks the size of the upload, then, for an XLSX, the zip's central directory before reading
  any part: a file that is not a zip, an encrypted one, a part compressed more than MAX_RATIO
  times, or parts adding up to more than `max_unpacked_bytes` once unpacked is refused (Python's
  zip module never unpacks more than the directory declares: a lying directory fails its CRC);
- reads the first sheet as a stream of XML events, keeping nothing but the current row, and only
  its first `max_columns` cells: a value further right is refused, empty (formatted) cells there
  are ignored, the sheet's declared dimension is never looked at;
- stops with a refusal as soon as the file has more than `max_rows` non-empty rows, more lines
  than that allows (empty ones included), more cells than those lines can hold, or a cell longer
  than Excel itself allows;
- reads CSV in UTF-8 only (with or without BOM): Excel's « CSV UTF-8 » saves that; any other
  encoding is refused with how to save the file again, rather than guessed and garbled.

Writing. `XlsxBook` / `xlsx_bytes` and `csv_bytes` are what every export uses: text that would
start a formula (= + - @, tab, carriage return) is prefixed with an apostrophe, dates are real
dates (dd/mm/yyyy in CSV), the header row is bold and frozen, columns get a readable width.
The reader takes the apostrophe off again, so what an export wrote imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import posixpath
import pyexpat
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

MAX_COLUMNS = 50
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_PARTS = 1_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    max_rows: int
    max_columns: int
    max_unpacked_bytes: int

    @property
    def max_lines(self) -> int:
        """Lines read at most, empty ones included: the header, the rows and as many blanks."""
        return 1 + 2 * self.max_rows

    @property
    def max_cells(self) -> int:
        """Cells (empty formatted ones included) the lines may hold together."""
        return self.max_lines * self.max_columns


def read_rows(
    uploaded,
    *,
    headers: dict[str, str],
    fields: Iterable[str],
    missing_columns_message: str | Callable[[list[str]], str],
    max_rows: int,
    max_bytes: int,
    required_any: Iterable[str] = (),
    required: Iterable[str] = (),
    max_columns: int = MAX_COLUMNS,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
) -> list[dict[str, str]]:
    """The non-empty rows of an uploaded CSV or XLSX file as dicts of `fields` (strings).
    `headers` maps folded column names to fields; the first non-empty line must name at least
    one of `required_any` and all of `required` (else `missing_columns_message`, called with the
    missing fields if it is callable). Raises SpreadsheetError with a message for the uploader."""
    if uploaded.size > max_bytes:
        raise SpreadsheetError(_too_large(max_bytes))
    name = (uploaded.name or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise SpreadsheetError(_("Upload a CSV or XLSX file (use the template)."))
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SpreadsheetError(_too_large(max_bytes))
    limits = _Limits(
        max_rows=max_rows, max_columns=max_columns, max_unpacked_bytes=max_unpacked_bytes
    )
    lines = _xlsx_lines(data, limits) if name.endswith(".xlsx") else _csv_lines(data, limits)
    return _rows(
        lines,
        headers=headers,
        fields=list(fields),
        required_any=set(required_any),
        required=list(required),
        missing_columns_message=missing_columns_message,
        limits=limits,
    )


def _too_large(max_bytes: int) -> str:
    return _("The file is too large (%(size)s MB at most).") % {"size": max_bytes // (1024 * 1024)}


def _rows(lines, *, headers, fields, required_any, required, missing_columns_message, limits):
    header = None
    rows = []
    for number, cells in lines:
        if number > limits.max_lines:
            raise _too_many_lines(limits)
        values = [_cell_text(cell, number) for cell in cells]
        if not any(values):
            continue
        if header is None:
            header = [headers.get(fold(value)) for value in values]
            missing = [f for f in required if f not in header]
            if missing or (required_any and not required_any & set(header)):
                if callable(missing_columns_message):
                    raise SpreadsheetError(missing_columns_message(missing))
                raise SpreadsheetError(missing_columns_message)
            continue
        row = dict.fromkeys(fields, "")
        for key, value in zip(header, values, strict=False):
            if key:
                row[key] = value
        rows.append(row)
        if len(rows) > limits.max_rows:
            raise SpreadsheetError(
                _("The file has more than %(max)s rows: split it.") % {"max": limits.max_rows}
            )
    if header is None:
        raise SpreadsheetError(_("The file is empty."))
    if not rows:
        raise SpreadsheetError(_("The file has no rows under its column names."))
    return rows


def _too_many_lines(limits: _Limits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file has more than %(max)s lines, empty ones included: delete the empty "
            "lines or split the file."
        )
        % {"max": limits.max_lines}
    )


def _cell_text(value, line: int) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > MAX_CELL_CHARS:
        raise SpreadsheetError(
            _("Line %(line)s: a cell holds more than %(max)s characters.")
            % {"line": line, "max": MAX_CELL_CHARS}
        )
    if "\x00" in text:
        raise SpreadsheetError(
            _("Line %(line)s: a cell holds a null character, which cannot be saved.")
            % {"line": line}
        )
    # What our exports neutralised (an apostrophe before = + - @, tab or carriage return, which
    # XML reads back as a line feed) imports back as it was.
    if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_STARTS, "\n"):
        text = text[1:].strip()
    return text


def _beyond_columns(column: int, line: int, limits: _Limits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Line %(line)s has a value in column %(column)s: only the first %(max)s columns are "
            "read. Keep only the template's columns."
        )
        % {"line": line, "column": _column_letters(column), "max": limits.max_columns}
    )


def _column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# CSV ------------------------------------------------------------------------------------------


def _csv_lines(data: bytes, limits: _Limits) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _(
                "This CSV file is not saved in UTF-8 (line %(line)s): its accented letters would "
                "be misread. In Excel, choose “Save as”, type “CSV UTF-8 (comma delimited)”, and "
                "upload that file — or upload the XLSX workbook."
            )
            % {"line": data[: error.start].count(b"\n") + 1}
        ) from error
    end = text.find("\n")
    first = text[: end if end >= 0 else len(text)]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise SpreadsheetError(
                _("Line %(line)s cannot be read as CSV: check its quotation marks.")
                % {"line": reader.line_num}
            ) from error
        number += 1
        for column in range(len(cells), limits.max_columns, -1):
            if cells[column - 1].strip():
                raise _beyond_columns(column, number, limits)
        yield number, cells[: limits.max_columns]


# XLSX -----------------------------------------------------------------------------------------

_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _open_workbook(data: bytes, limits: _Limits) -> zipfile.ZipFile:
    """The workbook's zip, once its central directory shows nothing that would unpack to far
    more than was uploaded."""
    unreadable = SpreadsheetError(_("This file is not a readable XLSX workbook."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _(
                "This workbook is protected by a password or saved in the old Excel format "
                "(.xls): save it as an “Excel workbook (.xlsx)” without a password."
            )
        )
    if not data.startswith(b"PK\x03\x04"):
        raise unreadable
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise unreadable from error
    if len(parts) > MAX_PARTS or any(part.flag_bits & 0x1 for part in parts):
        raise unreadable
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise SpreadsheetError(
            _(
                "Once unpacked, this workbook takes %(size)s MB (%(max)s MB at most): keep only "
                "the list (one sheet, the template's columns) and save it again."
            )
            % {
                "size": -(-unpacked // (1024 * 1024)),
                "max": limits.max_unpacked_bytes // (1024 * 1024),
            }
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise SpreadsheetError(
                _(
                    "This workbook is compressed more than %(ratio)s times: it is not a "
                    "spreadsheet that can be read safely."
                )
                % {"ratio": MAX_RATIO}
            )
    return archive


class _Handler:
    """What an XML part's parser calls back; `done` stops the reading early."""

    done = False

    def start(self, name: str, attributes: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def _no_dtd(*args) -> None:
    raise ValueError("a workbook part declares a DTD or entities")


def _parse(archive: zipfile.ZipFile, part: str, handler: _Handler) -> Iterator[None]:
    """Feed an XML part to `handler` (element names without their namespace) by chunks of
    64 KB, pausing after each: the caller takes what the handler gathered, so memory holds one
    chunk's worth whatever the part's length. A DTD or entity declaration is refused (no
    "billion laughs", no external entities)."""
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.StartElementHandler = lambda name, attributes: handler.start(
        name.rpartition(" ")[2], attributes
    )
    parser.EndElementHandler = lambda name: handler.end(name.rpartition(" ")[2])
    parser.CharacterDataHandler = handler.text
    with archive.open(part) as source:
        while chunk := source.read(64 * 1024):
            parser.Parse(chunk, False)
            yield
            if handler.done:
                return
        parser.Parse(b"", True)
        yield


def _read_all(archive: zipfile.ZipFile, part: str, handler: _Handler) -> _Handler:
    for _pause in _parse(archive, part, handler):
        pass
    return handler


def _part_names(archive: zipfile.ZipFile) -> dict[str, str]:
    return {name.lower(): name for name in archive.namelist()}


class _Relationships(_Handler):
    """{relationship id: (type, part name)} of a .rels part."""

    def __init__(self, folder: str):
        self.folder = folder
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, name, attributes):
        if name != "Relationship" or attributes.get("TargetMode") == "External":
            return
        target = attributes.get("Target", "")
        path = target if target.startswith("/") else f"{self.folder}/{target}"
        path = posixpath.normpath(path).lstrip("/")
        self.found[attributes.get("Id", "")] = (attributes.get("Type", ""), path)


class _FirstSheet(_Handler):
    sheet_id = None

    def start(self, name, attributes):
        # The parser may go on past the first <sheet> within the same chunk: keep the first.
        if name == "sheet" and self.sheet_id is None:
            self.sheet_id = attributes.get(f"{_RELATIONSHIPS} id")
            self.done = True


def _relationships(archive, names, rels_part: str, folder: str) -> dict[str, tuple[str, str]]:
    real = names.get(rels_part.lower())
    if real is None:
        return {}
    return _read_all(archive, real, _Relationships(folder)).found


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The part names of the workbook's first sheet and of its shared strings."""
    names = _part_names(archive)
    workbook = "xl/workbook.xml"
    for kind, path in _relationships(archive, names, "_rels/.rels", "").values():
        if kind.endswith("/officeDocument"):
            workbook = path
    folder, base = posixpath.split(workbook)
    relations = _relationships(archive, names, f"{folder}/_rels/{base}.rels", folder)
    sheet_id = _read_all(archive, names[workbook.lower()], _FirstSheet()).sheet_id
    strings = next(
        (path for kind, path in relations.values() if kind.endswith("/sharedStrings")), None
    )
    sheet = relations[sheet_id][1]
    return names[sheet.lower()], names.get(strings.lower()) if strings else None


def _unescape(text: str) -> str:
    """OOXML writes control characters as _xHHHH_ (and a literal « _x » as _x005F_x)."""
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


class _SharedStrings(_Handler):
    """The texts of a shared strings part: the runs of each <si>, not its phonetic guides."""

    def __init__(self):
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.phonetic = 0
        self.in_text = False

    def start(self, name, attributes):
        if name == "t":
            self.in_text = not self.phonetic
        elif name == "rPh":
            self.phonetic += 1

    def end(self, name):
        if name == "t":
            self.in_text = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            self.strings.append(_unescape("".join(self.parts)))
            self.parts = []

    def text(self, data):
        if self.in_text:
            self.parts.append(data)


def _number(text: str) -> str:
    try:
        number = float(text) if any(c in text for c in ".Ee") else int(text)
    except ValueError:
        return text
    return str(number)


class _Sheet(_Handler):
    """The rows of a worksheet part, as (line number, values of its first max_columns cells),
    gathered in `rows` for the reader to take; refuses the file as soon as it goes past a
    limit."""

    def __init__(self, strings: list[str], limits: _Limits):
        self.strings = strings
        self.limits = limits
        self.rows: list[tuple[int, list[str]]] = []
        self.line = self.column = self.cells = self.phonetic = 0
        self.values: list[str] = []
        self.kind = "n"
        self.value: list[str] | None = None
        self.texts: list[str] = []
        self.collect: list[str] | None = None

    def start(self, name, attributes):
        if name == "c":
            reference = attributes.get("r")
            self.column = _column_of(reference) if reference else self.column + 1
            self.kind, self.value, self.texts = attributes.get("t", "n"), None, []
        elif name == "v":
            self.value = self.collect = []
        elif name == "t":
            self.collect = None if self.phonetic else self.texts
        elif name == "rPh":
            self.phonetic += 1
        elif name == "row":
            reference = attributes.get("r")
            self.line = int(reference) if reference else self.line + 1
            if self.line > self.limits.max_lines:
                raise _too_many_lines(self.limits)
            self.values, self.column = [], 0

    def text(self, data):
        if self.collect is not None:
            self.collect.append(data)

    def end(self, name):
        if name == "c":
            self.cell()
        elif name in ("v", "t"):
            self.collect = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "row":
            self.rows.append((self.line, self.values))
        elif name == "sheetData":
            self.done = True

    def cell(self) -> None:
        limits = self.limits
        self.cells += 1
        if self.cells > limits.max_cells:
            raise SpreadsheetError(
                _(
                    "The sheet holds more than %(max)s cells, empty formatted ones included: "
                    "copy the list into the template and upload that file."
                )
                % {"max": limits.max_cells}
            )
        kind, value = self.kind, None if self.value is None else "".join(self.value)
        if kind == "inlineStr":
            text = _unescape("".join(self.texts))
        elif value is None:
            text = ""
        elif kind == "s":
            text = self.strings[int(value)]
        elif kind == "b":
            text = str(value.strip() == "1")
        elif kind in ("str", "e", "d"):
            text = _unescape(value)
        else:
            text = _number(value.strip())
        if self.column > limits.max_columns:
            if text.strip():
                raise _beyond_columns(self.column, self.line, limits)
            return
        values = self.values
        values.extend([""] * (self.column - len(values)))
        values[self.column - 1] = text


def _xlsx_lines(data: bytes, limits: _Limits) -> Iterator[tuple[int, list]]:
    """(line number, values of its first max_columns cells) for each row of the first sheet."""
    try:
        archive = _open_workbook(data, limits)
        sheet_part, strings_part = _first_sheet(archive)
        strings = _read_all(archive, strings_part, _SharedStrings()).strings if strings_part else []
        sheet = _Sheet(strings, limits)
        for _pause in _parse(archive, sheet_part, sheet):
            rows, sheet.rows = sheet.rows, []
            yield from rows
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged workbook fails in many ways (zip, XML, indexes)
        raise SpreadsheetError(_("This file is not a readable XLSX workbook.")) from error


def _column_of(reference: str) -> int:
    column = 0
    for char in reference:
        if "A" <= char <= "Z":
            column = column * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            column = column * 26 + ord(char) - 96
        else:
            break
        if column > 16_384:  # past XFD: not a worksheet Excel could write
            raise ValueError(reference)
    if not column:
        raise ValueError(reference)
    return column


# --- Writing ----------------------------------------------------------------------------------


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value) -> str:
    """A spreadsheet must not run a cell as a formula: prefix = + - @ (and tab/CR) with '.
    Control characters XML cannot hold are dropped."""
    text = "" if value is None else _ILLEGAL.sub("", str(value))
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


def _plain(value):
    """A cell's value: numbers and dates as they are, anything else as neutralised text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return neutralise(value)
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    return neutralise(value)


def _width(value) -> int:
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def fitted_widths(rows: Iterable[Iterable], *, least: int = 8, most: int = 60) -> list[int]:
    """Column widths (in characters) that show most values whole."""
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(least)
            widths[index] = min(most, max(widths[index], _width(value) + 2))
    return widths


class XlsxSheet:
    def __init__(self, book: XlsxBook, sheet):
        self._book = book
        self._sheet = sheet

    def append(self, values: Iterable, *, bold: bool = False) -> None:
        from openpyxl.cell import WriteOnlyCell

        row = []
        for value in values:
            value = _plain(value)
            if bold or isinstance(value, datetime.date):
                cell = WriteOnlyCell(self._sheet, value=value)
                if isinstance(value, datetime.datetime):
                    cell.number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
                if bold:
                    cell.font = self._book.bold
                row.append(cell)
            else:
                row.append(value)
        self._sheet.append(row)

    def choose_from(
        self, column: int, source: str, *, last_row: int, title: str = "", message: str = ""
    ) -> None:
        """Cells of `column` (1 for A) from row 2 to `last_row` offer the values of `source`
        (a range such as "'Valeurs permises'!$A$2:$A$9") as a drop-down list; another value
        gets a warning with `message` (it may still be one the reader accepts)."""
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        letter = get_column_letter(column)
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=bool(message),
            errorStyle="warning",
            errorTitle=title or None,
            error=message or None,
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        self._sheet.data_validations.append(validation)


def sheet_range(title: str, column: int, first_row: int, last_row: int) -> str:
    """An absolute reference to cells of another sheet, e.g. 'Valeurs permises'!$A$2:$A$9."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(column)
    quoted = _sheet_title(title).replace("'", "''")
    return f"'{quoted}'!${letter}${first_row}:${letter}${last_row}"


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31]


class XlsxBook:
    """A workbook written as a stream (openpyxl's write-only mode), whatever its length."""

    def __init__(self):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        self._workbook = Workbook(write_only=True)
        self.bold = Font(bold=True)

    def sheet(
        self, title: str, header: Iterable | None = None, *, widths: Iterable[int] | None = None
    ) -> XlsxSheet:
        """A new sheet; its `header` row (bold, frozen) is written first. Without `widths`,
        columns are as wide as the header's names."""
        from openpyxl.utils import get_column_letter

        sheet = self._workbook.create_sheet(_sheet_title(title))
        header = [str(h) for h in header] if header is not None else None
        if widths is None and header is not None:
            widths = fitted_widths([header], least=10)
        for index, width in enumerate(widths or [], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        writer = XlsxSheet(self, sheet)
        if header is not None:
            sheet.freeze_panes = "A2"
            writer.append(header, bold=True)
        return writer

    def save(self) -> bytes:
        out = io.BytesIO()
        self._workbook.save(out)
        return out.getvalue()


def xlsx_bytes(title: str, header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """A one-sheet workbook: the header, then the rows, columns fitted to their values."""
    header, rows = list(header), [list(row) for row in rows]
    book = XlsxBook()
    sheet = book.sheet(title, header, widths=fitted_widths([header, *rows], least=10))
    for row in rows:
        sheet.append(row)
    return book.save()


def _csv_value(value) -> str:
    value = _plain(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """A CSV as Excel opens it in French: UTF-8 with a BOM, semicolons, CRLF lines; `rows` may
    be a generator."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_csv_value(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")
