"""HTTP caching of the pages every visitor sees the same (issue #18): the catalogue, a course and
a lesson are sent public for a minute with an ETag that follows the published content, and a
conditional GET answers 304; a signed-in person's page, or one that carries a CSRF token or a
message, is private and never answers 304."""

import pytest
from django.urls import reverse

from tests.factories import (
    ModulePageFactory,
    UserFactory,
    course_with_lessons,
    h5p_activity,
    h5p_block,
    translate_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    course, modules, lessons = course_with_lessons(modules=1, lessons=2)
    return {"catalogue": course.get_parent().specific, "course": course, "lesson": lessons[0]}


def _is_public(response) -> bool:
    control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"public", "max-age=60", "must-revalidate"} <= control


@pytest.mark.parametrize("name", ["catalogue", "course", "lesson"])
def test_a_visitor_gets_a_public_page_with_its_etag_and_a_304_for_it(client, pages, name):
    url = pages[name].url
    response = client.get(url)

    assert response.status_code == 200
    assert _is_public(response)
    assert response["ETag"].startswith('W/"')
    assert "Cookie" in response["Vary"]

    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == response["ETag"]
    assert _is_public(again)


def test_a_304_renders_nothing_and_reads_only_the_page(client, pages, django_assert_num_queries):
    url = pages["lesson"].url
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):  # the page row: it must still be published
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_another_etag_gets_the_page(client, pages):
    response = client.get(pages["lesson"].url, headers={"If-None-Match": 'W/"autre"'})
    assert response.status_code == 200 and response.content


def test_publishing_a_new_revision_changes_the_etag(client, pages):
    lesson = pages["lesson"]
    old = client.get(lesson.url)["ETag"]
    lesson.body = [{"type": "rich_text", "value": "<p>Seconde version.</p>"}]
    lesson.save_revision().publish()

    response = client.get(lesson.url, headers={"If-None-Match": old})
    assert response.status_code == 200
    assert "Seconde version." in response.content.decode()
    assert response["ETag"] != old


def test_unpublishing_a_lesson_changes_the_etag_of_the_course_that_lists_it(client, pages):
    course, lesson = pages["course"], pages["lesson"]
    old = client.get(course.url)["ETag"]
    lesson.unpublish()
    response = client.get(course.url, headers={"If-None-Match": old})
    assert response.status_code == 200 and response["ETag"] != old


def test_moving_and_translating_change_the_etag(client, pages):
    course, lesson = pages["course"], pages["lesson"]
    before_move = client.get(course.url)["ETag"]
    lesson.move(ModulePageFactory(parent=course, title="Module final"), pos="last-child")
    after_move = client.get(course.url)
    assert after_move.status_code == 200 and after_move["ETag"] != before_move

    translate_page(pages["catalogue"], title="Courses", slug="courses")
    translate_page(course, title="The course", slug="the-course")
    translated = client.get(course.url, headers={"If-None-Match": after_move["ETag"]})
    assert translated.status_code == 200  # its language switch now links the translation
    assert translated["ETag"] != after_move["ETag"]


def test_a_signed_in_learner_gets_a_private_page_and_no_304_from_a_visitor_etag(client, pages):
    url = pages["lesson"].url
    visitor_etag = client.get(url)["ETag"]
    client.force_login(UserFactory())

    response = client.get(url, headers={"If-None-Match": visitor_etag})
    assert response.status_code == 200 and response.content
    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("ETag")


def test_a_signed_in_page_outside_wagtail_is_private(client):
    client.force_login(UserFactory())
    response = client.get(reverse("my_training"))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_a_page_with_a_form_and_its_csrf_token_is_not_public(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert not _is_public(response)
    assert "private" in response["Cache-Control"]


def test_a_lesson_with_an_activity_is_rendered_for_each_visitor(client):
    """The H5P block reads the activity (not a page) and gives the player a CSRF token."""
    _course, _modules, lessons = course_with_lessons(modules=1, lessons=1)
    lesson = lessons[0]
    lesson.body = [h5p_block(h5p_activity())]
    lesson.save_revision().publish()

    response = client.get(lesson.url)
    assert response.status_code == 200
    assert not _is_public(response)
    assert not response.has_header("ETag")


def test_a_page_showing_a_message_to_a_visitor_is_not_public(client, pages):
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))  # « Vous êtes déconnecté. » queued

    response = client.get(pages["lesson"].url)
    assert response.status_code == 200
    assert "messages" in response.content.decode()
    assert not _is_public(response)
    assert not response.has_header("ETag")


def test_the_offline_switch_changes_the_etag(client, pages, settings):
    """Pages register the offline worker or remove it (DJANGO_OFFLINE_ENABLED)."""
    url = pages["lesson"].url
    on = client.get(url)["ETag"]
    settings.OFFLINE_ENABLED = False
    response = client.get(url, headers={"If-None-Match": on})
    assert response.status_code == 200 and response["ETag"] != on
