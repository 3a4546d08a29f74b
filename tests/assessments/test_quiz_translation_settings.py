"""The rules of a quiz are one set for all its translations: edited on the original (what
attempts refer to), copied to the translations, and locked on the translations' edit form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from wagtail.models import Locale

from assessments.models import Quiz
from assessments.quizzes.services import start_attempt, synchronise_quiz_settings
from tests.factories import UserFactory, course_with_lessons, quiz_with_questions, translate_page

pytestmark = pytest.mark.django_db


def _english(quiz: Quiz) -> Quiz:
    english = quiz.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Assessment"
    english.save()
    return english


def _form_data(quiz: Quiz, **changes) -> dict:
    data = {
        "title": quiz.title,
        "introduction": quiz.introduction,
        "module": quiz.module_id or "",
        "bank": quiz.bank_id,
        "category": quiz.category,
        "draw_count": quiz.draw_count or "",
        "shuffle_questions": "on" if quiz.shuffle_questions else "",
        "shuffle_choices": "on" if quiz.shuffle_choices else "",
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts or "",
        "min_delay": "00:00:00",
        "time_limit_minutes": quiz.time_limit_minutes or "",
        "feedback": quiz.feedback,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def _edit_url(quiz: Quiz) -> str:
    return reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])


def test_editing_the_rules_of_the_original_copies_them_to_the_english_translation(client, editor):
    quiz = quiz_with_questions(questions=4, pass_mark=50)
    english = _english(quiz)
    client.force_login(editor)

    response = client.post(
        _edit_url(quiz), _form_data(quiz, pass_mark=80, max_attempts=3, draw_count=2)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    english.refresh_from_db()
    assert (english.pass_mark, english.max_attempts, english.draw_count) == (80, 3, 2)
    assert english.title == "Assessment"  # the translated text is left alone


def test_the_rules_cannot_be_changed_on_a_translation_and_a_tampered_value_is_ignored(
    client, editor
):
    quiz = quiz_with_questions(questions=4, pass_mark=50)
    english = _english(quiz)
    client.force_login(editor)

    page = client.get(_edit_url(english)).content.decode()
    assert "Set on the original version of this quiz" in page or "Réglé sur la version" in page

    response = client.post(
        _edit_url(english), _form_data(english, title="Final assessment", pass_mark=1)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    english.refresh_from_db()
    quiz.refresh_from_db()
    assert english.title == "Final assessment"
    assert english.pass_mark == quiz.pass_mark == 50


def test_an_english_learner_is_graded_by_the_rules_the_english_editor_sees():
    quiz = quiz_with_questions(questions=4, pass_mark=50, max_attempts=1)
    english = _english(quiz)
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark=90, min_delay=timedelta(minutes=5))
    quiz.refresh_from_db()

    assert synchronise_quiz_settings(quiz=english) == 1

    english.refresh_from_db()
    assert (english.pass_mark, english.min_delay) == (90, timedelta(minutes=5))
    attempt = start_attempt(user=UserFactory(), quiz=english)
    assert attempt.quiz_id == quiz.pk  # attempts always refer to the original


def test_the_module_of_a_translation_is_the_module_in_its_language():
    _course, (module,), _lessons = course_with_lessons(modules=1, lessons=1)
    english_module = translate_page(module, "en")
    quiz = quiz_with_questions(questions=2, module=module)
    english = _english(quiz)
    english.module = None
    english.save()

    synchronise_quiz_settings(quiz=quiz)

    english.refresh_from_db()
    assert english.module_id == english_module.pk
