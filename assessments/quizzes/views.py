"""Learner views of the quizzes: thin, each calls one service.

URLs carry the quiz in the learner's language (its translation's id), so the pages are shown in
that language; attempts always belong to the original quiz. Pages work without JavaScript (one
form per page of questions); `quiz.js` only saves each change as it happens.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessments.models import Answer, Attempt, FeedbackPolicy, Question, Quiz
from assessments.quizzes import services
from courses import progress
from courses.models import CoursePage, EnrolmentStatus, LessonPage, ModulePage

PAGE_SIZE = 5


def _quiz(request, quiz_id: int) -> tuple[Quiz, Quiz]:
    """(the quiz as asked, in its language; its original). Activates the quiz's language."""
    quiz = get_object_or_404(Quiz.objects.select_related("locale"), pk=quiz_id)
    language = quiz.locale.language_code
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return quiz, services.original(quiz)


def _translations(quiz: Quiz) -> list[Quiz]:
    """The quiz's translations (itself included) with their locales, newest first: one query."""
    return list(
        Quiz.objects.filter(translation_key=quiz.translation_key)
        .select_related("locale")
        .order_by("-pk")
    )


def _language_urls(translations: list[Quiz], name: str, *args) -> dict[str, str]:
    """{language code: this page for the quiz's translation in that language}, for the
    language switch (quiz URLs name one translation, so the other prefix alone would show the
    same language)."""
    return {
        translated.locale.language_code: reverse(name, args=[translated.pk, *args])
        for translated in translations
    }


def _module_in_language(original: Quiz, quiz: Quiz) -> ModulePage | None:
    if not original.module_id:
        return None
    return (
        ModulePage.objects.filter(
            translation_key=original.module.translation_key, locale=quiz.locale
        ).first()
        or original.module
    )


def _attempt(request, quiz_id: int, attempt_id: int) -> Attempt:
    """The signed-in learner's attempt `attempt_id` of the quiz that `quiz_id` names (any of its
    translations), with its quiz (the original), in one query; activates the language of the
    translation asked (`attempt.asked_language`). Someone else's attempt, an attempt of another
    quiz, or one that does not hold the original: not found."""
    asked = Quiz.objects.filter(pk=quiz_id, translation_key=OuterRef("quiz__translation_key"))
    earlier = Quiz.objects.filter(
        translation_key=OuterRef("quiz__translation_key"), pk__lt=OuterRef("quiz_id")
    )
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz")
        .annotate(asked_language=Subquery(asked.values("locale__language_code")[:1]))
        .filter(~Exists(earlier), pk=attempt_id, user=request.user, asked_language__isnull=False)
    )
    translation.activate(attempt.asked_language)
    request.LANGUAGE_CODE = attempt.asked_language
    return attempt


def _asked_quiz(attempt: Attempt, quiz_id: int) -> tuple[Quiz, list[Quiz]]:
    """(the translation of the attempt's quiz that the URL names, all its translations): one
    query, which the language switch uses too."""
    translations = _translations(attempt.quiz)
    quiz = next((t for t in translations if t.pk == quiz_id), None)
    if quiz is None:  # deleted since the attempt was read
        raise Http404
    return quiz, translations


def _localised_questions(ids: list[int], language: str) -> dict[int, Question]:
    """{original id: the question in `language` (or the original)}, choices prefetched; two
    queries whatever the number of questions or the size of the bank: the originals and their
    translations in `language` at once, then their choices."""
    keys = Question.objects.filter(pk__in=ids).values("translation_key")
    found = list(
        Question.objects.filter(
            Q(pk__in=ids) | Q(translation_key__in=keys, locale__language_code=language)
        )
        .select_related("scenario")
        .prefetch_related("choices")
    )
    wanted = set(ids)
    questions = {q.pk: q for q in found if q.pk in wanted}
    original_of = {q.translation_key: pk for pk, q in questions.items()}
    for question in found:
        if question.pk not in wanted and question.translation_key in original_of:
            questions[original_of[question.translation_key]] = question
    return questions


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
    return render(
        request,
        "assessments/quiz/detail.html",
        {
            "quiz": quiz,
            "rules": original,
            "state": state,
            "attempts": attempts,
            "module": _module_in_language(original, quiz),
            "language_urls": _language_urls(_translations(quiz), "quiz_detail"),
        },
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
    attempt = _attempt(request, quiz_id, attempt_id)
    original = attempt.quiz
    quiz, translations = _asked_quiz(attempt, quiz_id)
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
            unanswered = _unanswered(attempt)
            if unanswered and request.POST.get("confirm") != "1":
                # Asked on the server, so it works without JavaScript (quiz.js asks first).
                return _confirm_submit(request, quiz, translations, attempt, unanswered, number)
            services.submit_attempt(attempt=attempt)
            return redirect("quiz_result", quiz.pk, attempt.pk)
        target = number + 1 if action == "next" else number - 1 if action == "previous" else number
        target = min(max(1, target), pages)
        return redirect(reverse("quiz_attempt", args=[quiz.pk, attempt.pk]) + f"?page={target}")
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    answered = {pk for pk, answer in answers.items() if answer.selected}
    total = len(ids)
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
            "answered": len(answered),
            "answered_elsewhere": len(answered - set(page_ids)),
            "total": total,
            "counter": _counter(len(answered), total),
            "counter_texts": {n: _counter(n, total, placeholder=True) for n in ("0", "1", "2")},
            "confirm_texts": {n: _unanswered_text(n, placeholder=True) for n in ("1", "2")},
            "language_urls": _language_urls(translations, "quiz_attempt", attempt.pk),
            "rules_offline": original.offline_allowed,
        },
    )


