"""A learner finishes a course, downloads the certificate from « Mes attestations », and a
stranger opens the verification URL printed on it (the QR code's payload) and reads « valide »."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from tests.clients import sign_in_browser
from tests.factories import UserFactory, course_with_lessons

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_downloads_the_certificate_and_a_stranger_verifies_it(
    page, browser, live_server, settings, screenshot_dir, tmp_path
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    course, _modules, lessons = course_with_lessons(
        modules=1,
        lessons=2,
        title="Identifier les victimes de la traite",
        is_demo=True,
        certificate_validity_months=24,
    )
    learner = UserFactory(full_name="Aminata Traoré")
    sign_in_browser(page, live_server, learner)

    page.goto(course.url)
    page.locator("form[action*='/enrol/'] button").click()
    for lesson in lessons:
        page.goto(lesson.url)
        page.locator("form[action*='/complete/'] button").click()
        expect(page.locator(".completion .state-done")).to_be_visible()

    page.goto("/fr/ma-formation/")
    page.get_by_role("link", name="Mes attestations").click()
    expect(page.get_by_role("heading", name="Mes attestations")).to_be_visible()
    expect(page.locator(".badge-valid")).to_have_text("Valide")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "my-certificates-390.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    path = tmp_path / "attestation.pdf"
    download_info.value.save_as(path)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Aminata Traoré" in text
    # The URL may wrap on the page: read it without the line breaks.
    url = re.search(r"(http://[^/]+/verify/[0-9A-Z]{28}/)", re.sub(r"\s+", "", text)).group(1)
    certificate = Certificate.objects.get(holder=learner)
    assert url == f"{live_server.url}/verify/{certificate.code}/"

    stranger = browser.new_context(locale="fr-FR")
    try:
        public = stranger.new_page()
        public.goto(url)
        expect(public.locator(".certificate-status")).to_have_text("Cette attestation est valide.")
        expect(public.locator(".badge-valid")).to_have_text("Valide")
        expect(public.get_by_text("Aminata Traoré")).to_be_visible()
        public.screenshot(path=screenshot_dir / "verify-desktop.png", full_page=True)
        print("screenshots:", screenshot_dir)
        public.set_viewport_size({"width": 390, "height": 844})
        public.screenshot(path=screenshot_dir / "verify-390.png", full_page=True)
    finally:
        stranger.close()
