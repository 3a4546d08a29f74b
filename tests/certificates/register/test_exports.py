"""Exports: logged, built in a task, totals equal to the dashboard's, formulas neutralised."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from certificates.models import RegisterExport
from certificates.register.access import Scope
from certificates.register.exports import HEADLINE
from certificates.register.periods import Period
from certificates.register.queries import Filters, dashboard
from tests.factories import administrator, committee_member, manager_of

pytestmark = pytest.mark.django_db

EXPORT = "/fr/registre/exporter/"
PERIOD = {"period": "range", "start": "2026-01-01", "end": "2026-06-15"}


def _export(client, django_capture_on_commit_callbacks, **data) -> RegisterExport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT, data)
    record = RegisterExport.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/fr/registre/exports/{record.pk}/"
    return record


def _download(client, record) -> bytes:
    response = client.get(f"/fr/registre/exports/{record.pk}/fichier/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_every_export_is_logged_with_who_when_and_which_filters(
    client, register_data, django_capture_on_commit_callbacks
):
    member = committee_member()
    client.force_login(member)
    record = _export(client, django_capture_on_commit_callbacks, format="xlsx", sex="F", **PERIOD)
    record.refresh_from_db()
    assert record.requested_by == member
    assert record.created_at and record.finished_at
    assert record.format == "xlsx" and record.status == "done" and record.progress == 100
    assert record.filters == {**PERIOD, "sex": "F", "scope": "national", "language": "fr"}
    assert record.row_count == 3  # p1, p4, p7
    status = client.get(f"/fr/registre/exports/{record.pk}/").content.decode()
    assert "Télécharger le fichier" in status


def test_the_xlsx_opens_and_its_totals_equal_the_dashboards(
    client, register_data, django_capture_on_commit_callbacks
):
    client.force_login(committee_member())
    record = _export(client, django_capture_on_commit_callbacks, format="xlsx", **PERIOD)
    workbook = load_workbook(io.BytesIO(_download(client, record)), read_only=True)
    assert workbook.sheetnames == [
        "Synthèse",
        "Profession",
        "Institution",
        "Région",
        "Sexe",
        "Cours",
        "Personnes",
    ]
    summary = list(workbook["Synthèse"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(summary) if row and row[0] == "Chiffre")
    figures = {row[0]: row[1] for row in summary[header + 1 : header + 1 + len(HEADLINE)]}
    with translation.override("fr"):
        board = dashboard(
            scope=Scope(None),
            period=Period.range(
                *[timezone.datetime.fromisoformat(PERIOD[k]).date() for k in ("start", "end")]
            ),
            filters=Filters(),
            today=timezone.localdate(),
        )
        from certificates.register.definitions import MEASURE_LABELS

        expected = {str(MEASURE_LABELS["people"]): board.totals.people}
        expected |= {str(MEASURE_LABELS[m]): v for m, v in board.totals.values.items()}
    assert figures == expected
    assert figures["Personnes formées"] == 4
    people = list(workbook["Personnes"].iter_rows(values_only=True))
    assert len(people) == 1 + board.totals.people
    institutions = list(workbook["Institution"].iter_rows(values_only=True))
    assert sum(row[1] for row in institutions[1:]) == board.totals.people
    assert sum(row[2] for row in institutions[1:]) == board.totals.values["trained"]


def test_exports_neutralise_spreadsheet_formulas(
    client, register_data, django_capture_on_commit_callbacks
):
    register_data.p6.full_name = '=HYPERLINK("http://example.com","clic")'
    register_data.p6.matricule = "+33"
    register_data.p6.save(update_fields=["full_name", "matricule"])
    client.force_login(committee_member())

    record = _export(client, django_capture_on_commit_callbacks, format="xlsx", **PERIOD)
    sheet = load_workbook(io.BytesIO(_download(client, record)))["Personnes"]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://example.com","clic")' in names
    assert all(not str(cell.value or "").startswith("=") for row in sheet for cell in row)
    assert all(cell.data_type != "f" for row in sheet for cell in row)

    record = _export(client, django_capture_on_commit_callbacks, format="csv", **PERIOD)
    rows = list(
        csv.reader(io.StringIO(_download(client, record).decode("utf-8-sig")), delimiter=";")
    )
    row = next(r for r in rows if "HYPERLINK" in r[0])
    assert row[0].startswith("'=") and row[2] == "'+33"


def test_exports_write_real_dates_under_a_frozen_header_and_neutralise_dde(
    client, register_data, django_capture_on_commit_callbacks
):
    dde = "=cmd|' /C calc'!A0"
    register_data.p1.full_name = dde
    register_data.p1.save(update_fields=["full_name"])
    client.force_login(committee_member())

    record = _export(client, django_capture_on_commit_callbacks, format="xlsx", **PERIOD)
    workbook = load_workbook(io.BytesIO(_download(client, record)))
    people = workbook["Personnes"]
    assert people.freeze_panes == "A2" and people["A1"].font.bold
    row = next(r for r in people.iter_rows(min_row=2) if r[0].value == "'" + dde)
    dates = [cell for cell in row if isinstance(cell.value, datetime.datetime)]
    assert datetime.datetime(2026, 3, 31) in [cell.value for cell in dates]  # noqa: DTZ001
    assert all(cell.number_format == "DD/MM/YYYY" for cell in dates)
    assert all(cell.data_type != "f" for sheet in workbook for r in sheet for cell in r)

    record = _export(client, django_capture_on_commit_callbacks, format="csv", **PERIOD)
    text = _download(client, record).decode("utf-8-sig")
    line = next(line for line in text.splitlines() if "calc" in line)
    assert line.startswith("'" + dde + ";") and ";31/03/2026;" in line


def test_a_manager_exports_only_their_institutions(
    client, register_data, django_capture_on_commit_callbacks
):
    client.force_login(manager_of(register_data.i2))
    record = _export(client, django_capture_on_commit_callbacks, format="csv", **PERIOD)
    record.refresh_from_db()
    assert record.filters["scope"] == [register_data.i2.pk]
    text = _download(client, record).decode("utf-8-sig")
    assert "P3 Policier" in text and "P1 Juge" not in text
    assert record.row_count == 4


def test_only_the_requester_downloads_an_export(
    client, register_data, django_capture_on_commit_callbacks
):
    client.force_login(committee_member())
    record = _export(client, django_capture_on_commit_callbacks, format="csv", **PERIOD)
    client.force_login(committee_member())
    assert client.get(f"/fr/registre/exports/{record.pk}/").status_code == 404
    assert client.get(f"/fr/registre/exports/{record.pk}/fichier/").status_code == 404


def test_superusers_neither_download_nor_list_other_peoples_exports(
    client, register_data, django_capture_on_commit_callbacks
):
    client.force_login(committee_member())
    theirs = _export(client, django_capture_on_commit_callbacks, format="csv", **PERIOD)
    superuser = administrator()
    client.force_login(superuser)
    assert client.get(f"/fr/registre/exports/{theirs.pk}/").status_code == 404
    assert client.get(f"/fr/registre/exports/{theirs.pk}/fichier/").status_code == 404
    mine = _export(client, django_capture_on_commit_callbacks, format="xlsx", **PERIOD)
    assert _download(client, mine).startswith(b"PK")
    html = client.get("/fr/registre/").content.decode()
    assert f"/fr/registre/exports/{mine.pk}/" in html
    assert f"/fr/registre/exports/{theirs.pk}/" not in html
    assert list(RegisterExport.objects.requested_by(superuser)) == [mine]
    assert list(RegisterExport.objects.visible_to(superuser)) == [mine]


def test_a_bad_export_request_changes_nothing(client, register_data):
    client.force_login(committee_member())
    response = client.post(EXPORT, {"format": "pdf", **PERIOD})
    assert response.status_code == 302
    response = client.post(EXPORT, {"format": "xlsx", "period": "range", "start": "x"})
    assert response.status_code == 302
    assert not RegisterExport.objects.exists()


def test_the_export_task_is_safe_to_run_twice(
    client, register_data, django_capture_on_commit_callbacks
):
    from certificates.register.tasks import run_register_export

    client.force_login(committee_member())
    record = _export(client, django_capture_on_commit_callbacks, format="csv", **PERIOD)
    record.refresh_from_db()
    name = record.file.name
    assert run_register_export(record.pk) is False
    record.refresh_from_db()
    assert record.file.name == name


def test_an_export_left_half_way_by_a_killed_worker_is_built_when_its_message_comes_back(
    client, register_data
):
    from certificates.register.tasks import run_register_export

    member = committee_member()
    # What a worker killed mid-export leaves: the export claimed (progress off 0), no file.
    record = RegisterExport.objects.create(
        requested_by=member, format="csv", filters={"language": "fr", **PERIOD}, progress=40
    )
    # A second copy of a message still being worked on does nothing…
    assert run_register_export(record.pk) is False
    # …the broker's redelivery of the dead worker's message builds it.
    assert run_register_export(record.pk, redelivered=True) is True
    record.refresh_from_db()
    assert (record.status, record.progress) == ("done", 100)
    assert record.file.name
    # Once built, a further redelivery changes nothing.
    name = record.file.name
    assert run_register_export(record.pk, redelivered=True) is False
    record.refresh_from_db()
    assert record.file.name == name


def test_an_export_left_pending_by_a_dead_worker_is_marked_failed_and_the_page_says_so(client):
    from certificates.register.tasks import STALLED_AFTER, fail_stalled_exports

    member = committee_member()
    stalled = RegisterExport.objects.create(requested_by=member, format="xlsx")
    recent = RegisterExport.objects.create(requested_by=member, format="csv")
    RegisterExport.objects.filter(pk=stalled.pk).update(
        created_at=timezone.now() - STALLED_AFTER - timezone.timedelta(minutes=1)
    )

    assert fail_stalled_exports() == 1

    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert (stalled.status, recent.status) == ("failed", "pending")
    client.force_login(member)
    page = client.get(f"/fr/registre/exports/{stalled.pk}/").content.decode()
    assert "L’export a échoué" in page and 'http-equiv="refresh"' not in page


ENGLISH = (
    "last trained",
    "valid until",
    "status",
    "Filters",
    "scope",
    "Summary",
    "Period",
    "People",
    "Reference day",
    "Trained",
    "yes",
    "no expiry",
)


def test_the_xlsx_pack_is_in_french_with_filters_in_words_dates_as_dates_and_fitted_columns(
    client, register_data, django_capture_on_commit_callbacks
):
    client.force_login(committee_member())
    record = _export(
        client,
        django_capture_on_commit_callbacks,
        format="xlsx",
        sex="F",
        region=str(register_data.kayes.pk),
        **PERIOD,
    )
    workbook = load_workbook(io.BytesIO(_download(client, record)))
    summary = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(values_only=True) if row}
    assert summary["Filtres"] == "Filtres : toutes les institutions ; Sexe : Femme ; Région : Kayes"
    assert summary["Premier jour de la période"] == datetime.datetime(2026, 1, 1)  # noqa: DTZ001
    assert summary["Dernier jour de la période"] == datetime.datetime(2026, 6, 15)  # noqa: DTZ001
    assert isinstance(summary["Jour de référence"], datetime.datetime)
    assert isinstance(summary["Exporté le"], datetime.datetime)
    dated = [
        cell
        for row in workbook["Synthèse"].iter_rows()
        for cell in row
        if isinstance(cell.value, datetime.datetime)
    ]
    assert len(dated) == 4 and all(cell.number_format == "DD/MM/YYYY" for cell in dated)

    header = [cell.value for cell in workbook["Personnes"][1]]
    assert "Cours A — dernière formation" in header and "Cours A — valable jusqu'au" in header
    for sheet in workbook:
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        found = {w for w in ENGLISH for text in texts if re.search(rf"\b{w}\b", text)}
        assert found == set(), (sheet.title, found)
        if sheet.title != "Synthèse":
            assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold, sheet.title
        assert sheet.column_dimensions["A"].width >= 12, sheet.title
    people = workbook["Personnes"]
    assert people.column_dimensions["B"].width >= 30  # e-mail addresses
    institutions = workbook["Institution"]
    assert institutions.column_dimensions["A"].width >= len("Tribunal I1")
