"""The shared cache of published content (courses/cache.py): one rendered body for every
visitor, each seeing their own progress; entries that follow publishing, unpublishing, moving and
translating; no write on a plain page view."""

import pytest
from django.utils import timezone

from courses import services
from courses.cache import content_version
from courses.models import Enrolment
from tests.factories import (
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
    course_with_lessons,
    h5p_activity,
    h5p_block,
    translate_page,
)

pytestmark = pytest.mark.django_db


def _lesson(body_text: str = "Le texte partagé de la leçon."):
    course, modules, lessons = course_with_lessons(modules=1, lessons=2)
    lesson = lessons[0]
    lesson.body = [{"type": "rich_text", "value": f"<p>{body_text}</p>"}]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return course, modules[0], lesson


def test_two_learners_share_one_rendered_body_and_each_sees_their_own_progress(client):
    course, _module, lesson = _lesson()
    done, reading = UserFactory(), UserFactory()
    for user in (done, reading):
        services.enrol(user=user, course=course)
    services.complete_lesson(user=done, lesson=lesson)

    client.force_login(done)
    first = client.get(lesson.url).content.decode()
    version = content_version()
    client.force_login(reading)
    second = client.get(lesson.url).content.decode()

    assert content_version() == version  # the same entries served both
    assert "Le texte partagé de la leçon." in first and "Le texte partagé de la leçon." in second
    assert "Vous avez terminé cette leçon." in first
    assert "J'ai terminé cette leçon" not in first
    assert "J'ai terminé cette leçon" in second  # the button is hers, she has not finished
    assert "Vous avez terminé cette leçon." not in second


def test_the_body_is_rendered_once_and_the_visitor_parts_each_time(client):
    """An H5P activity says « sign in » to a visitor and offers to start to a learner, though the
    text around it is rendered once."""
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    lesson = lessons[0]
    lesson.body = [
        {"type": "rich_text", "value": "<p>Avant l'activité.</p>"},
        h5p_block(h5p_activity(title="Qualifier les faits")),
    ]
    lesson.save_revision().publish()
    anonymous = client.get(lesson.url).content.decode()
    learner = UserFactory()
    services.enrol(user=learner, course=course)
    client.force_login(learner)
    signed_in = client.get(lesson.url).content.decode()
    assert "Avant l'activité." in anonymous and "Avant l'activité." in signed_in
    assert "data-h5p-start" not in anonymous
    assert "data-h5p-start" in signed_in


def test_publishing_a_new_revision_shows_the_new_body(client):
    _course, _module, lesson = _lesson("Première version.")
    assert "Première version." in client.get(lesson.url).content.decode()
    lesson.body = [{"type": "rich_text", "value": "<p>Seconde version.</p>"}]
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert "Seconde version." in html and "Première version." not in html


def test_an_unpublished_lesson_is_not_found_and_leaves_the_outline(client):
    _course, module, lesson = _lesson()
    other = module.get_children().live().exclude(pk=lesson.pk).first().specific
    assert client.get(lesson.url).status_code == 200
    assert lesson.title in client.get(other.url).content.decode()
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
    assert lesson.title not in client.get(other.url).content.decode()


def test_a_moved_lesson_is_served_at_its_new_address_under_its_new_module(client):
    course, module, lesson = _lesson()
    old_url = lesson.url
    assert client.get(old_url).status_code == 200
    target = ModulePageFactory(parent=course, title="Module final")
    lesson.move(target, pos="last-child")
    lesson.refresh_from_db()
    assert lesson.url != old_url
    # Wagtail leaves a redirect from the old address: it leads to the new one.
    assert client.get(old_url)["Location"].endswith(lesson.url)
    html = client.get(lesson.url).content.decode()
    assert "Module final" in html  # breadcrumb and outline from the new module


def test_a_new_translation_appears_in_the_language_switch(client):
    course, module, lesson = _lesson()
    client.get(lesson.url)  # cached before the translation exists
    translate_page(course.get_parent().specific, title="Courses", slug="courses")
    translate_page(course, title="The course", slug="the-course")
    translate_page(module, title="The module", slug="the-module")
    english = translate_page(lesson, title="The lesson", slug="the-lesson")
    html = client.get(lesson.url).content.decode()
    assert f'href="{english.url}"' in html
    assert "The lesson" in client.get(english.url).content.decode()


def test_a_plain_page_view_writes_nothing_but_a_change_of_lesson_is_recorded(client):
    course, _module, lesson = _lesson()
    second = lesson.get_next_siblings().live().first().specific
    user = UserFactory()
    services.enrol(user=user, course=course)
    client.force_login(user)
    client.get(lesson.url)
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.last_lesson_id == lesson.pk
    visited = enrolment.last_visited_at
    client.get(lesson.url)
    assert Enrolment.objects.get(user=user).last_visited_at == visited  # no write
    client.get(second.url)
    assert Enrolment.objects.get(user=user).last_lesson_id == second.pk
    client.get(lesson.url)
    assert Enrolment.objects.get(user=user).last_lesson_id == lesson.pk
    # Older than a few minutes: the same lesson is recorded again.
    Enrolment.objects.filter(user=user).update(
        last_visited_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    client.get(lesson.url)
    assert timezone.now() - Enrolment.objects.get(user=user).last_visited_at < (
        timezone.timedelta(minutes=1)
    )


def test_a_lesson_of_another_course_is_not_taken_from_the_cache(client):
    """Two lessons with the same slug in two courses: each URL gives its own lesson."""
    one = LessonPageFactory(
        title="Introduction", body=[{"type": "rich_text", "value": "<p>Un</p>"}]
    )
    two = LessonPageFactory(
        title="Introduction", body=[{"type": "rich_text", "value": "<p>Deux</p>"}]
    )
    assert "<p>Un</p>" in client.get(one.url).content.decode()
    assert "<p>Deux</p>" in client.get(two.url).content.decode()
    assert "<p>Un</p>" in client.get(one.url).content.decode()
