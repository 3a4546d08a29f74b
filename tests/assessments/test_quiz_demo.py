"""The demo quizzes: 46 questions, one bank per course, one assessment per module in both
languages; loading twice changes nothing."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Question, QuestionBank, Quiz
from courses.models import ModulePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_curriculum_questions_and_one_assessment_per_module(client):
    call_command("seed_demo")
    counts = (QuestionBank.objects.count(), Question.objects.count(), Quiz.objects.count())
    call_command("seed_demo")
    assert (QuestionBank.objects.count(), Question.objects.count(), Quiz.objects.count()) == counts

    assert QuestionBank.objects.count() == 3
    assert Question.objects.in_language("fr").count() == 46
    assert Question.objects.in_language("en").count() == 46
    french_modules = ModulePage.objects.filter(locale__language_code="fr")
    assert Quiz.objects.in_language("fr").count() == french_modules.count() == 11
    assert Quiz.objects.in_language("en").count() == 11

    client.force_login(UserFactory())
    for module in ModulePage.objects.live():
        html = client.get(module.url).content.decode()
        english = module.locale.language_code == "en"
        assert ("Module assessment" if english else "Évaluation du module") in html
        quiz = Quiz.objects.get(
            translation_key=Quiz.objects.originals()
            .get(module__translation_key=module.translation_key)
            .translation_key,
            locale=module.locale,
        )
        assert reverse("quiz_detail", args=[quiz.pk]) in html


# Choices are shuffled for each attempt (and their letters never shown): a text that names a
# choice by its letter or its place (« la réponse b », "option c", "all of the above") points
# at the wrong one.
_BY_LETTER = re.compile(
    r"\b(?:r[ée]ponses?|choix|options?|propositions?|lettres?|answers?|choices?|letters?)"
    r"\s*\(?[a-eA-E]\b(?!['’])|\(\s*[a-eA-E]\s*\)|(?:^|\s)[a-eA-E]\)",
    re.IGNORECASE,
)
_BY_PLACE = re.compile(r"ci-dessus|ci-dessous|\babove\b|\bbelow\b", re.IGNORECASE)


def _demo_questions():
    from courses.demo import load_curriculum

    for course in load_curriculum()["courses"]:
        for module in course["modules"]:
            yield from module.get("quiz", [])


def test_the_checks_would_catch_a_choice_named_by_letter():
    for text in ("La réponse b énumère des moyens", "Option c lists forms", "voir (b)", " a) x"):
        assert _BY_LETTER.search(text), text
    assert _BY_PLACE.search("All of the above")
    assert not _BY_LETTER.search("Les actes de la loi, article 3 ; a priori")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_demo_explanation_or_choice_names_a_choice_by_letter_or_place(language):
    questions = list(_demo_questions())
    assert len(questions) == 46
    for question in questions:
        explanation = question.get(f"explanation_{language}", "")
        assert explanation, question["id"]
        assert not _BY_LETTER.search(explanation), (question["id"], explanation)
        assert not _BY_LETTER.search(question[f"text_{language}"]), question["id"]
        for choice in question["choices"]:
            assert not _BY_PLACE.search(choice[language]), (question["id"], choice[language])
