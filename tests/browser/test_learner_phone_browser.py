"""Learner pages on a phone (360 × 740) that the first-contact walk
(test_first_contact_browser.py) does not cross: sign-in and its second-factor step, setting up
an authenticator, the profile, the quiz's confirmation page (without JavaScript), the
verification form and a code not found, the « PDF not ready » page, the error pages (400,
403, 404, 500, 503, a refused form), the install and offline pages. None is wider than the
screen or asks anything of another host."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from config import errors
from tests.browser.phone import PHONE, assert_fits, fits, watch_hosts
from tests.clients import sign_in_browser
from tests.factories import (
    PASSWORD,
    CertificateFactory,
    UserFactory,
    course_with_lessons,
    quiz_with_questions,
)
from tests.pango import without_pango

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_other_learner_pages_fit_a_phone_and_stay_on_our_host(
    browser, page, live_server, monkeypatch, screenshot_dir
):
    learner = UserFactory(full_name="Oumou Sangaré-Traoré", email="oumou.sangare@justice.gouv.ml")
    with_code = UserFactory(full_name="Seydou Keïta")
    TOTP.activate(with_code, generate_totp_secret())
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    quiz = quiz_with_questions(questions=2, module=modules[0], title="Évaluation du module")
    certificate = CertificateFactory(holder=learner)
    elsewhere = watch_hosts(page, live_server)
    page.set_viewport_size(PHONE)

    # Signed out: the sign-in page, then the second factor of an account that has one.
    fits(page, "/fr/accounts/login/", screenshot_dir, "signin")
    fits(page, "/fr/accounts/password/reset/", screenshot_dir, "password-reset")
    fits(page, "/fr/verify/", screenshot_dir, "verify-form")
    fits(page, "/fr/verify/ABCD-EFGH-IJKL/", screenshot_dir, "verify-not-found", status=404)
    page.goto("/fr/accounts/login/")
    page.get_by_label("E-mail").fill(with_code.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/2fa/authenticate/**")
    expect(page.locator("input[autocomplete=one-time-code]")).to_be_visible()
    assert_fits(page, screenshot_dir, "signin-code")
    page.context.clear_cookies()

    # A refused form: the sign-in posted without its security cookie.
    page.goto("/fr/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label("E-mail").fill(learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Formulaire non envoyé")).to_be_visible()
    assert_fits(page, screenshot_dir, "error-csrf")

    # Signed in.
    sign_in_browser(page, live_server, learner)
    fits(page, "/fr/accounts/profile/", screenshot_dir, "profile")
    # Setting up an authenticator asks for the password again first (allauth), then shows the
    # QR code and the secret.
    fits(page, "/fr/accounts/2fa/totp/activate/", screenshot_dir, "totp-reauthenticate")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/2fa/totp/activate/")
    expect(page.locator("input[autocomplete=one-time-code]")).to_be_visible()
    assert_fits(page, screenshot_dir, "totp-activate")
    # The secret, for typing by hand, shows whole in its field.
    assert page.locator("#authenticator_secret").evaluate("el => el.scrollWidth <= el.clientWidth")
    fits(page, "/fr/nulle-part/", screenshot_dir, "error-404", status=404)
    fits(page, "/fr/registre/", screenshot_dir, "error-403", status=403)

    # 400 and 500 are drawn without the database (config/errors.py): the page the product
    # answers with, put in a page of the live server so that its stylesheet loads.
    factory = RequestFactory()
    for status, view in [(400, errors.bad_request), (500, errors.server_error)]:
        with translation.override("fr"):
            response = view(factory.get("/fr/ma-formation/"))
        assert response.status_code == status
        page.goto("/fr/verify/")
        page.set_content(response.content.decode())
        assert_fits(page, screenshot_dir, f"error-{status}")
    # 503: the database not answering (a restart), as the handler sees it.
    try:
        raise OperationalError("the database is restarting")
    except OperationalError:
        with translation.override("fr"):
            response = errors.server_error(factory.get("/fr/ma-formation/"))
    assert response.status_code == 503
    page.goto("/fr/verify/")
    page.set_content(response.content.decode())
    expect(page.get_by_text("Service momentanément indisponible").first).to_be_visible()
    assert_fits(page, screenshot_dir, "error-503")

    # Installing the site on the phone, and the page shown offline for a page not downloaded.
    fits(page, "/fr/installer/", screenshot_dir, "install-app")
    fits(page, "/fr/hors-connexion/", screenshot_dir, "offline-page")

    # The PDF on a server without Pango: a page saying it is being prepared.
    without_pango(monkeypatch)
    path = reverse("certificate_download", args=[certificate.pk])
    fits(page, path, screenshot_dir, "pdf-not-ready", status=503)
    monkeypatch.undo()

    # The quiz's confirmation page, as a phone without JavaScript gets it.
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False, viewport=PHONE
    )
    try:
        nojs = context.new_page()
        elsewhere_nojs = watch_hosts(nojs, live_server)
        sign_in_browser(nojs, live_server, learner)
        nojs.goto(reverse("quiz_detail", args=[quiz.pk]))
        nojs.get_by_role("button", name="Commencer l’évaluation").click()
        nojs.locator("fieldset[data-question] input[type=radio]").first.check()
        nojs.get_by_role("button", name="Envoyer mes réponses").click()
        expect(nojs.get_by_text("1 question sans réponse : envoyer quand même ?")).to_be_visible()
        assert_fits(nojs, screenshot_dir, "quiz-confirmation")
    finally:
        context.close()
    assert elsewhere == [] and elsewhere_nojs == []
    print("screenshots:", screenshot_dir)
