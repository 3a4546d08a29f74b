"""The demo quizzes: 46 questions, one bank per course, one assessment per module in both
languages; loading twice changes nothing."""

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
