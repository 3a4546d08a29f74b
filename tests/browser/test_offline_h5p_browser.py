"""An H5P activity offline in a real browser: a module with a real package (../shared/h5p/) is
downloaded, the context goes offline, the lesson reloaded from the phone draws the player, the
learner answers, the result waits on the phone, and back online the sync records it. The player
of the phone's copy is our host page (served by the worker) running the package in a sandboxed
srcdoc frame fed with the cached files: every real package plays there, and the frame keeps its
sandbox."""

import pytest
from playwright.sync_api import expect

from assessments.models import XAPIStatement
from courses import services as course_services
from courses.models import LessonProgress
from tests.browser.test_h5p_real_packages_browser import ANSWERS, _policy_errors
from tests.browser.test_offline_browser import (
    QUEUE_LENGTH,
    _until_sent,
    download_module,
)
from tests.clients import sign_in_browser
from tests.factories import UserFactory, course_with_lessons, h5p_block, real_h5p_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_sandboxed(page):
    """The package's frame of the phone's copy keeps its sandbox: an opaque origin, no cookie of
    the site, no access to the host page above it nor to the lesson."""
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    assert frame.parent_frame.url.split("/h5p/")[1].startswith("offline/")
    element = frame.frame_element()
    assert element.get_attribute("sandbox") == "allow-scripts"
    assert frame.evaluate("() => window.origin") == "null"
    cookie = frame.evaluate(
        "() => { try { return 'read:' + document.cookie }"
        " catch (e) { return 'blocked:' + e.name } }"
    )
    assert cookie == "blocked:SecurityError"
    for above in ("window.parent", "window.top"):
        reached = frame.evaluate(
            f"() => {{ try {{ return 'read:' + {above}.document.cookie }}"
            " catch (e) { return 'blocked:' + e.name } }"
        )
        assert reached == "blocked:SecurityError", above


def test_a_downloaded_h5p_activity_plays_offline_and_its_result_is_sent_back(page, live_server):
    activity = real_h5p_activity("H5P.TrueFalse")
    course, modules, lessons = course_with_lessons(modules=1, lessons=1, title="Traite : H5P")
    lesson = lessons[0]
    lesson.body = [h5p_block(activity, pass_threshold=0.75)]
    lesson.save_revision().publish()
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    sign_in_browser(page, live_server, learner)
    download_module(page, live_server, modules[0])

    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.context.set_offline(True)
    page.goto(live_server.url + lesson.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    page.get_by_role("button", name="Commencer l'activité").click()
    # The lesson frames our host page (served by the worker), which runs the package one frame
    # down, in the sandbox, from the files of the download.
    host = page.locator("[data-h5p-frame] iframe")
    expect(host).to_have_attribute("src", f"/h5p/offline/{activity.content_hash}/")
    player = page.frame_locator("[data-h5p-frame] iframe").frame_locator(
        "iframe[sandbox='allow-scripts']"
    )
    expect(player.get_by_role("radio", name="Yes")).to_be_visible(timeout=30_000)
    player.get_by_role("radio", name="Yes").click()
    player.locator(".h5p-question-check-answer:visible").first.click()
    expect(page.locator("[data-offline-text]")).to_contain_text("1 réponse en attente d’envoi")
    assert_sandboxed(page)
    assert not [e for e in errors if "Content Security Policy" in e or "SecurityError" in e]
    # The package's picture came from the download, as a blob: URL of the sandbox.
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    assert frame.evaluate(
        "() => [...document.images].filter(i => i.src.startsWith('blob:') && i.naturalWidth).length"
    )
    assert page.evaluate(QUEUE_LENGTH) == 1
    assert not XAPIStatement.objects.filter(user=learner).exists()

    page.context.set_offline(False)
    page.get_by_role("button", name="Synchroniser").click()
    _until_sent(page)
    result = XAPIStatement.objects.results().get(user=learner, activity=activity)
    assert result.lesson_id == lesson.pk and result.score_scaled >= 0.75
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None


def _lesson_with(name, learner):
    activity = real_h5p_activity(name)
    course, modules, lessons = course_with_lessons(modules=1, lessons=1, title=f"Traite : {name}")
    lessons[0].body = [h5p_block(activity, pass_threshold=ANSWERS[name][1])]
    lessons[0].save_revision().publish()
    course_services.enrol(user=learner, course=course)
    return modules[0], lessons[0]


@pytest.mark.parametrize("name", [n for n in ANSWERS if n != "H5P.TrueFalse"])
def test_every_real_package_plays_from_the_phone_s_copy_offline(page, live_server, name):
    learner = UserFactory()
    module, lesson = _lesson_with(name, learner)
    sign_in_browser(page, live_server, learner)
    download_module(page, live_server, module)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.context.set_offline(True)
    page.goto(live_server.url + lesson.url)
    page.get_by_role("button", name="Commencer l'activité").click()
    player = page.frame_locator("[data-h5p-frame] iframe").frame_locator(
        "iframe[sandbox='allow-scripts']"
    )
    ANSWERS[name][0](player)

    expect(page.get_by_text("Pas de connexion : votre résultat est gardé")).to_be_visible(
        timeout=30_000
    )
    assert page.evaluate(QUEUE_LENGTH) >= 1
    expect(page.locator("[data-h5p-failed]")).to_be_hidden()
    assert_sandboxed(page)
    assert _policy_errors(errors) == []


def test_a_downloaded_activity_plays_from_the_copy_online_too(page, live_server):
    """Downloaded means played from the phone: the same player with a connection or without
    (a poor connection spares the download), and the result goes straight to the server."""
    learner = UserFactory()
    module, lesson = _lesson_with("H5P.TrueFalse", learner)
    sign_in_browser(page, live_server, learner)
    download_module(page, live_server, module)
    h5p_files = []
    page.on("request", lambda request: "/h5p/files/" in request.url and h5p_files.append(request))

    page.goto(live_server.url + lesson.url)
    page.get_by_role("button", name="Commencer l'activité").click()
    player = page.frame_locator("[data-h5p-frame] iframe").frame_locator(
        "iframe[sandbox='allow-scripts']"
    )
    player.get_by_role("radio", name="Yes").click()
    player.locator(".h5p-question-check-answer:visible").first.click()

    expect(page.get_by_text("Votre résultat a été enregistré.")).to_be_visible()
    assert XAPIStatement.objects.results().filter(user=learner, lesson_id=lesson.pk).exists()
    # Every package file was read from the download (the worker answered from its cache).
    assert h5p_files and all(request.response().from_service_worker for request in h5p_files)
    assert_sandboxed(page)
