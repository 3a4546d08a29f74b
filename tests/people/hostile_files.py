"""Hostile spreadsheets, built for real: a workbook made by openpyxl whose sheet part is replaced
by XML written in chunks (so a test can make a huge part without holding it in memory)."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet1.xml"


def workbook_with_sheet(chunks: Iterable[str], *, prolog: str = "") -> bytes:
    """An XLSX whose first sheet's XML is the concatenation of `chunks` (after `prolog`)."""
    base = Workbook()
    base.active.append(["e-mail"])
    out = io.BytesIO()
    base.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            if part.filename == SHEET:
                with archive.open(SHEET, "w") as sheet:
                    sheet.write(prolog.encode())
                    for chunk in chunks:
                        sheet.write(chunk.encode())
            else:
                archive.writestr(part.filename, source.read(part.filename))
    return result.getvalue()


def header(dimension: str = "A1:XFD10001") -> str:
    return (
        f'<worksheet {NS}><dimension ref="{dimension}"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>e-mail</t></is></c></row>'
    )


FOOTER = "</sheetData></worksheet>"


def declared_dimension_bomb(rows: int = 10_000, *, value_at_xfd: bool) -> bytes:
    """The 57 KB kind: dimension A1:XFD10001 and, on every row, a cell in the last column XFD
    (a value, or an empty formatted cell), an e-mail in column A."""

    def chunks():
        yield header()
        for line in range(2, rows + 2):
            far = f'<c r="XFD{line}"><v>1</v></c>' if value_at_xfd else f'<c r="XFD{line}" s="0"/>'
            yield (
                f'<row r="{line}"><c r="A{line}" t="inlineStr"><is><t>p{line}@exemple.ml</t>'
                f"</is></c>{far}</row>"
            )
        yield FOOTER

    return workbook_with_sheet(chunks())


def many_rows(rows: int) -> bytes:
    """The 33-million-rows kind: empty rows, a few bytes each once compressed."""

    def chunks():
        yield header()
        batch = 100_000
        for start in range(2, rows + 2, batch):
            yield "".join(
                f'<row r="{line}"/>' for line in range(start, min(start + batch, rows + 2))
            )
        yield FOOTER

    return workbook_with_sheet(chunks())


def one_wide_row(cells: int, *, values: bool) -> bytes:
    """One row of `cells` cells without coordinates, with random styles or values so that the
    part compresses like a real sheet (not caught by the compression ratio)."""
    shuffle = random.Random(14)

    def chunks():
        yield header()
        yield '<row r="2"><c t="inlineStr"><is><t>a@exemple.ml</t></is></c>'
        for start in range(0, cells, 10_000):
            if values:
                yield "".join(
                    f"<c><v>{shuffle.randint(0, 10**6)}</v></c>"
                    for _ in range(min(10_000, cells - start))
                )
            else:
                yield "".join(
                    f'<c s="{shuffle.randint(0, 10**5)}"/>'
                    for _ in range(min(10_000, cells - start))
                )
        yield "</row>" + FOOTER

    return workbook_with_sheet(chunks())


def compressed_bomb(megabytes: int = 5) -> bytes:
    """A sheet part padded with spaces: megabytes of XML that compress a thousand times."""

    def chunks():
        yield header()
        for _ in range(megabytes):
            yield " " * (1024 * 1024)
        yield FOOTER

    return workbook_with_sheet(chunks())
