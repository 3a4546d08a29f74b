"""The annual report pack: XLSX (a summary sheet, one sheet per breakdown, the detail list) and
CSV (the detail list), written by the platform's one export writer (people.spreadsheets): texts
that would start a formula neutralised, dates as real dates, header rows frozen.

`build_export(export)` is what the Celery task runs; it writes its progress on the
RegisterExport row (the progress page reads the row, so it works with any cache)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import RegisterExport, RegisterExportFormat
from certificates.register import queries
from certificates.register.access import Scope
from certificates.register.definitions import (
    DIMENSION_LABELS,
    MEASURE_LABELS,
    STATE_LABELS,
    definitions,
    filters_in_words,
)
from certificates.register.periods import Period, parse_period
from people.choices import Profession, Sex
from people.models import Institution, Region
from people.spreadsheets import XlsxBook, csv_bytes, fitted_widths

HEADLINE = ("people", *queries.MEASURES)
PROGRESS_STEP_ROWS = 2000


def filters_from(params) -> queries.Filters:
    """The attribute filters of a query string (or of an export's stored filters)."""
    values = {}
    for name in ("profession", "sex", "institution", "region", "course"):
        value = (params.get(name) or "").strip()
        if name in ("institution", "region", "course") and value not in ("", queries.NONE):
            value = value if value.isdigit() else ""
        values[name] = value
    values["q"] = (params.get("q") or "").strip()[:100]
    measure = params.get("measure") or ""
    values["measure"] = measure if measure in queries.LIST_MEASURES else ""
    return queries.Filters(**values)


def stored_filters(period: Period, filters: queries.Filters, scope: Scope) -> dict:
    """What the export log keeps: the period, the filters and the part of the register."""
    return {
        **period.query(),
        **filters.as_dict(),
        "scope": "national" if scope.national else list(scope.institution_ids),
    }


def _value(figures: queries.Figures, name: str, previous: bool = False) -> int:
    if name == "people":
        return figures.people
    return (figures.previous if previous else figures.values)[name]


def headline_rows(board: queries.Dashboard) -> list[list]:
    rows = []
    for name in HEADLINE:
        current = _value(board.totals, name)
        if name == "people":
            rows.append([str(MEASURE_LABELS[name]), current, "", ""])
            continue
        previous = _value(board.totals, name, previous=True)
        rows.append([str(MEASURE_LABELS[name]), current, previous, current - previous])
    return rows


def breakdown_header(dimension: str) -> list[str]:
    measures = [str(MEASURE_LABELS[m]) for m in queries.MEASURES]
    first = [] if dimension == "course" else [str(MEASURE_LABELS["people"])]
    return [
        str(DIMENSION_LABELS[dimension]),
        *first,
        *measures,
        _("People trained, previous period"),
    ]


def breakdown_rows(board: queries.Dashboard, dimension: str) -> list[list]:
    rows = []
    for row in board.breakdowns[dimension]:
        first = [] if dimension == "course" else [row.figures.people]
        rows.append(
            [
                row.label,
                *first,
                *[row.figures.values[m] for m in queries.MEASURES],
                row.figures.previous["trained"],
            ]
        )
    return rows


def _date(day: datetime.date | None) -> datetime.date | str:
    """A date cell (the writers show it as dd/mm/yyyy), or empty."""
    return day or ""


DETAIL_WIDTHS = [28, 32, 14, 36, 20, 22, 10, 14]
COURSE_WIDTHS = [24, 16, 16]


def detail_widths(course_titles: dict) -> list[int]:
    return DETAIL_WIDTHS + COURSE_WIDTHS * len(course_titles)


def detail_header(course_titles: dict) -> list[str]:
    header = [
        _("Name"),
        _("E-mail"),
        _("Staff number"),
        _("Institution"),
        _("Region"),
        _("Profession"),
        _("Sex"),
        _("Trained in the period"),
    ]
    for title in course_titles.values():
        header += [
            f"{title} — {_('status')}",
            f"{title} — {_('last trained')}",
            f"{title} — {_('valid until')}",
        ]
    return header


class _Lookups:
    """Labels for the detail list, read once per export (four queries)."""

    def __init__(self):
        self.institutions = dict(Institution.objects.values_list("pk", "name"))
        self.regions = dict(Region.objects.values_list("pk", "name"))
        self.professions = {k: str(v) for k, v in Profession.choices}
        self.sexes = {k: str(v) for k, v in Sex.choices}
        self.yes, self.no = _("yes"), _("no")
        self.states = {k: str(v) for k, v in STATE_LABELS.items()}
        self.never = _("no expiry")


def detail_row(person: queries.PersonRow, course_ids: list, look: _Lookups) -> list:
    row = [
        person.full_name,
        person.email,
        person.matricule,
        look.institutions.get(person.institution_id, ""),
        look.regions.get(person.region_id, ""),
        look.professions.get(person.profession, ""),
        look.sexes.get(person.sex, ""),
        look.yes if person.trained else look.no,
    ]
    for course_id in course_ids:
        cell = person.cells.get(course_id)
        if cell is None:
            row += ["", "", ""]
            continue
        until = look.never if cell.certified and cell.open_ended else _date(cell.valid_until)
        if cell.lapsed:
            until = _date(cell.expired_on)
        row += [look.states[cell.state], _date(cell.last_day), until]
    return row


def register_courses(board: queries.Dashboard) -> dict:
    """The courses that have at least one row in the register, by title."""
    ids = [r.key for r in board.breakdowns["course"]]
    titles = queries.course_titles([int(i) for i in ids if i != queries.NONE])
    ordered = dict(sorted(titles.items(), key=lambda item: item[1].lower()))
    if queries.NONE in ids:
        ordered[None] = _("No corresponding course")
    return ordered


def _filters_words(params: dict) -> str:
    """The export's filters in words (three small lookups), for the summary sheet."""
    filters = filters_from(params)
    course = filters.course
    return filters_in_words(
        filters,
        national=params.get("scope") == "national",
        institutions=dict(Institution.objects.values_list("pk", "name"))
        if filters.institution
        else {},
        regions=dict(Region.objects.values_list("pk", "name")) if filters.region else {},
        courses=queries.course_titles([int(course)]) if course.isdigit() else {},
    )


def build_export(export: RegisterExport, *, scope: Scope, today: datetime.date) -> None:
    """Write the export's file; `export.progress` moves from 0 to 100 on the row."""
    params = export.filters
    period = parse_period(params, today)
    filters = filters_from(params)

    def progress(percent: int) -> None:
        RegisterExport.objects.filter(pk=export.pk).update(progress=percent)

    board = queries.dashboard(scope=scope, period=period, filters=filters, today=today)
    progress(5)
    courses = register_courses(board)
    total = queries.count_people(scope=scope, period=period, filters=filters, today=today)
    progress(10)
    people = (
        person
        for _total, person in queries.iter_people(
            scope=scope, period=period, filters=filters, today=today
        )
    )
    if export.format == RegisterExportFormat.XLSX:
        data, rows = _xlsx(board, courses, people, total, progress, params)
        extension = "xlsx"
    else:
        data, rows = _csv(courses, people, total, progress)
        extension = "csv"
    name = f"registre-{period.start:%Y%m%d}-{period.end:%Y%m%d}-{secrets.token_hex(8)}.{extension}"
    export.file.save(name, ContentFile(data), save=False)
    export.row_count = rows
    export.progress = 100
    export.status = "done"
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "row_count", "progress", "status", "finished_at"])


