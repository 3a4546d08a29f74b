"""The register's pages: dashboard, list of people (the drill-down), printable page, exports.

Thin views: the figures come from `queries`, the files from `exports` in a Celery task."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.models import (
    RegisterExport,
    RegisterExportFormat,
    RegisterExportStatus,
)
from certificates.register import charts, queries, summary
from certificates.register.access import register_required
from certificates.register.definitions import (
    DIMENSION_LABELS,
    MEASURE_LABELS,
    STATE_LABELS,
    definitions,
    filters_in_words,
    link_label,
)
from certificates.register.exports import filters_from, stored_filters
from certificates.register.periods import (
    CALENDAR,
    RANGE,
    TIP,
    Period,
    PeriodError,
    default_period,
    parse_period,
)
from certificates.register.tasks import build_register_export_task
from config.private_files import private_file_response
from people.choices import Profession, Sex
from people.models import Institution, Region

PAGE_SIZE = 50


def _state(request, params=None) -> tuple[Period, queries.Filters, str]:
    """The period and filters of the query string (or of `params`); a bad period gets a message
    and the default period (nothing else changes)."""
    params = request.GET if params is None else params
    today = timezone.localdate()
    try:
        period = parse_period(params, today)
        error = ""
    except PeriodError as problem:
        period, error = default_period(today), problem.message
    return period, filters_from(params), error


def _url(name: str, period: Period, filters: queries.Filters, **changes) -> str:
    params = {**period.query(), **filters.as_dict(), **changes}
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v})}"


def _people_url(period, filters, **changes) -> str:
    return _PeopleLinks(period, filters)(**changes)


class _PeopleLinks:
    """Links to the list of people for a period and filters (no search, no measure), with
    `changes`: made once per dashboard for its many links (a thousand at 120 institutions),
    the path reversed and the parameters encoded once."""

    def __init__(self, period: Period, filters: queries.Filters):
        base = queries.Filters(**{**filters.__dict__, "q": "", "measure": ""})
        self.path = reverse("register_people")
        self.base = {k: str(v) for k, v in {**period.query(), **base.as_dict()}.items()}
        self.quoted: dict[tuple[str, str], str] = {}

    def _pair(self, key: str, value: str) -> str:
        pair = self.quoted.get((key, value))
        if pair is None:
            pair = self.quoted[(key, value)] = urlencode({key: value})
        return pair

    def __call__(self, **changes) -> str:
        params = {**self.base, **{k: str(v) for k, v in changes.items()}}
        return f"{self.path}?" + "&".join(self._pair(k, v) for k, v in params.items() if v)


def _choices(request) -> dict:
    scope = request.register_scope
    institutions = Institution.objects.order_by("name")
    if not scope.national:
        institutions = institutions.filter(pk__in=scope.institution_ids)
    from courses.models import CoursePage

    course_ids = list(
        CoursePage.objects.filter(locale__language_code="fr").values_list("pk", flat=True)
    )
    titles = queries.course_titles(course_ids)
    return {
        "professions": Profession.choices,
        "sexes": Sex.choices,
        "regions": list(Region.objects.values_list("pk", "name")),
        "institutions": list(institutions.values_list("pk", "name")),
        "courses": sorted(titles.items(), key=lambda item: item[1].lower()),
        "none": queries.NONE,
    }


def _filters_words(filters: queries.Filters, choices: dict, national: bool) -> str:
    """The filters in words, from the choices the page reads anyway (no query)."""
    return filters_in_words(
        filters,
        national=national,
        institutions=dict(choices["institutions"]),
        regions=dict(choices["regions"]),
        courses=dict(choices["courses"]),
    )


def _period_links(period: Period, filters: queries.Filters, today) -> list[tuple[str, str, bool]]:
    tip_year = today.year if today.month >= 4 else today.year - 1
    options = [
        Period.calendar(today.year),
        Period.calendar(today.year - 1),
        Period.tip(tip_year),
        Period.tip(tip_year - 1),
    ]
    return [(p.label(), _url("register_dashboard", p, filters), p == period) for p in options]


def _headline(board: queries.Dashboard, filters) -> list[dict]:
    cards = []
    for name in ("people", *queries.MEASURES):
        if name == "people":
            value, previous = board.totals.people, None
        else:
            value, previous = board.totals.values[name], board.totals.previous[name]
        cards.append(
            {
                "name": name,
                "label": MEASURE_LABELS[name],
                "value": value,
                "previous": previous,
                "change": None if previous is None else value - previous,
                "href": _people_url(
                    board.period, filters, measure="" if name == "people" else name
                ),
                "link_label": link_label(name, value),
                "sub": name in ("trained_online", "trained_in_person"),
            }
        )
    return cards


def _row_html(item: dict, *, show_people: bool) -> SafeString:
    """One row of a breakdown table, as _breakdowns.html wrote it: the dashboard has some 150
    rows of ten linked cells, which the template language took longer to write than the
    figures take to compute. Every text is escaped."""
    row = item["row"]
    parts = [f'<tr>\n      <th scope="row">{escape(row.label)}</th>\n      ']
    if show_people:
        parts.append(
            f'<td class="num"><a href="{escape(item["links"]["people"])}" '
            f'aria-label="{escape(item["people_label"])}">{row.figures.people}</a></td>'
        )
    parts.append("\n      ")
    for value, href, label in item["cells"]:
        if value:
            parts.append(
                f'<td class="num"><a href="{escape(href)}" aria-label="{escape(label)}">'
                f"{value}</a></td>"
            )
        else:
            parts.append('<td class="num">0</td>')
    parts.append(f'\n      <td class="num">{row.figures.previous["trained"]}</td>\n    </tr>')
    return mark_safe("".join(parts))  # every value above is escaped or an int


def _sections(board: queries.Dashboard, filters, all_regions) -> list[dict]:
    sections = []
    people_url = _PeopleLinks(board.period, filters)
    period_label = _("This period")
    previous_label = _("Previous period")
    for dimension in queries.DIMENSIONS:
        rows = []
        bars = []
        for row in board.breakdowns[dimension]:
            links = {m: people_url(measure=m, **{dimension: row.key}) for m in queries.MEASURES}
            links["people"] = people_url(**{dimension: row.key})
            # A zero is shown without a link: its label is not needed.
            cells = [
                (
                    row.figures.values[m],
                    links[m],
                    link_label(m, row.figures.values[m], row.label)
                    if row.figures.values[m]
                    else "",
                )
                for m in queries.MEASURES
            ]
            item = {
                "row": row,
                "links": links,
                "cells": cells,
                "people_label": link_label("people", row.figures.people, row.label),
            }
            item["html"] = _row_html(item, show_people=dimension != "course")
            rows.append(item)
            trained = row.figures.values["trained"]
            bars.append(
                charts.Bar(
                    row.label,
                    trained,
                    row.figures.previous["trained"],
                    links["trained"],
                    link_label=link_label("trained", trained, row.label),
                )
            )
        title = _("People trained by %(dimension)s") % {
            "dimension": str(DIMENSION_LABELS[dimension]).lower()
        }
        chart = charts.bar_chart(
            bars, title=title, current_label=period_label, previous_label=previous_label
        )
        narrow_chart = charts.bar_chart_narrow(
            bars, title=title, current_label=period_label, previous_label=previous_label
        )
        section = {
            "dimension": dimension,
            "label": DIMENSION_LABELS[dimension],
            "rows": rows,
            "chart": chart,
            "narrow_chart": narrow_chart,
            "title": title,
            "show_people": dimension != "course",
        }
        if dimension == "region":
            by_name = {r["row"].label: r for r in rows}
            tiles = []
            for _pk, name in all_regions:
                found = by_name.get(name)
                value = found["row"].figures.values["trained"] if found else 0
                href = found["links"]["trained"] if found else ""
                label = link_label("trained", value, name)
                tiles.append(charts.Bar(name, value, href=href, link_label=label))
            section["map"] = charts.region_map(
                tiles, title=_("Map of the regions: people trained in the period")
            )
        sections.append(section)
    return sections


def _dashboard_context(request, params=None) -> dict:
    period, filters, error = _state(request, params)
    today = timezone.localdate()
    board = queries.dashboard(
        scope=request.register_scope, period=period, filters=filters, today=today
    )
    choices = _choices(request)
    return {
        "board": board,
        "period": period,
        "filters": filters,
        "period_error": error,
        "headline": _headline(board, filters),
        "sections": _sections(board, filters, choices["regions"]),
        "measure_labels": MEASURE_LABELS,
        "measure_headers": [MEASURE_LABELS[m] for m in queries.MEASURES],
        "definitions": definitions(),
        "choices": choices,
        "period_links": _period_links(period, filters, today),
        "kinds": ((CALENDAR, _("Calendar year")), (TIP, _("TIP year")), (RANGE, _("Date range"))),
        "national": request.register_scope.national,
        "filters_words": _filters_words(filters, choices, request.register_scope.national),
        "print_url": reverse("register_print"),
        "dashboard_url": _url("register_dashboard", period, filters),
        "export_fields": {**period.query(), **filters.as_dict()},
    }


_FRAGMENTS = ("top", "breakdowns")


def _dashboard_fragments(request, period, filters, error) -> dict[str, SafeString]:
    """The parts of the dashboard every reader of the scope sees the same, rendered once per
    state of the facts (summary.page_key): the figures, tables, charts and the filter form.
    Nothing personal is in them (the CSRF token and the reader's exports are outside)."""
    today = timezone.localdate()
    key = summary.page_key(
        request,
        scope=request.register_scope,
        period=period,
        filters=filters,
        error=error,
        today=today,
    )
    found = cache.get(key) if key else None
    if found is None:
        context = _dashboard_context(request, request.GET)
        found = {
            name: render_to_string(f"certificates/register/_dashboard_{name}.html", context)
            for name in _FRAGMENTS
        }
        if key:
            cache.set(key, found, summary.KEEP_SECONDS)
    return {name: mark_safe(found[name]) for name in _FRAGMENTS}  # rendered by our templates


@register_required
def dashboard(request):
    period, filters, error = _state(request)
    return render(
        request,
        "certificates/register/dashboard.html",
        {
            **_dashboard_fragments(request, period, filters, error),
            "export_fields": {**period.query(), **filters.as_dict()},
            "print_url": reverse("register_print"),
            # The reader's own exports only: nobody lists (or downloads) another's files.
            "recent_exports": RegisterExport.objects.requested_by(request.user)[:5],
        },
    )


@register_required
@require_POST
def print_request(request):
    """« Page imprimable »: a form button (POST, CSRF-checked) logs the printable page like the
    other exports, then leads to it. A GET writes nothing: another site cannot make a
    reader's browser fill the log."""
    period, filters, error = _state(request, request.POST)
    if error:
        messages.error(request, error)
        return redirect("register_dashboard")
    record = RegisterExport.objects.create(
        requested_by=request.user,
        format=RegisterExportFormat.PRINT,
        filters=stored_filters(period, filters, request.register_scope),
        status=RegisterExportStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    return redirect("register_print_page", export_id=record.pk)


@register_required
def print_view(request, export_id):
    """The printable page for the minister's file, for the period and filters logged by
    `print_request` (reloading it writes nothing), within the reader's current scope."""
    record = get_object_or_404(
        RegisterExport.objects.requested_by(request.user).filter(format=RegisterExportFormat.PRINT),
        pk=export_id,
    )
    context = _dashboard_context(request, record.filters)
    context["printed_at"] = timezone.localtime(record.created_at)
    return render(request, "certificates/register/print.html", context)


@register_required
def people(request):
    period, filters, error = _state(request)
    today = timezone.localdate()
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    scope = request.register_scope
    total, rows = queries.people_page(
        scope=scope, period=period, filters=filters, today=today, page=page_number, size=PAGE_SIZE
    )
    if not rows and page_number > 1:
        page_number = 1
        total, rows = queries.people_page(
            scope=scope, period=period, filters=filters, today=today, page=1, size=PAGE_SIZE
        )
    course_ids = sorted({cid for row in rows for cid in row.cells}, key=lambda c: (c is None, c))
    titles = queries.course_titles([c for c in course_ids if c is not None])
    courses = [(c, titles.get(c, "") if c is not None else _("No corresponding course"))
               for c in course_ids]  # fmt: skip
    choices = _choices(request)
    # A manager's people are counted under one of the institutions they manage.
    institution_names = dict(choices["institutions"])
    region_names = dict(choices["regions"])
    professions, sexes = dict(Profession.choices), dict(Sex.choices)
    table = [
        {
            "person": row,
            "institution": institution_names.get(row.institution_id, ""),
            "region": region_names.get(row.region_id, ""),
            "profession": professions.get(row.profession, ""),
            "sex": sexes.get(row.sex, ""),
            "cells": [row.cells.get(c) for c, _title in courses],
        }
        for row in rows
    ]
    paginator = Paginator(range(total), PAGE_SIZE)
    page = paginator.get_page(page_number)
    query = {**period.query(), **filters.as_dict()}
    return render(
        request,
        "certificates/register/people.html",
        {
            "period": period,
            "filters": filters,
            "period_error": error,
            "total": total,
            "table": table,
            "courses": courses,
            "page": page,
            "query": urlencode(query),
            "choices": choices,
            "measure_choices": [(m, MEASURE_LABELS[m]) for m in queries.LIST_MEASURES],
            "state_labels": STATE_LABELS,
            "kinds": (
                (CALENDAR, _("Calendar year")),
                (TIP, _("TIP year")),
                (RANGE, _("Date range")),
            ),
            "dashboard_url": _url(
                "register_dashboard",
                period,
                queries.Filters(**{**filters.__dict__, "q": "", "measure": ""}),
            ),
            "export_fields": query,
            "measure_label": MEASURE_LABELS.get(filters.measure, ""),
            "national": scope.national,
            "filters_words": _filters_words(filters, choices, scope.national),
        },
    )


@register_required
@require_POST
def export(request):
    """Log the export, then build the file in a task; the status page follows its progress."""
    fmt = request.POST.get("format")
    if fmt not in (RegisterExportFormat.XLSX, RegisterExportFormat.CSV):
        messages.error(request, _("Choose an export format: XLSX or CSV."))
        return redirect("register_dashboard")
    today = timezone.localdate()
    try:
        period = parse_period(request.POST, today)
    except PeriodError as problem:
        messages.error(request, problem.message)
        return redirect("register_dashboard")
    filters = filters_from(request.POST)
    with transaction.atomic():
        record = RegisterExport.objects.create(
            requested_by=request.user,
            format=fmt,
            filters={
                **stored_filters(period, filters, request.register_scope),
                # The file is written in the language of the page it was asked from.
                "language": get_language(),
            },
        )
        build_register_export_task.delay_on_commit(record.pk)
    return redirect("register_export_status", export_id=record.pk)


def _own_export(request, export_id) -> RegisterExport:
    """An export of the reader's own: anyone else's is a 404, superusers' included."""
    return get_object_or_404(RegisterExport.objects.requested_by(request.user), pk=export_id)


@register_required
def export_status(request, export_id):
    record = _own_export(request, export_id)
    if record.format == RegisterExportFormat.PRINT:
        raise Http404
    # Back to the dashboard of the period and filters exported (not the current year's).
    period, filters, _error = _state(request, record.filters)
    dashboard_filters = queries.Filters(**{**filters.__dict__, "q": "", "measure": ""})
    return render(
        request,
        "certificates/register/export_status.html",
        {
            "export": record,
            "running": record.status == RegisterExportStatus.PENDING,
            "dashboard_url": _url("register_dashboard", period, dashboard_filters),
            "period": period,
        },
    )


@register_required
def export_download(request, export_id):
    record = _own_export(request, export_id)
    if record.status != RegisterExportStatus.DONE or not record.file:
        raise Http404
    extension = "xlsx" if record.format == RegisterExportFormat.XLSX else "csv"
    name = f"registre-national-{record.created_at:%Y%m%d-%H%M}.{extension}"
    return private_file_response(record.file, filename=name)
