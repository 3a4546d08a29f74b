"""The dashboard's aggregates are computed once per state of the facts, and follow every change
(certificates/register/summary.py): the hand-counted dataset of conftest.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import Certificate
from certificates.register.access import Scope
from certificates.register.periods import Period
from certificates.register.queries import Filters, dashboard
from certificates.register.summary import version_token, warm
from certificates.services import issue_manual_certificate, revoke_certificate
from people.models import User
from people.services import add_member
from tests.certificates.register.conftest import TODAY
from tests.factories import committee_member

pytestmark = pytest.mark.django_db

NATIONAL = Scope(None)


def _board(period, today=TODAY, **filters):
    with CaptureQueriesContext(connection) as captured:
        board = dashboard(scope=NATIONAL, period=period, filters=Filters(**filters), today=today)
    board.aggregated = any("primary_membership" in q["sql"] for q in captured.captured_queries)
    return board


def _totals(board) -> dict:
    return {"people": board.totals.people, **board.totals.values}


def _by_institution(board) -> dict:
    return {row.key: row.figures.people for row in board.breakdowns["institution"]}


def test_the_aggregate_query_runs_once_until_a_fact_changes(register_data):
    first = _board(Period.calendar(2026))
    again = _board(Period.calendar(2026))
    assert first.aggregated and not again.aggregated
    assert _totals(again) == _totals(first)
    # Another period, filter or day is another entry.
    assert _board(Period.calendar(2025)).aggregated
    assert _board(Period.calendar(2026), profession="juge").aggregated
    assert _board(Period.calendar(2026), today=TODAY + datetime.timedelta(days=1)).aggregated


def test_a_certificate_issued_then_revoked_moves_the_figures(register_data):
    today = timezone.localdate()
    period = Period.calendar(today.year)
    before = _totals(_board(period, today=today))
    signatory = committee_member()
    certificate = issue_manual_certificate(
        holder=register_data.p6,
        course=register_data.course_b,
        issued_by=signatory,
        reason="Atelier",
    )
    issued = _board(period, today=today)
    assert issued.aggregated
    assert _totals(issued)["issued"] == before["issued"] + 1
    assert _totals(issued)["trained"] == before["trained"] + 1

    revoke_certificate(certificate=certificate, revoked_by=signatory, reason="Erreur de saisie")
    revoked = _board(period, today=today)
    assert revoked.aggregated
    assert _totals(revoked) == before


def test_a_certificate_that_expires_is_lapsed_the_next_day(register_data):
    # p2's certificate is valid until 01/09/2026, its last day.
    period = Period.calendar(2026)
    on_last_day = _totals(_board(period, today=datetime.date(2026, 9, 1)))
    day_after = _totals(_board(period, today=datetime.date(2026, 9, 2)))
    assert day_after["certified"] == on_last_day["certified"] - 1
    assert day_after["lapsed"] == on_last_day["lapsed"] + 1


def test_a_membership_change_moves_the_person_to_their_institution(register_data):
    period = Period.calendar(2026)
    i1 = str(register_data.i1.pk)
    before = _by_institution(_board(period))
    assert (before[i1], before["none"]) == (3, 1)  # p1, p2, p5; p7
    add_member(user=register_data.p7, institution=register_data.i1)
    after = _by_institution(_board(period))
    assert (after[i1], after.get("none", 0)) == (4, 0)


def test_any_write_to_a_counted_fact_changes_the_token_and_others_do_not(register_data):
    token = version_token()
    User.objects.filter(pk=register_data.p6.pk).update(last_login=timezone.now())
    assert version_token() == token  # signing in counts nothing
    User.objects.filter(pk=register_data.p6.pk).update(profession="juge")
    assert version_token() != token
    token = version_token()
    Certificate.objects.filter(holder=register_data.p2).update(valid_until=TODAY)  # bulk write
    assert version_token() != token


def test_warming_computes_the_periods_the_page_offers_once(register_data):
    assert warm(TODAY) == 4  # this calendar year (the default), last year, two TIP years
    assert warm(TODAY) == 0
    assert not _board(Period.calendar(2026)).aggregated
