"""axe-core (WCAG 2.2 A and AA rules) on the key pages of each role that the phone walks of
the staff pages do not open: the learner's journey from the catalogue to the certificate,
the public verification page, the sign-in and second-factor pages, and the register on a
desktop (its wide charts and its map). One axe run per page. The manager and register pages
on a phone are checked in test_staff_phone_browser.py."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses import services as course_services
from tests.browser.conftest import assert_accessible
from tests.browser.phone import answer_quiz
from tests.clients import sign_in_browser
from tests.factories import (
    PASSWORD,
    CertificateFactory,
    InstitutionFactory,
    RegionFactory,
    UserFactory,
    committee_member,
    course_with_lessons,
    member_of,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def test_the_learner_journey_passes_axe(page, live_server, screenshot_dir):
    course, modules, lessons = course_with_lessons(
        modules=1, lessons=1, title="Enquêter sur la traite des personnes"
    )
    quiz_with_questions(questions=2, module=modules[0], title="Évaluation du module")
    learner = UserFactory(full_name="Aminata Traoré")
    course_services.enrol(user=learner, course=course)
    course_services.complete_lesson(user=learner, lesson=lessons[0])
    CertificateFactory(holder=learner, holder_name="Aminata Traoré")
    sign_in_browser(page, live_server, learner)
    page.set_viewport_size(DESKTOP)

    for path in [course.get_parent().url, course.url, lessons[0].url, "/fr/ma-formation/"]:
        page.goto(path)
        assert_accessible(page)
    page.goto("/fr/ma-formation/")
    page.get_by_role("link", name="Mes attestations").click()
    expect(page.get_by_role("heading", name="Mes attestations")).to_be_visible()
    assert_accessible(page)

    page.goto(modules[0].url)
    page.get_by_role("link", name="Passer l'évaluation").click()
    assert_accessible(page)  # the quiz's page
    page.get_by_role("button", name="Commencer l’évaluation").click()
    assert_accessible(page)  # the questions

    # The keyboard's focus ring on an answer surrounds the whole answer, its text included.
    first = page.locator("label.quiz-choice").first
    page.locator("legend").first.click()
    page.keyboard.press("Tab")
    expect(first.locator("input")).to_be_focused()
    ring = first.evaluate("label => getComputedStyle(label).outlineStyle")
    assert ring == "solid", "the answer's label draws the focus ring"
    page.screenshot(path=str(screenshot_dir / "quiz-answer-focus.png"))

    answer_quiz(page, right=True)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Votre note : 100 %")).to_be_visible()
    assert_accessible(page)  # the result


def test_verification_sign_in_and_second_factor_pass_axe(page, live_server):
    certificate = CertificateFactory()
    page.set_viewport_size(DESKTOP)
    for path in ["/verify/", f"/verify/{certificate.code}/", "/fr/accounts/login/"]:
        page.goto(path)
        assert_accessible(page)

    member = committee_member(full_name="Aminata Dembélé")
    member.set_password(PASSWORD)
    member.save(update_fields=["password"])
    page.get_by_label("E-mail").fill(member.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/2fa/authenticate/")
    assert_accessible(page)
    # A wrong code: the page with its error message.
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Connexion").click()
    expect(page.locator("input[name=code]")).to_be_visible()
    assert_accessible(page)


def test_the_register_on_a_desktop_passes_axe(page, live_server):
    region = RegionFactory(name="District de Bamako")
    court = InstitutionFactory(name="Tribunal de grande instance de la commune III", region=region)
    course, _modules, _lessons = course_with_lessons(modules=1, lessons=1)
    today = timezone.localdate()
    for number in range(3):
        person = member_of(court, profession="juge", sex="F" if number % 2 else "M")
        CertificateFactory(holder=person, course=course, issued_on=today)
    member = committee_member()
    sign_in_browser(page, live_server, member)
    page.set_viewport_size(DESKTOP)
    for path in ["/fr/registre/personnes/", "/fr/registre/"]:
        page.goto(path)
        assert_accessible(page)
    page.locator("button[name=format][value=xlsx]").click()
    page.wait_for_url("**/registre/exports/**")
    assert_accessible(page)  # the export's page
