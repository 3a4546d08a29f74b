"""A learner takes a module assessment in a real browser: fails, waits out the delay, passes,
and the module shows complete."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from assessments.models import Choice
from courses import services as course_services
from tests.factories import UserFactory, course_with_lessons, quiz_with_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DELAY = 3  # seconds between attempts, short for the test


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _answer(page, *, right: bool):
    """Tick each question's right (or a wrong) choice, found by its opaque key server-side."""
    for fieldset in page.locator("fieldset[data-question]").all():
        keys = [
            radio.get_attribute("value") for radio in fieldset.locator("input[type=radio]").all()
        ]
        correct = {
            str(key)
            for key in Choice.objects.filter(key__in=keys, is_correct=True).values_list(
                "key", flat=True
            )
        }
        key = next(k for k in keys if (k in correct) == right)
        fieldset.locator(f"input[value='{key}']").check()


def test_learner_fails_the_module_assessment_waits_and_passes_and_the_module_completes(
    page, live_server, screenshot_dir
):
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    module = modules[0]
    quiz_with_questions(
        questions=3,
        module=module,
        title="Évaluation du module",
        pass_mark=100,
        min_delay=timedelta(seconds=DELAY),
    )
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    course_services.complete_lesson(user=learner, lesson=lessons[0])
    _sign_in(page, live_server, learner)

    page.goto(live_server.url + module.url)
    expect(page.get_by_role("heading", name="Évaluation du module")).to_be_visible()
    expect(page.get_by_text("Module terminé")).to_have_count(0)
    page.get_by_role("link", name="Passer l'évaluation").click()
    page.get_by_role("button", name="Commencer le quiz").click()
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(screenshot_dir / "quiz-attempt-390.png"), full_page=True)
    _answer(page, right=False)
    expect(page.get_by_text("Réponse enregistrée.")).to_be_visible()  # saved as it changes
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Non réussi").first).to_be_visible()
    expect(page.get_by_text("Vous pourrez réessayer à partir du")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "quiz-result-failed-390.png"), full_page=True)

    time.sleep(DELAY + 0.5)
    page.get_by_role("link", name="Retour au quiz").click()
    page.get_by_role("button", name="Réessayer").click()
    _answer(page, right=True)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Votre note : 100 %")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(screenshot_dir / "quiz-result-passed.png"), full_page=True)

    page.goto(live_server.url + module.url)
    expect(page.get_by_text("Module terminé")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "module-assessment-passed.png"), full_page=True)
