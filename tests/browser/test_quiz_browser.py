"""A learner takes a module assessment in a real browser: fails, waits out the delay, passes,
and the module shows complete."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Attempt
from courses import services as course_services
from tests.browser.phone import answer_quiz
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
    page.get_by_role("button", name="Commencer l’évaluation").click()
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(screenshot_dir / "quiz-attempt-390.png"), full_page=True)
    answer_quiz(page, right=False)
    expect(page.get_by_text("Réponse enregistrée.")).to_be_visible()  # saved as it changes
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Évaluation non réussie")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Vous pourrez réessayer dans \d+ minute\."))
    ).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "quiz-result-failed-390.png"), full_page=True)

    time.sleep(DELAY + 0.5)
    page.get_by_role("link", name="Retour à l’évaluation").click()
    page.get_by_role("button", name="Réessayer").click()
    answer_quiz(page, right=True)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Votre note : 100 %")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(screenshot_dir / "quiz-result-passed.png"), full_page=True)

    page.goto(live_server.url + module.url)
    expect(page.get_by_text("Module terminé")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "module-assessment-passed.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_counter_follows_the_answers_and_unanswered_questions_ask_before_submitting(
    page, live_server, screenshot_dir
):
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    quiz_with_questions(questions=3, module=modules[0], title="Évaluation du module")
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    course_services.complete_lesson(user=learner, lesson=lessons[0])
    _sign_in(page, live_server, learner)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(live_server.url + modules[0].url)
    page.get_by_role("link", name="Passer l'évaluation").click()
    page.get_by_role("button", name="Commencer l’évaluation").click()
    counter = page.locator("[data-quiz-counter]")
    expect(counter).to_have_text("0 question répondue sur 3")

    # « Enregistrer » is secondary (outlined), « Envoyer mes réponses » primary (filled).
    save = page.get_by_role("button", name="Enregistrer")
    submit = page.get_by_role("button", name="Envoyer mes réponses")
    background = "el => getComputedStyle(el).backgroundColor"
    assert save.evaluate(background) != submit.evaluate(background)
    assert save.evaluate(background) == "rgba(0, 0, 0, 0)"

    questions = page.locator("fieldset[data-question]")
    questions.nth(0).locator("input[type=radio]").first.check()
    expect(counter).to_have_text("1 question répondue sur 3")
    expect(questions.nth(0).get_by_text("Réponse enregistrée.")).to_be_visible()
    questions.nth(1).locator("input[type=radio]").first.check()
    expect(counter).to_have_text("2 questions répondues sur 3")
    # « Réponse enregistrée » moves to the question just answered.
    expect(questions.nth(1).get_by_text("Réponse enregistrée.")).to_be_visible()
    expect(questions.nth(0).get_by_text("Réponse enregistrée.")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "quiz-counter-360.png"), full_page=True)
    assert _fits(page)

    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    submit.click()
    expect(counter).to_have_text("2 questions répondues sur 3")  # still on the questions
    assert dialogs == ["1 question sans réponse : envoyer quand même ?"]
    assert Attempt.objects.get(user=learner).is_open

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    submit.click()
    expect(page.get_by_text("Évaluation réussie")).to_be_visible()  # 2 of 3, pass mark 50 %
    expect(page.get_by_text("— Sans réponse")).to_be_visible()
    assert len(dialogs) == 2
    assert not Attempt.objects.get(user=learner).is_open
    page.screenshot(path=str(screenshot_dir / "quiz-result-360.png"), full_page=True)
    assert _fits(page)


def test_without_javascript_the_server_asks_before_grading_unanswered_questions(
    browser, live_server, screenshot_dir
):
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    quiz = quiz_with_questions(questions=2, module=modules[0], title="Évaluation du module")
    learner = UserFactory()
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
    )
    page = context.new_page()
    try:
        _sign_in(page, live_server, learner)
        page.goto(live_server.url + reverse("quiz_detail", args=[quiz.pk]))
        page.get_by_role("button", name="Commencer l’évaluation").click()
        page.locator("fieldset[data-question]").first.locator("input[type=radio]").first.check()
        page.get_by_role("button", name="Envoyer mes réponses").click()
        expect(page.get_by_text("1 question sans réponse : envoyer quand même ?")).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "quiz-confirm-nojs-360.png"), full_page=True)
        assert _fits(page)
        page.get_by_role("link", name="Revenir aux questions").click()
        expect(page.locator("[data-quiz-counter]")).to_have_text("1 question répondue sur 2")
        page.get_by_role("button", name="Envoyer mes réponses").click()
        page.get_by_role("button", name="Envoyer quand même").click()
        expect(page.get_by_text(re.compile("Évaluation (non )?réussie"))).to_be_visible()
        assert not Attempt.objects.get(user=learner).is_open
    finally:
        context.close()
