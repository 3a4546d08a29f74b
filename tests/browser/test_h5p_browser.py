import pytest
from playwright.sync_api import expect

from assessments.h5p.services import lesson_h5p_requirements_met
from assessments.models import H5PUserState, XAPIStatement
from courses import services as course_services
from tests.clients import sign_in_browser
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    h5p_activity,
    h5p_block,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_plays_an_activity_in_the_sandbox_and_the_result_is_recorded(
    page, live_server, monkeypatch, screenshot_dir
):
    activity = h5p_activity(title="Qualifier les faits", score=8, max_score=10)
    lesson = LessonPageFactory(
        title="La loi n° 2012-023", body=[h5p_block(activity, pass_threshold=0.75)]
    )
    learner = UserFactory()
    course_services.enrol(user=learner, course=lesson.get_parent().get_parent().specific)
    sign_in_browser(page, live_server, learner)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    h5p_requests = []
    page.on("request", lambda request: "/h5p/" in request.url and h5p_requests.append(request.url))

    page.goto(lesson.url)
    expect(page.get_by_role("heading", name="Qualifier les faits")).to_be_visible()
    # H5P loads only when the learner opens the activity.
    assert page.locator("iframe").count() == 0
    assert h5p_requests == []

    page.get_by_role("button", name="Commencer l'activité").click()
    iframe = page.locator("iframe[sandbox]")
    expect(iframe).to_have_attribute("sandbox", "allow-scripts")
    player = page.frame_locator("iframe[sandbox]")
    player.get_by_role("button", name="Terminer l'exercice").click()

    expect(page.get_by_text("Votre résultat a été enregistré.")).to_be_visible()
    result = XAPIStatement.objects.results().get()
    assert (result.user, result.lesson_id, result.activity) == (learner, lesson.pk, activity)
    assert result.score_scaled == pytest.approx(0.8)
    assert lesson_h5p_requirements_met(user=learner, lesson=lesson)
    page.screenshot(path=screenshot_dir / "h5p-activity-played.png", full_page=True)

    # The sandboxed frame has an opaque origin: no cookie of the site, no access to the page.
    frame = next(f for f in page.frames if "/h5p/embed/" in f.url)
    cookie = frame.evaluate(
        "() => { try { return 'read:' + document.cookie }"
        " catch (e) { return 'blocked:' + e.name } }"
    )
    assert cookie in ("read:", "blocked:SecurityError")
    parent = frame.evaluate(
        "() => { try { return 'read:' + window.parent.document.cookie }"
        " catch (e) { return 'blocked:' + e.name } }"
    )
    assert parent == "blocked:SecurityError"
    assert frame.evaluate("() => window.origin") == "null"
    assert not [e for e in errors if "Content Security Policy" in e or "SecurityError" in e]

    # The saved state came back through the parent page and is given back on return.
    for _attempt in range(20):
        if H5PUserState.objects.filter(user=learner).exists():
            break
        page.wait_for_timeout(500)
    assert '"clicks":1' in H5PUserState.objects.get(user=learner).state
    page.reload()
    # The result completed the lesson.
    expect(page.get_by_text("Vous avez terminé cette leçon.")).to_be_visible()
    page.get_by_role("button", name="Commencer l'activité").click()
    expect(page.frame_locator("iframe[sandbox]").get_by_text("Clics : 1")).to_be_visible()


def test_an_activity_that_cannot_start_says_so_and_offers_the_way_forward(page, live_server):
    import io

    from assessments.h5p import services
    from tests.factories import build_zip, course_with_lessons, h5p_package_files

    files = h5p_package_files(title="Activité cassée")
    files["H5P.TestButton-1.0/test-button.js"] = b"throw new Error('cette bibliotheque casse');"
    activity = services.import_h5p_package(file=io.BytesIO(build_zip(files)))
    for library in activity.libraries.all():
        services.approve_h5p_library(library=library, approved_by=None)
    services.publish_h5p_activity(activity=activity)
    course, _modules, lessons = course_with_lessons(modules=1, lessons=2)
    lessons[0].body = [h5p_block(activity)]
    lessons[0].save_revision().publish()
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    sign_in_browser(page, live_server, learner)

    page.goto(lessons[0].url)
    page.get_by_role("button", name="Commencer l'activité").click()

    failure = page.locator("[data-h5p-failed]")
    expect(failure).to_be_visible()
    expect(failure).to_contain_text("L'activité n'a pas pu démarrer.")
    expect(page.get_by_text("Vérifiez votre connexion")).to_have_count(0)
    expect(failure.get_by_role("link", name=lessons[1].title)).to_have_attribute(
        "href", lessons[1].url
    )
    failure.get_by_role("button", name="Réessayer").click()
    expect(page.locator("iframe[sandbox]")).to_have_count(1)
    expect(failure).to_be_visible()
    assert not XAPIStatement.objects.exists()
