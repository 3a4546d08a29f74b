"""Reporting periods: a calendar year, a TIP reporting year (1 April–31 March) or a date range.

Convention: "TIP year 2026" is 1 April 2026 – 31 March 2027 (the year it starts in); labels always
spell the two years out ("2026-2027") so nobody has to remember the convention."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

CALENDAR, TIP, RANGE = "calendar", "tip", "range"
KINDS = (CALENDAR, TIP, RANGE)
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_RANGE_DAYS = 366 * 10


class PeriodError(ValueError):
    """Bad period in the query string; `message` is shown to the user (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date
    year: int | None = None

    @classmethod
    def calendar(cls, year: int) -> Period:
        return cls(CALENDAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31), year)

    @classmethod
    def tip(cls, year: int) -> Period:
        return cls(TIP, datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31), year)

    @classmethod
    def range(cls, start: datetime.date, end: datetime.date) -> Period:
        return cls(RANGE, start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        if self.kind == CALENDAR:
            return Period.calendar(self.year - 1)
        if self.kind == TIP:
            return Period.tip(self.year - 1)
        end = self.start - datetime.timedelta(days=1)
        return Period.range(end - datetime.timedelta(days=self.days - 1), end)

    def reference_day(self, today: datetime.date) -> datetime.date:
        """The day the stock figures (certified, expiring, lapsed) are taken on: the period's
        last day, or today for a period that has not ended."""
        return min(self.end, today)

    def label(self) -> str:
        if self.kind == CALENDAR:
            return _("Calendar year %(year)s") % {"year": self.year}
        dates = {"start": self.start.strftime("%d/%m/%Y"), "end": self.end.strftime("%d/%m/%Y")}
        if self.kind == TIP:
            return _("TIP year %(first)s-%(second)s (%(start)s – %(end)s)") % {
                "first": self.year,
                "second": self.year + 1,
                **dates,
            }
        return _("%(start)s – %(end)s") % dates

    def query(self) -> dict[str, str]:
        if self.kind == RANGE:
            return {"period": RANGE, "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.kind, "year": str(self.year)}


def _year(value: str | None, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        year = int(value)
    except ValueError:
        raise PeriodError(_("The year must be a number, e.g. 2026.")) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return year


def _day(value: str | None, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        raise PeriodError(
            _("The %(what)s date is missing or not a date (expected YYYY-MM-DD).") % {"what": what}
        ) from None


def default_period(today: datetime.date) -> Period:
    return Period.calendar(today.year)


def parse_period(params, today: datetime.date) -> Period:
    """The period asked for in `params` (a QueryDict or a dict); raises PeriodError."""
    kind = params.get("period") or CALENDAR
    if kind not in KINDS:
        raise PeriodError(_("Unknown period: choose a calendar year, a TIP year or a date range."))
    if kind == CALENDAR:
        return Period.calendar(_year(params.get("year"), today.year))
    if kind == TIP:
        current_tip_year = today.year if today.month >= 4 else today.year - 1
        return Period.tip(_year(params.get("year"), current_tip_year))
    start = _day(params.get("start"), _("start"))
    end = _day(params.get("end"), _("end"))
    if end < start:
        raise PeriodError(_("The end date is before the start date."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise PeriodError(_("A date range may cover ten years at most."))
    if start.year < MIN_YEAR or end.year > MAX_YEAR:
        raise PeriodError(
            _("Dates must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return Period.range(start, end)
