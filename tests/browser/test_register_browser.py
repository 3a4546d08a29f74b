"""The demo committee member signs in with their second factor, opens the national register,
switches to the TIP year, drills down to the people behind a figure and downloads the XLSX."""

import datetime
import io
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from certificates.models import RegisterExport
from people.demo import PEOPLE
from people.demo import seed as seed_people
from people.models import Institution, User
from tests.factories import (
    PASSWORD,
    CertificateFactory,
    CoursePageFactory,
    TrainingSessionFactory,
    member_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_committee_member_reads_the_tip_year_drills_down_and_exports(page, screenshot_dir):
    lines: list[str] = []
    seed_people(out=lines.append)
    member = User.objects.get(email=PEOPLE[1].email)
    member.set_password(PASSWORD)
    member.save(update_fields=["password"])
    start = lines.index(next(line for line in lines if member.email in line))
    secret = next(line for line in lines[start:] if "TOTP secret" in line).split(": ")[1]

    course = CoursePageFactory(title="La loi n° 2012-023 contre la traite")
    police = Institution.objects.get(name="École nationale de police")
    today = timezone.localdate()
    tip_year = today.year if today.month >= 4 else today.year - 1
    in_tip = datetime.date(tip_year, 4, 2)
    trained = member_of(police, full_name="Awa Traoré", profession="policier", sex="F")
    CertificateFactory(holder=trained, course=course, issued_on=in_tip)
    attendee = member_of(police, full_name="Seydou Diallo", profession="gendarme", sex="M")
    session = TrainingSessionFactory(course=course, starts_on=in_tip, ends_on=in_tip)
    session.attendances.create(person=attendee)

    page.goto("/fr/accounts/login/")
    page.get_by_label("E-mail").fill(member.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/2fa/authenticate/")
    page.locator("input[name=code]").fill(_totp(secret))
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/fr/ma-formation/")

    page.get_by_role("link", name="Registre national").click()
    expect(page.get_by_role("heading", name="Registre national des formations")).to_be_visible()
    # The filters fold behind the line that says them: the headline figures come first.
    page.get_by_text("Filtres : toutes les institutions").click()
    page.get_by_label("Type de période").select_option("tip")
    page.get_by_label("Année (civile ou TIP)").fill(str(tip_year))
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator(".lead")).to_contain_text(f"Année TIP {tip_year}-{tip_year + 1}")
    trained_figure = page.locator(".figure-trained .figure-value")
    expect(trained_figure).to_have_text("2")
    page.screenshot(path=str(screenshot_dir / "registre.png"), full_page=True)

    trained_figure.click()
    expect(page.get_by_role("heading", name="Le registre : personnes")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Personnes formées")
    table = page.locator("table.register-people")
    expect(table).to_contain_text("Seydou Diallo")
    expect(table).to_contain_text("Awa Traoré")
    expect(table.locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Retour au tableau de bord").click()

    page.get_by_role("button", name="Dossier du rapport annuel (XLSX)").click()
    expect(page.get_by_text("Le fichier est prêt")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le fichier").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with open(download_info.value.path(), "rb") as downloaded:
        workbook = load_workbook(io.BytesIO(downloaded.read()), read_only=True)
    names = [row[0] for row in workbook["Personnes"].iter_rows(min_row=2, values_only=True)]
    assert {"Awa Traoré", "Seydou Diallo"} <= set(names)
    record = RegisterExport.objects.get(format="xlsx")
    assert record.requested_by == member
    assert record.filters["period"] == "tip" and record.filters["year"] == str(tip_year)
