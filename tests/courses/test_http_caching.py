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
from tests.public_copies import forget_kept_copies, kept_copies

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
    assert kept_copies()
    forget_kept_copies()  # not kept (evicted, or another server's)
    with django_assert_num_queries(1):  # the page row: it must still be published
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    client.get(url)  # rendered again, and kept
    with django_assert_num_queries(0):  # then from the kept copy
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


# --- The rendered copy kept for the next visitors (courses.routing.serve) ----------------------


def test_the_next_visitor_gets_the_kept_copy_with_no_query_and_no_rendering(
    client, pages, django_assert_num_queries
):
    from django.test import Client

    url = pages["lesson"].url
    first = client.get(url)
    with django_assert_num_queries(0):
        again = Client().get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert _is_public(again)
    assert not getattr(again, "templates", None)  # nothing rendered


def test_a_kept_copy_answers_a_conditional_get_with_a_304(client, pages):
    url = pages["course"].url
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response["ETag"] == etag


def test_publishing_replaces_the_kept_copy(client, pages):
    lesson = pages["lesson"]
    client.get(lesson.url)
    lesson.body = [{"type": "rich_text", "value": "<p>Troisième version.</p>"}]
    lesson.save_revision().publish()
    assert "Troisième version." in client.get(lesson.url).content.decode()


def test_unpublishing_a_page_ends_its_kept_copy(client, pages):
    lesson = pages["lesson"]
    url = lesson.url
    assert client.get(url).status_code == 200
    lesson.unpublish()
    assert client.get(url).status_code == 404


def test_a_signed_in_learner_is_never_sent_the_visitors_copy(client, pages):
    url = pages["lesson"].url
    visitors = client.get(url)
    client.force_login(UserFactory(full_name="Aminata Keïta"))
    response = client.get(url)
    assert response.content != visitors.content
    assert "Aminata" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"


def test_a_visitor_with_a_message_waiting_sees_it_and_the_copy_is_not_used(client, pages):
    url = pages["lesson"].url
    client.get(url)  # the copy is kept
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))  # « Vous êtes déconnecté. » queued
    response = client.get(url)
    assert "déconnecté" in response.content.decode()


def test_a_query_string_is_rendered_not_answered_from_the_copy(client, pages):
    url = pages["catalogue"].url
    client.get(url)
    response = client.get(url, {"page": "2"})
    assert response.templates  # rendered


def test_the_copy_of_one_language_is_not_sent_for_the_other(client, pages):
    course = pages["course"]
    english = translate_page(course, "en", title="The English course")
    client.get(course.url)
    assert "The English course" in client.get(english.url).content.decode()
