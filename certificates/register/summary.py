"""The dashboard's aggregates, computed once per state of the register's facts.

The figures change only when a certificate, an attendance, a training session, a membership,
an institution's region or a person's profession or sex changes — not when people read the
dashboard. Database triggers give `RegisterVersion` a new random token on each such write
(migration certificates/0008), whatever made it (a service, the admin, a bulk load), in the
writer's transaction. The aggregate query's rows (the cube and the course rows, a few hundred
cells) are kept in the cache under that token and the query's parameters (scope, period,
filters, today): a reader after the change finds no entry and computes them again, once.
Stock figures (certified, expiring, lapsed) depend on the day, which is in the key: a
certificate that expires overnight is counted as lapsed the next morning.

The dashboard page itself (its figures, tables, charts and filter choices, everything but the
reader's own exports and the form's CSRF token) is the same for every reader of one scope: its
rendered fragments are kept under the same token, the content version (course titles) and the
language (`page_key`), so a reader of an unchanged register costs a cache read, not a render.
The token follows the names the page shows too (institutions, regions: migration 0009).

A periodic task (`warm_register_dashboard`, every minute) computes the national dashboard of
the periods the page links to after a change, so the committee seldom waits for the query.
Without the triggers (tests run with --nomigrations) nothing is cached."""

from __future__ import annotations

import datetime
import hashlib
import json

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from certificates.models import RegisterVersion
from certificates.register.access import Scope
from certificates.register.periods import Period

KEEP_SECONDS = 24 * 3600


def version_token() -> str | None:
    """The token of the register's current facts (one query), None without the triggers."""
    return RegisterVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def _key(token: str, *, scope: Scope, period: Period, filters, today: datetime.date) -> str:
    parts = {
        "token": token,
        "scope": None if scope.national else sorted(scope.institution_ids),
        "period": [period.kind, period.start.isoformat(), period.end.isoformat()],
        "filters": filters.as_dict(),
        "today": today.isoformat(),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"register:aggregates:{digest}"


def page_key(request, *, scope: Scope, period: Period, filters, error: str, today) -> str | None:
    """The cache key of the dashboard's rendered fragments for this state of the facts and of
    the published courses, in the current language; None without the triggers."""
    from django.utils.translation import get_language

    from courses.cache import content_version

    token = version_token()
    if token is None:
        return None
    parts = {
        "token": token,
        "content": content_version(request),
        "language": get_language(),
        "scope": None if scope.national else sorted(scope.institution_ids),
        "period": [period.kind, period.start.isoformat(), period.end.isoformat()],
        "filters": filters.as_dict(),
        "error": str(error),
        "today": today.isoformat(),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"register:page:{digest}"


def aggregates(*, scope: Scope, period: Period, filters, today: datetime.date):
    """(cube rows, course rows) of `queries._aggregates`, from the cache when the facts have
    not changed since they were computed."""
    from certificates.register import queries

    def compute():
        builder = queries._Sql(scope=scope, period=period, filters=filters, today=today)
        return queries._aggregates(builder)

    token = version_token()
    if token is None:
        return compute()
    key = _key(token, scope=scope, period=period, filters=filters, today=today)
    found = cache.get(key)
    if found is not None:
        return found
    # Read the token before the facts: figures computed from newer facts than the token are
    # at worst recomputed once more; never older facts under a newer token.
    result = compute()
    cache.set(key, result, KEEP_SECONDS)
    return result


def warm(today: datetime.date | None = None) -> int:
    """Compute (or find) the national dashboard of the periods the page offers; the number
    of periods computed afresh."""
    from certificates.register import queries
    from certificates.register.periods import default_period

    today = today or timezone.localdate()
    tip_year = today.year if today.month >= 4 else today.year - 1
    periods = {
        default_period(today),
        Period.calendar(today.year),
        Period.calendar(today.year - 1),
        Period.tip(tip_year),
        Period.tip(tip_year - 1),
    }
    token = version_token()
    if token is None:
        return 0
    computed = 0
    national, filters = Scope(None), queries.Filters()
    for period in periods:
        key = _key(token, scope=national, period=period, filters=filters, today=today)
        if cache.get(key) is None:
            aggregates(scope=national, period=period, filters=filters, today=today)
            computed += 1
    return computed


@shared_task(name="certificates.warm_register_dashboard", ignore_result=True)
def warm_register_dashboard_task() -> int:
    return warm()
