"""SCORM packages played in Chromium as a learner meets them: the SCO finds the runtime, its
suspend data and location come back after a reload, its score and status complete the lesson;
the frame has an opaque origin and no cookie of the site."""

import pytest
from playwright.sync_api import expect

from assessments.models import ScormAttempt
from courses import services as course_services
from courses.models import LessonProgress
from tests.clients import sign_in_browser
from tests.factories import LessonPageFactory, UserFactory, scorm_block, scorm_package_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, page, tries=30):
    for _attempt in range(tries):
        if condition():
            return True
        page.wait_for_timeout(300)
    return condition()


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_learner_resumes_and_completes_a_scorm_module(version, page, live_server, screenshot_dir):
    package = scorm_package_row(version=version, title="Identifier les victimes")
    lesson = LessonPageFactory(
        title="Les indicateurs de la traite",
        body=[scorm_block(package, completion_rule="passed", minimum_score=80)],
    )
    learner = UserFactory(full_name="Awa Traoré")
    course_services.enrol(user=learner, course=lesson.get_parent().get_parent().specific)
    sign_in_browser(page, live_server, learner)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(lesson.url)
    assert page.locator("iframe").count() == 0  # loaded only when opened
    page.get_by_role("button", name="Ouvrir le module").click()
    expect(page.locator("iframe[sandbox]")).to_have_attribute("sandbox", "allow-scripts")
    sco = page.frame_locator("iframe[sandbox]")
    label = "SCORM 2004" if version == "2004" else "SCORM 1.2"
    expect(sco.get_by_text(f"Page 1 — {label}")).to_be_visible()
    sco.get_by_role("button", name="Page suivante").click()
    sco.get_by_role("button", name="Page suivante").click()
    expect(page.get_by_text("Votre progression est enregistrée.")).to_be_visible()
    attempt = ScormAttempt.objects.get(user=learner)
    assert (attempt.location, attempt.suspend_data) == ("3", "1,2,3")
    page.screenshot(path=screenshot_dir / f"scorm-{version}-playing.png", full_page=True)

    # The frame has an opaque origin: no cookie of the site, no way into the lesson page.
    frame = next(f for f in page.frames if "/scorm/play/" in f.url)
    assert frame.evaluate("() => window.origin") == "null"
    parent = frame.evaluate(
        "() => { try { return 'read:' + window.parent.document.cookie }"
        " catch (e) { return 'blocked:' + e.name } }"
    )
    assert parent == "blocked:SecurityError"

    # Reload (or another device): the SCO reads its suspend data and location back.
    page.reload()
    page.get_by_role("button", name="Ouvrir le module").click()
    expect(
        page.frame_locator("iframe[sandbox]").get_by_text(f"Page 3 — déjà vu : 1,2,3 — {label}")
    ).to_be_visible()
    page.frame_locator("iframe[sandbox]").get_by_role("button", name="Terminer le module").click()
    expect(page.get_by_text("Module terminé : votre résultat est enregistré.")).to_be_visible()

    assert _wait_for(lambda: ScormAttempt.objects.get(user=learner).finished_at, page)
    attempt = ScormAttempt.objects.get(user=learner)
    assert attempt.number == 1
    assert (attempt.completion_status, attempt.success_status) == ("completed", "passed")
    assert attempt.score_scaled == pytest.approx(0.85)
    assert LessonProgress.objects.completed().filter(user=learner, lesson=lesson).exists()
    page.reload()
    expect(page.get_by_text("Vous avez terminé cette leçon.")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e or "SecurityError" in e]


def test_the_module_fits_a_phone(page, live_server, screenshot_dir):
    package = scorm_package_row(title="Identifier les victimes")
    lesson = LessonPageFactory(title="Les indicateurs de la traite", body=[scorm_block(package)])
    learner = UserFactory()
    course_services.enrol(user=learner, course=lesson.get_parent().get_parent().specific)
    sign_in_browser(page, live_server, learner)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(lesson.url)
    page.get_by_role("button", name="Ouvrir le module").click()
    expect(page.frame_locator("iframe[sandbox]").get_by_text("Page 1")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.screenshot(path=screenshot_dir / "scorm-phone.png", full_page=True)
