"""Issue 16's « done means », in French on a 360 × 740 phone: a magistrate signs up with her
name through the real form, follows the link of the confirmation e-mail (which signs her in),
enrols, reads the lessons, fails then passes the module assessment, finishes the course,
downloads the certificate — its text names her, not her e-mail address — and, signed out,
opens the verification page printed on it: her name, no e-mail. Every page on the way fits the
screen and asks nothing of another host; the screenshots are kept (path printed)."""

import io
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from people.models import User
from tests.browser.phone import PHONE, answer_quiz, assert_fits, watch_hosts
from tests.factories import PASSWORD, course_with_lessons, quiz_with_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Mariam Kadidia Coulibaly-Sangaré"
EMAIL = "mariam.coulibaly@justice.gouv.ml"
DELAY = 2  # seconds between two attempts, short for the test


def test_a_magistrate_signs_up_and_earns_a_certificate_that_names_her(
    page, live_server, settings, screenshot_dir, tmp_path
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    course, modules, lessons = course_with_lessons(
        modules=1,
        lessons=2,
        title="Identifier et protéger les victimes de la traite des personnes",
        certificate_validity_months=24,
    )
    quiz_with_questions(
        questions=3,
        module=modules[0],
        title="Évaluation du module",
        pass_mark=100,
        min_delay=timedelta(seconds=DELAY),
    )
    elsewhere = watch_hosts(page, live_server)
    page.set_viewport_size(PHONE)
    print("screenshots:", screenshot_dir)

    # Sign up through the real form.
    page.goto("/fr/accounts/signup/")
    assert_fits(page, screenshot_dir, "01-signup")
    page.get_by_label("Nom complet").fill(NAME)
    page.get_by_label("E-mail").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_label("Profession").select_option("juge")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/confirm-email/**")
    assert_fits(page, screenshot_dir, "02-check-your-e-mail")

    # The confirmation e-mail (the test outbox) and its link, which signs her in.
    [message] = [m for m in mail.outbox if EMAIL in m.to]
    link = re.search(r"https?://\S+/confirm-email/\S+", message.body).group(0)
    page.goto(urlsplit(link).path)
    assert_fits(page, screenshot_dir, "03-confirm")
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/ma-formation/")
    expect(page.get_by_text(NAME).first).to_be_visible()
    assert_fits(page, screenshot_dir, "04-my-training-empty")
    assert User.objects.get(email=EMAIL).full_name == NAME

    # The catalogue, the course, enrolment.
    page.goto(course.get_parent().url)
    assert_fits(page, screenshot_dir, "05-catalogue")
    page.get_by_role("link", name=course.title).first.click()
    assert_fits(page, screenshot_dir, "06-course")
    page.locator("form[action*='/enrol/'] button").click()
    expect(page.locator("form[action*='/enrol/']")).to_have_count(0)
    assert_fits(page, screenshot_dir, "07-course-enrolled")
    page.goto(modules[0].url)
    assert_fits(page, screenshot_dir, "08-module")

    # Reading: each lesson marked done, « next » leads on, after the last to the assessment.
    page.goto(lessons[0].url)
    for number, lesson in enumerate(lessons, start=1):
        expect(page.get_by_role("heading", name=lesson.title)).to_be_visible()
        page.locator("form[action*='/complete/'] button").click()
        expect(page.locator(".completion .state-done")).to_be_visible()
        assert_fits(page, screenshot_dir, f"09-lesson-{number}")
        page.locator("nav.pager a.next").click()
    expect(page.get_by_role("heading", name="Évaluation du module")).to_be_visible()
    assert_fits(page, screenshot_dir, "10-assessment")

    # Fail, wait, pass.
    page.get_by_role("button", name="Commencer l’évaluation").click()
    answer_quiz(page, right=False)
    assert_fits(page, screenshot_dir, "11-attempt")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Évaluation non réussie")).to_be_visible()
    assert_fits(page, screenshot_dir, "12-result-failed")
    time.sleep(DELAY + 0.5)
    page.get_by_role("link", name="Retour à l’évaluation").click()
    page.get_by_role("button", name="Réessayer").click()
    answer_quiz(page, right=True)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    # Passing completes the course: the certificate and its PDF are made in this request.
    expect(page.get_by_text("Votre note : 100 %")).to_be_visible(timeout=60_000)
    assert_fits(page, screenshot_dir, "13-result-passed")

    # The course is finished: « Ma formation » says so, never « aucun cours ».
    page.goto("/fr/ma-formation/")
    expect(page.get_by_text("Vous ne suivez encore aucun cours")).to_have_count(0)
    expect(page.get_by_text("Aucun cours en cours pour l’instant.")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger mon attestation (PDF)")).to_be_visible()
    assert_fits(page, screenshot_dir, "14-my-training-done")

    # The certificate: « Mes attestations », the PDF names her, not her address.
    page.get_by_role("link", name="Mes attestations").click()
    expect(page.locator(".badge-valid")).to_have_text("Valide")
    assert_fits(page, screenshot_dir, "15-my-certificates")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    path = tmp_path / "attestation.pdf"
    download_info.value.save_as(path)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", NAME) in flat
    assert EMAIL not in flat and "mariam.coulibaly" not in flat.lower()
    url = re.search(r"(http://[^/]+/verify/[0-9A-Z]{28}/)", flat).group(1)
    certificate = Certificate.objects.get(holder__email=EMAIL)
    assert certificate.holder_name == NAME
    assert url == f"{live_server.url}/verify/{certificate.code}/"

    # Signed out, the verification page printed on the PDF: her name, no e-mail.
    page.goto("/fr/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_attached()
    page.goto(url)
    expect(page.locator(".certificate-status")).to_have_text("Cette attestation est valide.")
    expect(page.get_by_text(NAME)).to_be_visible()
    assert EMAIL not in page.content() and "@justice" not in page.content()
    assert_fits(page, screenshot_dir, "16-verify-signed-out")
    assert elsewhere == []
