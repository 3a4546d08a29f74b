"""Template tags placing quizzes on course pages (courses never imports assessments)."""

from django import template

from assessments.models import Attempt, Quiz
from assessments.quizzes import services

register = template.Library()


def _in_language(quiz: Quiz, locale_id: int) -> Quiz:
    return (
        Quiz.objects.filter(translation_key=quiz.translation_key, locale_id=locale_id).first()
        or quiz
    )


@register.simple_tag(takes_context=True)
def module_assessment(context, module):
    """`{% module_assessment page as assessment %}`: the module's assessment in the page's
    language and whether the signed-in learner has passed it; None without an assessment."""
    original = services.module_assessment(module)
    if original is None:
        return None
    user = context.get("request").user if context.get("request") else None
    passed = bool(
        user
        and user.is_authenticated
        and Attempt.objects.filter(user=user, quiz=original, passed=True).exists()
    )
    return {"quiz": _in_language(original, module.locale_id), "passed": passed}
