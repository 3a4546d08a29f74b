"""Learner views of the quizzes: thin, each calls one service.

URLs carry the quiz in the learner's language (its translation's id), so the pages are shown in
that language; attempts always belong to the original quiz. Pages work without JavaScript (one
form per page of questions); `quiz.js` only saves each change as it happens.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from assessments.models import Answer, Attempt, FeedbackPolicy, Question, Quiz
from assessments.quizzes import services
from courses.models import ModulePage

PAGE_SIZE = 5


def _quiz(request, quiz_id: int) -> tuple[Quiz, Quiz]:
    """(the quiz as asked, in its language; its original). Activates the quiz's language."""
    quiz = get_object_or_404(Quiz.objects.select_related("locale"), pk=quiz_id)
    language = quiz.locale.language_code
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return quiz, services.original(quiz)


def _attempt(request, original: Quiz, attempt_id: int) -> Attempt:
    # Someone else's attempt, or an attempt of another quiz: not found.
    return get_object_or_404(Attempt, pk=attempt_id, user=request.user, quiz=original)


def _localised_questions(ids: list[int], language: str) -> dict[int, Question]:
    """{original id: the question in `language` (or the original)}, choices prefetched; three
    queries whatever the number of questions or the size of the bank."""
    originals = {
        q.pk: q
        for q in Question.objects.filter(pk__in=ids)
        .select_related("scenario")
        .prefetch_related("choices")
    }
    keys = {q.translation_key: pk for pk, q in originals.items()}
    translated = (
        Question.objects.filter(translation_key__in=keys, locale__language_code=language)
        .exclude(pk__in=ids)
        .select_related("scenario")
        .prefetch_related("choices")
    )
    for question in translated:
        originals[keys[question.translation_key]] = question
    return originals


def _items(attempt: Attempt, ids: list[int], language: str, answers: dict) -> list[dict]:
    questions = _localised_questions(ids, language)
    layout = {item["q"]: item["c"] for item in attempt.layout}
    items = []
    for question_id in ids:
        question = questions[question_id]
        by_key = {str(choice.key): choice for choice in question.choices.all()}
        answer = answers.get(question_id)
        selected = set(answer.selected) if answer else set()
        items.append(
            {
                "id": question_id,
                "question": question,
                "answer": answer,
                "choices": [
                    {"key": key, "text": by_key[key].text, "selected": key in selected}
                    for key in layout[question_id]
                    if key in by_key
                ],
                "_by_key": by_key,
            }
        )
    return items


@login_required
def quiz_detail(request, quiz_id: int):
    quiz, original = _quiz(request, quiz_id)
    state = services.availability(user=request.user, quiz=original)
    attempts = Attempt.objects.filter(user=request.user, quiz=original).order_by("attempt_number")
    module = None
    if original.module_id:
        module = (
            ModulePage.objects.filter(
                translation_key=original.module.translation_key, locale=quiz.locale
            ).first()
            or original.module
        )
    return render(
        request,
        "assessments/quiz/detail.html",
        {"quiz": quiz, "rules": original, "state": state, "attempts": attempts, "module": module},
    )


@login_required
@require_POST
def start(request, quiz_id: int):
    quiz, original = _quiz(request, quiz_id)
    try:
        attempt = services.start_attempt(user=request.user, quiz=original)
    except services.QuizRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("quiz_detail", quiz.pk)
    return redirect("quiz_attempt", quiz.pk, attempt.pk)


def _posted_answers(request, ids: list[int]) -> dict[int, list[str]]:
    return {pk: request.POST.getlist(f"q{pk}") for pk in ids if f"q{pk}" in request.POST} | {
        pk: [] for pk in ids if f"q{pk}" not in request.POST and f"seen{pk}" in request.POST
    }


@login_required
def attempt_page(request, quiz_id: int, attempt_id: int):
    quiz, original = _quiz(request, quiz_id)
    attempt = _attempt(request, original, attempt_id)
    was_open = attempt.is_open
    attempt = services.close_if_expired(attempt=attempt)
    if not attempt.is_open:
        if was_open:
            messages.warning(request, services.TIME_OVER)
        elif request.method == "POST" and request.POST.get("action") != "submit":
            messages.error(request, services.ALREADY_SUBMITTED)
        return redirect("quiz_result", quiz.pk, attempt.pk)
    ids = attempt.question_ids
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    try:
        number = min(max(1, int(request.GET.get("page") or request.POST.get("page") or 1)), pages)
    except ValueError:
        number = 1
    page_ids = ids[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    if request.method == "POST":
        try:
            services.save_answers(attempt=attempt, answers=_posted_answers(request, page_ids))
        except services.QuizRefused as refusal:
            messages.error(request, refusal.message)
            return redirect(reverse("quiz_attempt", args=[quiz.pk, attempt.pk]) + f"?page={number}")
        action = request.POST.get("action")
        if action == "submit":
            services.submit_attempt(attempt=attempt)
            return redirect("quiz_result", quiz.pk, attempt.pk)
        target = number + 1 if action == "next" else number - 1 if action == "previous" else number
        target = min(max(1, target), pages)
        return redirect(reverse("quiz_attempt", args=[quiz.pk, attempt.pk]) + f"?page={target}")
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    return render(
        request,
        "assessments/quiz/attempt.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "items": _items(attempt, page_ids, quiz.locale.language_code, answers),
            "page_number": number,
            "pages": pages,
            "first_number": (number - 1) * PAGE_SIZE + 1,
            "answered": len(answers),
            "total": len(ids),
        },
    )


@login_required
@require_POST
def autosave(request, quiz_id: int, attempt_id: int):
    """One question's answer, saved as the learner changes it (JavaScript only)."""
    _quiz_, original = _quiz(request, quiz_id)
    attempt = _attempt(request, original, attempt_id)
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        return JsonResponse({"saved": False, "message": str(_refused_message())}, status=400)
    try:
        services.save_answers(
            attempt=attempt, answers={question_id: request.POST.getlist(f"q{question_id}")}
        )
    except services.QuizRefused as refusal:
        return JsonResponse({"saved": False, "message": refusal.message}, status=409)
    return JsonResponse({"saved": True})


def _refused_message():
    from django.utils.translation import gettext

    return gettext("An answer does not belong to this attempt: nothing was saved. Reload the page.")


@login_required
def result(request, quiz_id: int, attempt_id: int):
    quiz, original = _quiz(request, quiz_id)
    attempt = _attempt(request, original, attempt_id)
    attempt = services.close_if_expired(attempt=attempt)
    if attempt.is_open:
        raise Http404
    items = []
    if original.feedback != FeedbackPolicy.SCORE:
        answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
        items = _items(attempt, attempt.question_ids, quiz.locale.language_code, answers)
        for item in items:
            for choice in item["choices"]:
                choice["correct"] = item["_by_key"][choice["key"]].is_correct
            item["right"] = bool(item["answer"] and item["answer"].is_correct)
    state = services.availability(user=request.user, quiz=original)
    return render(
        request,
        "assessments/quiz/result.html",
        {
            "quiz": quiz,
            "rules": original,
            "attempt": attempt,
            "items": items,
            "full": original.feedback == FeedbackPolicy.FULL,
            "state": state,
        },
    )
