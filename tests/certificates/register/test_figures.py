"""The dashboard's figures equal the ones counted by hand on the dataset of conftest.py."""

import datetime

import pytest
from django.utils import translation

from certificates.register.access import Scope
from certificates.register.periods import Period
from certificates.register.queries import Filters, dashboard
from tests.certificates.register.conftest import TODAY

pytestmark = pytest.mark.django_db

NATIONAL = Scope(None)


def _board(period, *, scope=NATIONAL, today=TODAY, **filters):
    return dashboard(scope=scope, period=period, filters=Filters(**filters), today=today)


def _figures(figures) -> dict:
    return {"people": figures.people, **figures.values}


def _by(board, dimension) -> dict:
    return {row.label: row.figures.values["trained"] for row in board.breakdowns[dimension]}


def test_calendar_year_counts_each_person_once_revoked_never_superseded_once(register_data):
    board = _board(Period.calendar(2026))
    assert _figures(board.totals) == {
        "people": 7,
        "trained": 4,  # p1 (online and session: once), p2, p4 (refresher), p5
        "trained_online": 1,  # p1
        "trained_in_person": 4,  # p1, p2, p4, p5
        "issued": 3,  # p1, p2, p4's refresher; p3's revoked certificate is not counted
        "certified": 4,  # p1, p2, p4 (refresher), p7; p4's old one is superseded
        "expiring": 1,  # p2, valid until 01/09/2026
        "lapsed": 1,  # p3
    }
    assert board.day == TODAY


def test_previous_calendar_year_is_taken_on_its_last_day(register_data):
    board = _board(Period.calendar(2026))
    assert board.totals.previous == {
        "trained": 2,  # p4 (01/02/2025), p7 (31/12/2025)
        "trained_online": 2,
        "trained_in_person": 0,
        "issued": 2,
        "certified": 3,  # on 31/12/2025: p3 (until 09/01/2026), p4's first one, p7
        "expiring": 1,  # p3 expires within 90 days of 31/12/2025
        "lapsed": 0,
    }
    assert board.totals.previous == _board(Period.calendar(2025)).totals.values


def test_tip_year_starts_on_the_first_of_april(register_data):
    board = _board(Period.tip(2026))  # 01/04/2026 - 31/03/2027
    assert board.period.start == datetime.date(2026, 4, 1)
    values = board.totals.values
    # 31 March (p1's certificate, p5's session) belongs to the previous TIP year; p2's
    # certificate of 1 April to this one, with p1's session and p4's refresher.
    assert (values["trained"], values["trained_online"], values["trained_in_person"]) == (3, 0, 3)
    assert values["issued"] == 2

    previous = _board(Period.tip(2025)).totals.values  # 01/04/2025 - 31/03/2026
    assert previous == board.totals.previous
    assert (previous["trained"], previous["trained_online"], previous["trained_in_person"]) == (
        4,  # p1 (31/03), p4 (session 15/02), p5 (session 31/03), p7
        2,
        2,
    )
    assert (previous["certified"], previous["expiring"], previous["lapsed"]) == (3, 0, 1)


def test_a_certificate_is_valid_through_its_last_day(register_data):
    on_last_day = _board(Period.range(datetime.date(2026, 1, 1), datetime.date(2026, 1, 9)))
    day_after = _board(Period.range(datetime.date(2026, 1, 1), datetime.date(2026, 1, 10)))
    # p3's certificate ends on 09/01/2026.
    assert on_last_day.totals.values["certified"] == day_after.totals.values["certified"] + 1
    assert on_last_day.totals.values["lapsed"] == 0
    assert day_after.totals.values["lapsed"] == 1


def test_expiring_means_ending_within_ninety_days_of_the_reference_day(register_data):
    # p2's certificate ends on 01/09/2026: 90 days after 03/06/2026, 91 after 02/06/2026.
    start = datetime.date(2026, 4, 1)
    inside = _board(Period.range(start, datetime.date(2026, 6, 3)))
    outside = _board(Period.range(start, datetime.date(2026, 6, 2)))
    assert inside.totals.values["expiring"] == 1
    assert outside.totals.values["expiring"] == 0


def test_a_superseded_certificate_stops_counting_on_the_day_its_refresher_is_issued(
    register_data,
):
    before = _board(Period.range(datetime.date(2026, 5, 1), datetime.date(2026, 5, 9)))
    after = _board(Period.range(datetime.date(2026, 5, 1), datetime.date(2026, 5, 10)))
    assert before.totals.values["certified"] == after.totals.values["certified"]
    by_course = {r.label: r.figures.values for r in after.breakdowns["course"]}
    assert by_course["Cours A"]["issued"] == 1  # the refresher, once


def test_a_revoked_certificate_never_counts_even_before_its_revocation(register_data):
    board = _board(Period.calendar(2026), course=str(register_data.course_b.pk))
    # Course B in 2026: p1's, p4's and p5's sessions; p3's revoked certificate counts nowhere.
    assert board.totals.values["trained"] == 3
    assert board.totals.values["issued"] == 0
    police = next(r for r in board.breakdowns["profession"] if r.key == "policier")
    assert set(police.figures.values.values()) == {0}  # p3: neither trained, held nor lapsed


