"""The whole cycle of the manager area in a browser: the demo manager imports a roster, assigns
a module with a due date; a cadet of the roster accepts the invitation, completes the module;
the manager's matrix shows it."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from people.demo import PEOPLE
from people.demo import seed as seed_people
from people.models import User
from tests.clients import sign_in_browser
from tests.factories import course_with_lessons

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Cadet-mot-de-passe-2026"


def test_manager_imports_assigns_and_sees_the_cadet_complete_the_module(
    page, browser, live_server, tmp_path, screenshot_dir
):
    seed_people(out=lambda line: None)
    manager = User.objects.get(email=PEOPLE[2].email)
    course, modules, lessons = course_with_lessons(
        modules=2, lessons=1, title="Enquêter sur la traite"
    )
    module = modules[0]
    roster = tmp_path / "effectif.csv"
    roster.write_text(
        "nom complet;e-mail;matricule;profession;sexe;cohorte\n"
        "Oumar Cissé;oumar.cisse@exemple.ml;P-2026-101;policier;M;Promotion 2026\n"
        "Kadia Koné;kadia.kone@exemple.ml;P-2026-102;policier;F;Promotion 2026\n",
        encoding="utf-8",
    )

    sign_in_browser(page, live_server, manager)
    page.goto("/fr/ma-formation/")
    page.get_by_role("link", name="Espace gestionnaire").click()
    page.get_by_role("link", name="Importer un effectif").first.click()
    page.get_by_label("Fichier de l’effectif (CSV ou XLSX)").set_input_files(str(roster))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("table.import-plan")).to_contain_text("Oumar Cissé")
    expect(page.locator("tr.action-create")).to_have_count(2)
    page.screenshot(path=str(screenshot_dir / "import-preview.png"), full_page=True)
    page.get_by_role("button", name="Confirmer l’import").click()
    expect(page.get_by_text("Import terminé : 2 créées")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kadia.kone@exemple.ml",
        "oumar.cisse@exemple.ml",
    ]

    page.goto("/fr/manager/assignments/new/")
    page.get_by_label("Cours ou module").select_option(f"module-{module.pk}")
    page.get_by_label("Cohorte").select_option(label="Promotion 2026 (École nationale de police)")
    due = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("Échéance").fill(due.isoformat())
    page.get_by_role("button", name="Affecter").click()
    expect(page.get_by_role("heading", name=re.compile("Rapport de progression"))).to_be_visible()
    expect(page.locator("table.matrix")).to_contain_text("Oumar Cissé")

    # The cadet accepts the invitation: sets a password through the e-mailed link.
    invitation = next(m for m in mail.outbox if m.to == ["oumar.cisse@exemple.ml"])
    link = re.search(r"https?://\S+", invitation.body).group(0)
    path = "/" + link.split("/", 3)[3]
    cadet_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    cadet = cadet_context.new_page()
    cadet.goto(path)
    cadet.locator("input[name=password1]").fill(NEW_PASSWORD)
    cadet.locator("input[name=password2]").fill(NEW_PASSWORD)
    cadet.get_by_role("button", name="Modifier le mot de passe").click()
    expect(cadet.locator("main")).to_contain_text("modifié")
    cadet.goto("/fr/accounts/login/")
    cadet.get_by_label("E-mail").fill("oumar.cisse@exemple.ml")
    cadet.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    cadet.get_by_role("button", name="Connexion").click()
    cadet.wait_for_url("**/fr/ma-formation/")
    expect(cadet.get_by_text("Vous a été affecté")).to_be_visible()
    cadet.screenshot(path=str(screenshot_dir / "ma-formation.png"), full_page=True)
    cadet.get_by_role("link", name=module.title).click()
    cadet.goto(lessons[0].url)
    cadet.get_by_role("button", name="J'ai terminé cette leçon").click()
    expect(cadet.get_by_text(re.compile("terminé", re.IGNORECASE)).first).to_be_visible()
    cadet_context.close()

    page.reload()
    row = page.locator("table.matrix tr", has_text="Oumar Cissé")
    expect(row.locator("td").first).to_have_text("Terminé")
    other = page.locator("table.matrix tr", has_text="Kadia Koné")
    expect(other.locator("td").first).to_have_text("Pas commencé")
    page.screenshot(path=str(screenshot_dir / "matrix.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir / "matrix-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