def _counter(answered, total: int, *, placeholder: bool = False) -> str:
    """« 3 questions répondues sur 7 »; with `placeholder`, the text quiz.js fills in with the
    count (`answered` is then "0", "1" or "2", standing for zero, one and more)."""
    text = ngettext(
        "%(answered)s of %(total)s question answered",
        "%(answered)s of %(total)s questions answered",
        int(answered),
    )
    return text % {"answered": "{n}" if placeholder else answered, "total": total}


def _unanswered_text(count, *, placeholder: bool = False) -> str:
    text = ngettext(
        "%(count)s question without an answer: submit anyway?",
        "%(count)s questions without an answer: submit anyway?",
        int(count),
    )
    return text % {"count": "{n}" if placeholder else count}


def _unanswered(attempt: Attempt) -> list[int]:
    """The attempt's questions (in its order) with no choice ticked."""
    answered = {
        question_id
        for question_id, selected in Answer.objects.filter(attempt=attempt).values_list(
            "question_id", "selected"
        )
        if selected
    }
    return [pk for pk in attempt.question_ids if pk not in answered]


def _confirm_submit(
    request,
    quiz: Quiz,
    translations: list[Quiz],
    attempt: Attempt,
    unanswered: list[int],
    number: int,
):
    ids = attempt.question_ids
    first = ids.index(unanswered[0])
    return render(
        request,
        "assessments/quiz/confirm.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "question": _unanswered_text(len(unanswered)),
            "numbers": [ids.index(pk) + 1 for pk in unanswered],
            "back_url": reverse("quiz_attempt", args=[quiz.pk, attempt.pk])
            + f"?page={first // PAGE_SIZE + 1}",
            "page_number": number,
            "language_urls": _language_urls(translations, "quiz_attempt", attempt.pk),
        },
    )


@login_required
@require_POST
def autosave(request, quiz_id: int, attempt_id: int):
    """One question's answer, saved as the learner changes it (JavaScript only). Four queries:
    the user, their roles (the second-factor check), the attempt with its quiz, the write."""
    attempt = _attempt(request, quiz_id, attempt_id)
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
    attempt = _attempt(request, quiz_id, attempt_id)
    original = attempt.quiz
    quiz, translations = _asked_quiz(attempt, quiz_id)
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
            "outcome": _outcome(request, quiz, original, attempt),
            "language_urls": _language_urls(translations, "quiz_result", attempt.pk),
        },
    )


def _outcome(request, quiz: Quiz, original: Quiz, attempt: Attempt) -> dict:
    """What the result means in the course, in the quiz's language: the module it assesses
    (completed or not), the lessons to go back to, the next step, the course completed and its
    certificate."""
    module = _module_in_language(original, quiz)
    lesson = None
    if module is None:
        holding = services.lessons_holding(original)
        lesson = next((p for p in holding if p.locale_id == quiz.locale_id), None) or next(
            iter(holding), None
        )
    anchor = module or lesson
    course = CoursePage.objects.ancestor_of(anchor).first() if anchor is not None else None
    outcome = {"module": module, "lesson": lesson, "course": course}
    if course is None:
        return outcome
    user = request.user
    modules = list(ModulePage.objects.outline_of(course))
    lessons = list(LessonPage.objects.outline_of(course))
    outline = progress.annotate_outline(user, course, modules, lessons)
    enrolment = outline["enrolment"]
    outcome["enrolled"] = enrolment is not None and enrolment.status != "withdrawn"
    if module is not None:
        outcome["module_completed"] = next(
            (m.is_complete for m in modules if m.translation_key == module.translation_key),
            False,
        )
    outcome["course_completed"] = (
        enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED
    )
    outcome["certificate"] = outline["certificate"]
    outcome["next"] = outline["resume"]
    return outcome
