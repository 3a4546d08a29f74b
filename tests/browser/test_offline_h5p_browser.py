"""An H5P activity offline in a real browser: a module with a real package (../shared/h5p/) is
downloaded, the context goes offline, the lesson reloaded from the phone draws the player, the
learner answers, the result waits on the phone, and back online the sync records it."""

import pytest
from playwright.sync_api import expect

from assessments.models import XAPIStatement
from courses import services as course_services
from courses.models import LessonProgress
from tests.browser.test_offline_browser import (
    QUEUE_LENGTH,
    _until_sent,
    download_module,
)
from tests.clients import sign_in_browser
from tests.factories import UserFactory, course_with_lessons, h5p_block, real_h5p_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Not offline yet: the player's frame is <iframe sandbox='allow-scripts'> (opaque "
        "origin), which Chromium never lets the site's worker serve; offline its navigation "
        "ends on chrome-error:// although the module's download holds the embed page and files."
    ),
)
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

    page.context.set_offline(True)
    page.goto(live_server.url + lesson.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    page.get_by_role("button", name="Commencer l'activité").click()
    player = page.frame_locator("iframe[sandbox]")
    expect(player.get_by_role("radio", name="Yes")).to_be_visible(timeout=30_000)
    player.get_by_role("radio", name="Yes").click()
    player.locator(".h5p-question-check-answer:visible").first.click()
    expect(page.locator("[data-offline-text]")).to_contain_text("1 réponse en attente d’envoi")
    assert page.evaluate(QUEUE_LENGTH) == 1
    assert not XAPIStatement.objects.filter(user=learner).exists()

    page.context.set_offline(False)
    page.get_by_role("button", name="Synchroniser").click()
    _until_sent(page)
    result = XAPIStatement.objects.results().get(user=learner, activity=activity)
    assert result.lesson_id == lesson.pk and result.score_scaled >= 0.75
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None