def _detail_progress(total: int, progress: Callable[[int], None]):
    def step(done: int) -> None:
        if total and done % PROGRESS_STEP_ROWS == 0:
            progress(10 + round(85 * done / total))

    return step


def _csv(courses: dict, people, total: int, progress) -> tuple[bytes, int]:
    look, course_ids, step = _Lookups(), list(courses), _detail_progress(total, progress)
    count = 0

    def rows():
        nonlocal count
        for person in people:
            yield detail_row(person, course_ids, look)
            count += 1
            step(count)

    data = csv_bytes(detail_header(courses), rows())
    return data, count


def _xlsx(board, courses: dict, people, total: int, progress, params) -> tuple[bytes, int]:
    book = XlsxBook()
    summary = book.sheet(_("Summary"), widths=[45, 50] + [18] * 9)
    summary.append([_("National training register")], bold=True)
    summary.append([_("Period"), board.period.label()])
    summary.append([_("First day of the period"), board.period.start])
    summary.append([_("Last day of the period"), board.period.end])
    summary.append([_("Previous period"), board.previous_period.label()])
    summary.append([_("Reference day"), _date(board.day)])
    summary.append([_("Exported on"), _date(timezone.localdate())])
    summary.append([_("Filters"), _filters_words(params)])
    summary.append([])
    summary.append(
        [_("Figure"), _("This period"), _("Previous period"), _("Change")],
        bold=True,
    )
    for row in headline_rows(board):
        summary.append(row)
    for dimension in queries.DIMENSIONS:
        summary.append([])
        summary.append(breakdown_header(dimension), bold=True)
        for row in breakdown_rows(board, dimension):
            summary.append(row)
    summary.append([])
    summary.append([_("Definitions")], bold=True)
    for term, text in definitions():
        summary.append([str(term), str(text)])

    for dimension in queries.DIMENSIONS:
        header, rows = breakdown_header(dimension), breakdown_rows(board, dimension)
        widths = fitted_widths([header, *rows], least=12, most=50)
        sheet = book.sheet(str(DIMENSION_LABELS[dimension]), header, widths=widths)
        for row in rows:
            sheet.append(row)

    detail = book.sheet(_("People"), detail_header(courses), widths=detail_widths(courses))
    look, course_ids, step, count = _Lookups(), list(courses), _detail_progress(total, progress), 0
    for person in people:
        detail.append(detail_row(person, course_ids, look))
        count += 1
        step(count)
    return book.save(), count
