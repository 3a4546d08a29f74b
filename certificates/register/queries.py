"""Every figure of the register, aggregated by the database in a constant number of queries.

The SQL is written once, as common table expressions shared by the dashboard, the list and the
exports (see `definitions.py` for what each figure means):

- `scope`: one row per person in the register, with the institution they are counted under
  (their oldest active learner membership by creation date, the lower id breaking a tie; among
  the managed institutions for a manager);
- `fact`: one row per training event (a certificate that is not revoked — superseded from the
  day its replacement was issued, unless that replacement was revoked —, an attendance at an
  in-person session without a certificate), with the register list also the enrolments in
  progress and the overdue assignments;
- `person_course`: the facts rolled up per person and course, for the period, the previous period
  and their reference days (when the stock figures are taken);
- `person`: rolled up per person, so that each person counts once in the totals.

The dashboard reads a small cube (institution × region × profession × sex) and the course rows,
then sums the cube's cells in Python: a few hundred cells, never one row per person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection

from certificates.models import Attendance, Certificate, TrainingSession
from certificates.register.access import Scope
from certificates.register.periods import Period
from courses.models import Assignment, Enrolment, EnrolmentStatus, ModuleCompletion
from people.choices import MembershipRole, MembershipStatus
from people.models import Cohort, Institution, Membership, User

EXPIRING_DAYS = 90
NONE = "none"  # filter value for "not recorded" (no profession, sex, institution, region, course)

# The figures of one period, in display order.
FLOW_MEASURES = ("trained", "trained_online", "trained_in_person", "issued")
STOCK_MEASURES = ("certified", "expiring", "lapsed")
MEASURES = FLOW_MEASURES + STOCK_MEASURES
# Measures the register list can be filtered on ("drill-down").
LIST_MEASURES = (*MEASURES, "in_progress", "overdue")
DIMENSIONS = ("profession", "institution", "region", "sex", "course")


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@dataclass(frozen=True)
class Filters:
    """Attribute filters of the dashboard, the list and the exports (strings as in the URL)."""

    profession: str = ""
    sex: str = ""
    institution: str = ""
    region: str = ""
    course: str = ""
    q: str = ""
    measure: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class Figures:
    people: int = 0
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    previous: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    def add(self, other: Figures) -> None:
        self.people += other.people
        for name in MEASURES:
            self.values[name] += other.values[name]
            self.previous[name] += other.previous[name]


@dataclass
class BreakdownRow:
    key: str  # the filter value that drills down to these people
    label: str
    figures: Figures


@dataclass
class Dashboard:
    period: Period
    previous_period: Period
    day: datetime.date
    previous_day: datetime.date
    totals: Figures
    breakdowns: dict[str, list[BreakdownRow]]


class _Sql:
    """Builds the common table expressions for a scope, a period and filters."""

    def __init__(
        self,
        *,
        scope: Scope,
        period: Period,
        filters: Filters,
        today: datetime.date,
        viewer_id: int | None = None,
        with_progress: bool = False,
    ):
        self.scope, self.filters, self.with_progress = scope, filters, with_progress
        previous = period.previous()
        day, previous_day = period.reference_day(today), previous.reference_day(today)
        self.params: dict = {
            "start": period.start,
            "end": period.end,
            "day": day,
            "soon": day + datetime.timedelta(days=EXPIRING_DAYS),
            "p_start": previous.start,
            "p_end": previous.end,
            "p_day": previous_day,
            "p_soon": previous_day + datetime.timedelta(days=EXPIRING_DAYS),
            "today": today,
            "learner": MembershipRole.LEARNER,
            "active": MembershipStatus.ACTIVE,
        }

    def _in(self, name: str, values) -> str:
        """`IN (%(name_0)s, …)` with one parameter per value (never an empty list)."""
        keys = []
        for index, value in enumerate(values or [0]):
            self.params[f"{name}_{index}"] = value
            keys.append(f"%({name}_{index})s")
        return f"IN ({', '.join(keys)})"

    def _scope(self) -> str:
        where = []
        membership_filter = ""
        if not self.scope.national:
            membership_filter = "AND m.institution_id " + self._in(
                "inst", self.scope.institution_ids
            )
            where.append("pm.id IS NOT NULL")
        else:
            # Everyone with an institution, plus whoever holds a certificate or attended a
            # session without one (counted under "no institution").
            where.append(
                f"(pm.id IS NOT NULL OR u.id IN (SELECT holder_id FROM {_t(Certificate)} "
                f"WHERE revoked_at IS NULL) OR u.id IN (SELECT person_id FROM {_t(Attendance)}))"
            )
        f = self.filters
        for name, column in (("profession", "u.profession"), ("sex", "u.sex")):
            value = getattr(f, name)
            if value:
                self.params[name] = "" if value == NONE else value
                where.append(f"{column} = %({name})s")
        for name, column in (("institution", "pm.institution_id"), ("region", "i.region_id")):
            value = getattr(f, name)
            if value == NONE:
                where.append(f"{column} IS NULL")
            elif value:
                self.params[name] = int(value)
                where.append(f"{column} = %({name})s")
        if f.q:
            self.params["q"] = f"%{f.q.lower()}%"
            where.append(
                "(LOWER(u.full_name) LIKE %(q)s OR LOWER(u.matricule) LIKE %(q)s "
                "OR LOWER(u.email) LIKE %(q)s)"
            )
        return f"""
        primary_membership AS (
            SELECT ranked.user_id, ranked.membership_id FROM (
                SELECT m.user_id, m.id AS membership_id, ROW_NUMBER() OVER (
                    PARTITION BY m.user_id ORDER BY m.created_at, m.id) AS rn
                FROM {_t(Membership)} m
                WHERE m.role = %(learner)s AND m.status = %(active)s {membership_filter}
            ) ranked WHERE ranked.rn = 1
        ),
        scope AS (
            SELECT u.id AS person_id, u.full_name, u.email, u.matricule, u.profession, u.sex,
                   pm.institution_id, i.region_id
            FROM {_t(User)} u
            LEFT JOIN primary_membership pmm ON pmm.user_id = u.id
            LEFT JOIN {_t(Membership)} pm ON pm.id = pmm.membership_id
            LEFT JOIN {_t(Institution)} i ON i.id = pm.institution_id
            WHERE {" AND ".join(where)}
        )"""

    def _course_filter(self, column: str) -> str:
        course = self.filters.course
        if course == NONE:
            return f"AND {column} IS NULL"
        if course:
            self.params["course"] = int(course)
            return f"AND {column} = %(course)s"
        return ""

    def _facts(self) -> str:
        parts = [
            f"""SELECT c.holder_id AS person_id, c.course_id, c.issued_on AS day,
                   CASE WHEN c.enrolment_id IS NULL THEN 0 ELSE 1 END AS online,
                   1 AS certificate, c.valid_until, nxt.issued_on AS replaced_on,
                   0 AS in_progress, CAST(NULL AS DATE) AS due_on
            FROM {_t(Certificate)} c
            LEFT JOIN {_t(Certificate)} nxt
                ON nxt.id = c.superseded_by_id AND nxt.revoked_at IS NULL
            WHERE c.revoked_at IS NULL {self._course_filter("c.course_id")}""",
            f"""SELECT a.person_id, s.course_id, s.ends_on, 0, 0, NULL, NULL, 0, NULL
            FROM {_t(Attendance)} a JOIN {_t(TrainingSession)} s ON s.id = a.session_id
            WHERE a.certificate_id IS NULL {self._course_filter("s.course_id")}""",
        ]
        if self.with_progress:
            self.params["statuses_open"] = EnrolmentStatus.IN_PROGRESS
            self.params["statuses_new"] = EnrolmentStatus.ENROLLED
            self.params["completed"] = EnrolmentStatus.COMPLETED
            cohort_members = _t(Cohort.members.through)
            assignment_people = _t(Assignment.people.through)
            course_filter = self._course_filter("a.course_id")
            parts += [
                f"""SELECT e.user_id, e.course_id, NULL, 0, 0, NULL, NULL, 1, NULL
                FROM {_t(Enrolment)} e
                WHERE e.status IN (%(statuses_open)s, %(statuses_new)s)
                {self._course_filter("e.course_id")}""",
                # Assigned (to one of their active cohorts or by name), due before today and
                # not done: the course not completed, or the assigned module not completed.
                f"""SELECT x.user_id, a.course_id, NULL, 0, 0, NULL, NULL, 0, a.due_on
                FROM {_t(Assignment)} a
                JOIN (
                    SELECT cm.user_id, a2.id AS assignment_id FROM {_t(Assignment)} a2
                    JOIN {_t(Cohort)} co ON co.id = a2.cohort_id AND co.archived_at IS NULL
                    JOIN {cohort_members} cm ON cm.cohort_id = co.id
                    UNION
                    SELECT ap.user_id, ap.assignment_id FROM {assignment_people} ap
                ) x ON x.assignment_id = a.id
                WHERE a.due_on < %(today)s {course_filter}
                AND NOT EXISTS (
                    SELECT 1 FROM {_t(Enrolment)} e WHERE e.user_id = x.user_id
                    AND e.course_id = a.course_id AND e.status = %(completed)s
                    AND a.module_id IS NULL)
                AND NOT EXISTS (
                    SELECT 1 FROM {_t(ModuleCompletion)} mc WHERE mc.user_id = x.user_id
                    AND mc.module_id = a.module_id)""",
            ]
        return "fact AS (\n" + "\nUNION ALL\n".join(parts) + "\n)"

    @staticmethod
    def _period_columns(p: str) -> str:
        """Per person and course, for the period (p="") or the previous one (p="p_")."""
        valid = (
            f"f.certificate = 1 AND f.day <= %({p}day)s "
            f"AND (f.valid_until IS NULL OR f.valid_until >= %({p}day)s) "
            f"AND (f.replaced_on IS NULL OR f.replaced_on > %({p}day)s)"
        )
        in_period = f"f.day BETWEEN %({p}start)s AND %({p}end)s"
        return f"""
            MAX(CASE WHEN {in_period} THEN 1 ELSE 0 END) AS {p}trained,
            MAX(CASE WHEN {in_period} AND f.online = 1 THEN 1 ELSE 0 END) AS {p}trained_online,
            MAX(CASE WHEN {in_period} AND f.online = 0 THEN 1 ELSE 0 END) AS {p}trained_in_person,
            SUM(CASE WHEN {in_period} AND f.certificate = 1 THEN 1 ELSE 0 END) AS {p}issued,
            MAX(CASE WHEN f.certificate = 1 AND f.day <= %({p}day)s THEN 1 ELSE 0 END) AS {p}held,
            MAX(CASE WHEN {valid} THEN 1 ELSE 0 END) AS {p}certified,
            MAX(CASE WHEN {valid} AND f.valid_until IS NULL THEN 1 ELSE 0 END) AS {p}open_ended,
            MAX(CASE WHEN {valid} THEN f.valid_until END) AS {p}valid_until"""

    @staticmethod
    def _stock_columns(p: str, source: str = "pc") -> str:
        """Expiring and lapsed for one person-course row (used summed or maxed)."""
        return f"""
            CASE WHEN {source}.{p}certified = 1 AND {source}.{p}open_ended = 0
                 AND {source}.{p}valid_until <= %({p}soon)s THEN 1 ELSE 0 END AS {p}expiring,
            CASE WHEN {source}.{p}held = 1 AND {source}.{p}certified = 0 THEN 1 ELSE 0 END
                AS {p}lapsed"""

    def ctes(self) -> str:
        scope = self._scope()
        facts = self._facts()
        extra = ""
        if self.with_progress:
            extra = """,
            MAX(f.in_progress) AS in_progress,
            MIN(f.due_on) AS overdue_since,
            MAX(CASE WHEN f.day <= %(day)s THEN f.day END) AS last_day,
            MAX(CASE WHEN f.certificate = 1 AND f.day <= %(day)s AND f.valid_until < %(day)s
                     THEN f.valid_until END) AS expired_on"""
        return f"""WITH {scope},
        {facts},
        course_fact AS (
            SELECT f.person_id, f.course_id, {self._period_columns("")},
            {self._period_columns("p_")}{extra}
            FROM fact f WHERE f.person_id IN (SELECT person_id FROM scope)
            GROUP BY f.person_id, f.course_id
        ),
        person_course AS (
            SELECT pc.*, {self._stock_columns("")}, {self._stock_columns("p_")}
            FROM course_fact pc
        ),
        person AS (
            SELECT person_id,
                {
            ", ".join(
                f"MAX({p}{m}) AS {p}{m}" for p in ("", "p_") for m in MEASURES if m != "issued"
            )
        },
                SUM(issued) AS issued, SUM(p_issued) AS p_issued
            FROM person_course GROUP BY person_id
        )"""


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_ALL = [f"{p}{m}" for p in ("", "p_") for m in MEASURES]


def _figures(row: tuple, offset: int) -> Figures:
    people, *values = row[offset:]
    figures = Figures(people=people or 0)
    for index, name in enumerate(_ALL):
        target = figures.values if index < len(MEASURES) else figures.previous
        target[name.removeprefix("p_")] = int(values[index] or 0)
    return figures


def _aggregates(builder: _Sql) -> tuple[list[tuple], list[tuple]]:
    """The cube (institution × region × profession × sex) and the course rows, in one query:
    the common expressions are computed once for both."""
    cube_columns = ", ".join(f"SUM(COALESCE(p.{name}, 0))" for name in _ALL)
    course_columns = ", ".join(f"SUM(pc.{name})" for name in _ALL)
    sql = f"""{builder.ctes()}
        SELECT 0, sc.institution_id, sc.region_id, sc.profession, sc.sex, NULL, COUNT(*),
               {cube_columns}
        FROM scope sc LEFT JOIN person p ON p.person_id = sc.person_id
        GROUP BY sc.institution_id, sc.region_id, sc.profession, sc.sex
        UNION ALL
        SELECT 1, NULL, NULL, NULL, NULL, pc.course_id, COUNT(*), {course_columns}
        FROM person_course pc GROUP BY pc.course_id"""
    rows = _rows(sql, builder.params)
    return [r[1:5] + r[6:] for r in rows if r[0] == 0], [r[5:] for r in rows if r[0] == 1]


def _labels(model, ids, field_name="name") -> dict:
    ids = [i for i in ids if i is not None]
    return dict(model.objects.filter(pk__in=ids).values_list("pk", field_name)) if ids else {}


def course_titles(course_ids) -> dict[int, str]:
    """Course titles in the current language (the canonical page's translation when it has
    one), in two queries."""
    from django.utils.translation import get_language
    from wagtail.models import Page

    ids = [i for i in course_ids if i is not None]
    if not ids:
        return {}
    pages = list(Page.objects.filter(pk__in=ids).values_list("pk", "title", "translation_key"))
    translated = dict(
        Page.objects.filter(
            translation_key__in=[key for _pk, _title, key in pages],
            locale__language_code=(get_language() or "fr")[:2],
        ).values_list("translation_key", "title")
    )
    return {pk: translated.get(key, title) for pk, title, key in pages}


def dashboard(*, scope: Scope, period: Period, filters: Filters, today: datetime.date) -> Dashboard:
    """Headline figures and breakdowns: the version token, the aggregate query (unless the
    cache holds its rows for this state of the facts) and four label lookups."""
    from django.utils.translation import gettext as _

    from certificates.register import summary
    from people.choices import Profession, Sex
    from people.models import Region

    filters = Filters(**{**filters.__dict__, "q": "", "measure": ""})
    # Computed once per state of the facts (certificates/register/summary.py).
    cube, courses = summary.aggregates(scope=scope, period=period, filters=filters, today=today)

    totals = Figures()
    groups: dict[str, dict] = {name: {} for name in DIMENSIONS}
    for row in cube:
        institution_id, region_id, profession, sex = row[:4]
        cell = _figures(row, 4)
        totals.add(cell)
        for name, key in (
            ("institution", institution_id),
            ("region", region_id),
            ("profession", profession or None),
            ("sex", sex or None),
        ):
            groups[name].setdefault(key, Figures()).add(cell)
    for row in courses:
        groups["course"][row[0]] = _figures(row, 1)

    not_recorded = _("Not recorded")
    labels = {
        "institution": _labels(Institution, groups["institution"]),
        "region": _labels(Region, groups["region"]),
        "profession": {k: str(v) for k, v in Profession.choices},
        "sex": {k: str(v) for k, v in Sex.choices},
        "course": course_titles(groups["course"]),
    }
    breakdowns = {}
    for name in DIMENSIONS:
        rows = [
            BreakdownRow(
                key=NONE if key is None else str(key),
                label=(
                    _("No corresponding course")
                    if name == "course" and key is None
                    else labels[name].get(key, not_recorded)
                    if key is not None
                    else not_recorded
                ),
                figures=figures,
            )
            for key, figures in groups[name].items()
        ]
        rows.sort(key=lambda r: (r.key == NONE, -r.figures.values["trained"], r.label))
        breakdowns[name] = rows
    previous = period.previous()
    return Dashboard(
        period=period,
        previous_period=previous,
        day=period.reference_day(today),
        previous_day=previous.reference_day(today),
        totals=totals,
        breakdowns=breakdowns,
    )


# --- The register list: one row per person, one cell per course -----------------------------


@dataclass
class CourseCell:
    course_id: int | None
    trained: bool
    certified: bool
    expiring: bool
    lapsed: bool
    in_progress: bool
    last_day: datetime.date | None
    valid_until: datetime.date | None
    open_ended: bool
    expired_on: datetime.date | None
    overdue_since: datetime.date | None

    @property
    def state(self) -> str:
        if self.certified:
            return "expiring" if self.expiring else "certified"
        if self.lapsed:
            return "lapsed"
        if self.overdue_since:
            return "overdue"
        if self.in_progress:
            return "in_progress"
        if self.last_day:
            return "attended"
        return ""


@dataclass
class PersonRow:
    person_id: int
    full_name: str
    email: str
    matricule: str
    profession: str
    sex: str
    institution_id: int | None
    region_id: int | None
    trained: bool
    cells: dict[int | None, CourseCell] = field(default_factory=dict)


def _measure_condition(measure: str) -> str:
    if measure in ("in_progress", "overdue"):
        column = "in_progress" if measure == "in_progress" else "overdue_since"
        test = "= 1" if measure == "in_progress" else "IS NOT NULL"
        return f"sc.person_id IN (SELECT person_id FROM course_fact WHERE {column} {test})"
    if measure in MEASURES:
        test = "> 0" if measure == "issued" else "= 1"
        return f"p.{measure} {test}"
    return "1 = 1"


_CELL_COLUMNS = (
    "pc.course_id, pc.trained, pc.certified, pc.expiring, pc.lapsed, pc.in_progress, "
    "pc.last_day, pc.valid_until, pc.open_ended, pc.expired_on, pc.overdue_since"
)


def _to_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _cell(values: tuple) -> CourseCell:
    (course_id, trained, certified, expiring, lapsed, in_progress, last_day, valid_until,
     open_ended, expired_on, overdue_since) = values  # fmt: skip
    return CourseCell(
        course_id=course_id,
        trained=bool(trained),
        certified=bool(certified),
        expiring=bool(expiring),
        lapsed=bool(lapsed),
        in_progress=bool(in_progress),
        last_day=_to_date(last_day),
        valid_until=_to_date(valid_until),
        open_ended=bool(open_ended),
        expired_on=_to_date(expired_on),
        overdue_since=_to_date(overdue_since),
    )


def _people_sql(builder: _Sql, *, limit: int | None, offset: int = 0) -> str:
    condition = _measure_condition(builder.filters.measure)
    page = ""
    if limit is not None:
        builder.params.update(limit=limit, offset=offset)
        page = "LIMIT %(limit)s OFFSET %(offset)s"
    return f"""{builder.ctes()},
        chosen AS (
            SELECT sc.*, COALESCE(p.trained, 0) AS trained_in_period
            FROM scope sc LEFT JOIN person p ON p.person_id = sc.person_id
            WHERE {condition}
        ),
        page AS (
            SELECT chosen.*, COUNT(*) OVER () AS total FROM chosen
            ORDER BY LOWER(chosen.full_name), chosen.email, chosen.person_id {page}
        )
        SELECT page.person_id, page.full_name, page.email, page.matricule, page.profession,
               page.sex, page.institution_id, page.region_id, page.trained_in_period,
               page.total, {_CELL_COLUMNS}
        FROM page LEFT JOIN person_course pc ON pc.person_id = page.person_id
        ORDER BY LOWER(page.full_name), page.email, page.person_id, pc.course_id"""


def iter_people(
    *,
    scope: Scope,
    period: Period,
    filters: Filters,
    today: datetime.date,
    limit: int | None = None,
    offset: int = 0,
    chunk_size: int = 2000,
):
    """Yields (total, PersonRow) in name order, one query whatever the number of people (read
    in chunks, so an export of every row does not hold them all at once)."""
    builder = _Sql(scope=scope, period=period, filters=filters, today=today, with_progress=True)
    sql = _people_sql(builder, limit=limit, offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, builder.params)
        current: PersonRow | None = None
        total = 0
        while rows := cursor.fetchmany(chunk_size):
            for row in rows:
                person_id = row[0]
                if current is None or current.person_id != person_id:
                    if current is not None:
                        yield total, current
                    total = row[9]
                    current = PersonRow(*row[:8], trained=bool(row[8]))
                if row[10] is not None or row[11] is not None:
                    cell = _cell(row[10:])
                    current.cells[cell.course_id] = cell
        if current is not None:
            yield total, current


def people_page(
    *, scope: Scope, period: Period, filters: Filters, today: datetime.date, page: int, size: int
) -> tuple[int, list[PersonRow]]:
    """(number of matching people, the rows of `page`) in one query."""
    rows = list(
        iter_people(
            scope=scope,
            period=period,
            filters=filters,
            today=today,
            limit=size,
            offset=(page - 1) * size,
        )
    )
    if not rows:
        return 0, []
    return rows[0][0], [row for _total, row in rows]


def count_people(*, scope: Scope, period: Period, filters: Filters, today: datetime.date) -> int:
    builder = _Sql(scope=scope, period=period, filters=filters, today=today, with_progress=True)
    condition = _measure_condition(filters.measure)
    sql = f"""{builder.ctes()}
        SELECT COUNT(*) FROM scope sc LEFT JOIN person p ON p.person_id = sc.person_id
        WHERE {condition}"""
    return _rows(sql, builder.params)[0][0]
