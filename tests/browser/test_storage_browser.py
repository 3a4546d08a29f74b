"""The site on object storage, in a real browser: a lesson's image and its H5P activity come out
of SeaweedFS buckets (tests/seaweedfs.py) and the activity plays in its sandbox."""

import pytest
from playwright.sync_api import expect

from assessments.models import XAPIStatement
from courses import services as course_services
from tests.clients import sign_in_browser
from tests.factories import ImageFactory, LessonPageFactory, UserFactory, h5p_activity, h5p_block

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _keys(s3_storage, bucket):
    listed = s3_storage.client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listed.get("Contents", [])}


def test_a_lesson_shows_its_image_and_plays_its_h5p_activity_from_the_buckets(
    page, live_server, s3_storage, screenshot_dir
):
    image = ImageFactory(title="Salle d'audience")
    activity = h5p_activity(title="Qualifier les faits", score=8, max_score=10)
    assert activity.storage_path("h5p.json") in _keys(s3_storage, s3_storage.media_bucket)
    lesson = LessonPageFactory(
        title="La loi n° 2012-023",
        body=[
            {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Salle"}},
            h5p_block(activity, pass_threshold=0.75),
        ],
    )
    learner = UserFactory()
    course_services.enrol(user=learner, course=lesson.get_parent().get_parent().specific)
    sign_in_browser(page, live_server, learner)

    page.goto(lesson.url)
    picture = page.locator("img[src^='/media/images/']").first
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()  # lesson images load lazily
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle(), timeout=15000
    )
    page.get_by_role("button", name="Commencer l'activité").click()
    player = page.frame_locator("iframe[sandbox]")
    player.get_by_role("button", name="Terminer l'exercice").click()
    expect(page.get_by_text("Votre résultat a été enregistré.")).to_be_visible()
    result = XAPIStatement.objects.results().get()
    assert (result.user, result.activity) == (learner, activity)
    page.screenshot(path=screenshot_dir / "lesson-from-object-storage.png", full_page=True)