def test_breakdowns_add_up_to_the_totals(register_data):
    with translation.override("en"):
        board = _board(Period.calendar(2026))
    assert _by(board, "institution") == {"Tribunal I1": 3, "Brigade I2": 1, "Not recorded": 0}
    assert _by(board, "region") == {"District de Bamako": 3, "Kayes": 1, "Not recorded": 0}
    assert _by(board, "sex") == {"Female": 2, "Male": 1, "Not recorded": 1}
    assert _by(board, "profession") == {
        "Judge": 2,
        "Prosecutor / deputy prosecutor": 1,
        "Gendarme": 1,
        "Police officer": 0,
        "Other": 0,
    }
    people = {row.label: row.figures.people for row in board.breakdowns["institution"]}
    assert people == {"Tribunal I1": 3, "Brigade I2": 3, "Not recorded": 1}
    by_course = {r.label: r.figures.values for r in board.breakdowns["course"]}
    assert by_course["Cours A"]["trained"] == 3 and by_course["Cours A"]["lapsed"] == 1
    assert by_course["Cours B"]["trained"] == 3 and by_course["Cours B"]["certified"] == 1


def test_e_learning_and_in_person_are_counted_together_and_separately(register_data):
    board = _board(Period.calendar(2026))
    values = board.totals.values
    # p1 was trained both ways: in both columns, once in the total.
    assert values["trained_online"] + values["trained_in_person"] == values["trained"] + 1


def test_filters_narrow_every_figure(register_data):
    board = _board(Period.calendar(2026), region=str(register_data.kayes.pk))
    assert board.totals.people == 3
    assert board.totals.values["trained"] == 1
    assert _board(Period.calendar(2026), sex="none").totals.people == 1
    assert _board(Period.calendar(2026), institution="none").totals.people == 1


def test_a_manager_counts_only_the_people_of_their_institutions(register_data):
    board = _board(Period.calendar(2026), scope=Scope((register_data.i2.pk,)))
    # p3, p4, p6 and p5 (also a member of I2, counted there for this manager).
    assert board.totals.people == 4
    assert board.totals.values["trained"] == 2  # p4, p5
    assert {row.label for row in board.breakdowns["institution"]} == {"Brigade I2"}


def _person(name: str, *, scope=NATIONAL, period=None, today=TODAY):
    from certificates.register.queries import iter_people

    rows = [
        row
        for _total, row in iter_people(
            scope=scope,
            period=period or Period.calendar(2026),
            filters=Filters(q=name),
            today=today,
        )
    ]
    assert len(rows) == 1
    return rows[0]


def test_a_person_is_counted_under_the_oldest_membership_when_ids_and_dates_disagree(
    register_data,
):
    from people.models import Membership

    d = register_data
    # p5's membership of I2 was made after the one of I1 (higher id) but is older: imported,
    # or back-dated. The oldest one counts, not the lowest id.
    later = Membership.objects.get(user=d.p5, institution=d.i2)
    Membership.objects.filter(pk=later.pk).update(
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    first = Membership.objects.get(user=d.p5, institution=d.i1)
    assert first.pk < later.pk
    row = _person("P5 Juge")
    assert (row.institution_id, row.region_id) == (d.i2.pk, d.kayes.pk)
    board = _board(Period.calendar(2026))
    by_institution = {r.label: r.figures.people for r in board.breakdowns["institution"]}
    assert by_institution == {"Tribunal I1": 2, "Brigade I2": 4, "Non renseigné": 1}
    # A manager of I1 only still counts p5, under I1 (the oldest among the managed ones).
    row = _person("P5 Juge", scope=Scope(frozenset({d.i1.pk})))
    assert row.institution_id == d.i1.pk


def test_a_revoked_replacement_gives_the_older_certificate_back_its_validity(register_data):
    from django.utils import timezone as tz

    d = register_data
    before = _board(Period.calendar(2026)).totals.values
    d.p4_refresher.revoked_at = tz.now()
    d.p4_refresher.revocation_reason = "Délivrée par erreur"
    d.p4_refresher.save(update_fields=["revoked_at", "revocation_reason"])

    row = _person("P4 Gendarme")
    cell = row.cells[d.course_a.pk]
    # The first certificate (valid until 01/02/2027) holds again: certified, not lapsed.
    assert cell.state == "certified" and cell.valid_until == datetime.date(2027, 2, 1)
    after = _board(Period.calendar(2026)).totals.values
    assert after["certified"] == before["certified"] == 4
    assert after["lapsed"] == before["lapsed"] == 1  # p3 only
    assert after["issued"] == before["issued"] - 1  # the revoked refresher never counts
    # p4 is still trained in 2026 by the session of 15/02/2026 (course B).
    assert after["trained"] == before["trained"]
    # On 30/06/2027, after the first certificate's end, p4 has lapsed in course A.
    in_2027 = {"period": Period.calendar(2027), "today": datetime.date(2027, 6, 30)}
    cell = _person("P4 Gendarme", **in_2027).cells[d.course_a.pk]
    assert cell.state == "lapsed" and cell.expired_on == datetime.date(2027, 2, 1)


def test_the_definitions_say_what_a_revoked_replacement_does():
    from certificates.register.definitions import definitions

    with translation.override("fr"):
        text = dict((str(term), str(body)) for term, body in definitions())
    assert (
        "un renouvellement révoqué par la suite ne remplace rien"
        in text["Attestation en cours de validité"]
    )
