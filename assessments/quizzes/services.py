"""Writes of the quizzes: start an attempt, save answers, submit and grade.

Grading happens here only, against the attempt's stored layout (original question ids and
choice keys), whatever the language the learner read. Each write locks the attempt row, so two
tabs or a retried POST grade once. A passed quiz rolls up through `courses.services`: the
lessons that hold it and the module it assesses are evaluated again.
"""

from __future__ import annotations

import random
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.models import Page, ReferenceIndex

from assessments.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Choice,
    Question,
    QuestionKind,
    Quiz,
)
from assessments.models.quizzes import QUIZ_SETTINGS
from courses import services as course_services
from courses.models import LessonPage
from courses.when import moment_in_words

THOUSANDTH = Decimal("0.001")
TIME_OVER = gettext_lazy(
    "The time allowed is over: the answers saved before the deadline were graded."
)
ALREADY_SUBMITTED = gettext_lazy("This attempt has already been submitted: nothing was changed.")


class QuizRefused(Exception):
    """A learner's action on a quiz that the rules refuse; `message` is for the learner."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def original(obj):
    """The first-created of an object's translations: what attempts and grades refer to."""
    model = type(obj)
    first = (
        model.objects.filter(translation_key=obj.translation_key)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return obj if first in (None, obj.pk) else model.objects.get(pk=first)


@transaction.atomic
def synchronise_quiz_settings(*, quiz: Quiz) -> int:
    """Copy the rules of a quiz's original to each of its translations (module and fixed
    questions as their translations in the translation's language, when they exist). Returns
    the number of translations updated. Attempts read the original's rules: this keeps what the
    English editor sees equal to what is applied."""
    source = original(quiz)
    translations = list(
        Quiz.objects.filter(translation_key=source.translation_key).exclude(pk=source.pk)
    )
    if not translations:
        return 0
    fixed = list(source.fixed_questions.all())
    for translation in translations:
        for name in QUIZ_SETTINGS:
            setattr(translation, name, getattr(source, name))
        if source.module is not None:
            translation.module = (
                source.module.get_translations(inclusive=True)
                .filter(locale_id=translation.locale_id)
                .first()
                or source.module
            ).specific
        translation.save(update_fields=list(QUIZ_SETTINGS))
        by_key = {
            question.translation_key: question
            for question in Question.objects.filter(
                translation_key__in=[q.translation_key for q in fixed],
                locale_id=translation.locale_id,
            )
        }
        translation.fixed_questions.set(
            [by_key.get(question.translation_key, question) for question in fixed]
        )
    return len(translations)


# --- reads used by the services and the views ---------------------------------------------------


@dataclass(frozen=True)
class Availability:
    open_attempt: Attempt | None
    submitted: int
    passed: bool
    refusal: str | None  # why a new attempt cannot start now
    next_start: datetime | None = None  # when the delay between attempts is over (if not yet)

    @property
    def can_start(self) -> bool:
        return self.open_attempt is not None or self.refusal is None


def availability(*, user, quiz: Quiz, now: datetime | None = None) -> Availability:
    """What `user` may do with the (original) quiz now, in one query."""
    now = now or timezone.now()
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("attempt_number"))
    open_attempt = next((a for a in attempts if a.is_open), None)
    done = [a for a in attempts if not a.is_open]
    refusal = None
    next_start = None
    if quiz.max_attempts is not None and len(attempts) >= quiz.max_attempts:
        refusal = ngettext(
            "You have used the only attempt allowed for this assessment.",
            "You have used all %(count)s attempts allowed for this assessment.",
            quiz.max_attempts,
        ) % {"count": quiz.max_attempts}
    elif done and quiz.min_delay:
        last = max(a.submitted_at for a in done)
        next_start = last + quiz.min_delay
        if now < next_start:
            # In words: « dans 1 minute », « le 3 décembre à 14 h 00 ».
            refusal = _("You can try again %(when)s.") % {"when": moment_in_words(next_start, now)}
        else:
            next_start = None
    return Availability(
        open_attempt=open_attempt,
        submitted=len(done),
        passed=any(a.passed for a in done),
        refusal=refusal,
        next_start=next_start,
    )


def _candidates(quiz: Quiz) -> list[tuple[int, int | None]]:
    """(question id, scenario id) of the original questions the quiz draws from."""
    fixed = quiz.fixed_questions.all()
    source = fixed if fixed.exists() else Question.objects.filter(bank_id=quiz.bank_id)
    if not fixed.exists() and quiz.category:
        source = source.filter(category=quiz.category)
    ids = Question.objects.originals().filter(translation_key__in=source.values("translation_key"))
    return list(ids.order_by("pk").values_list("pk", "scenario_id"))


def _draw(quiz: Quiz) -> list[dict]:
    candidates = _candidates(quiz)
    if quiz.draw_count and quiz.draw_count < len(candidates):
        candidates = random.sample(candidates, quiz.draw_count)
        candidates.sort()
    if quiz.shuffle_questions:
        random.shuffle(candidates)
    # The questions of a case scenario stay together, where the first of them was drawn.
    groups: dict = {}
    for pk, scenario in candidates:
        groups.setdefault(scenario if scenario is not None else ("alone", pk), []).append(pk)
    ordered = [pk for group in groups.values() for pk in group]
    keys: dict[int, list[str]] = {pk: [] for pk in ordered}
    for question_id, key in (
        Choice.objects.filter(question_id__in=keys)
        .order_by("sort_order", "pk")
        .values_list("question_id", "key")
    ):
        keys[question_id].append(str(key))
    layout = []
    for pk in ordered:
        choices = keys[pk]
        if quiz.shuffle_choices:
            random.shuffle(choices)
        layout.append({"q": pk, "c": choices})
    return layout


# --- writes --------------------------------------------------------------------------------------


def start_attempt(*, user, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """Start an attempt, or resume the open one. The questions drawn and the order of their
    choices are fixed now and stored with the attempt."""
    from assessments.quizzes.tasks import close_expired_attempt_task

    quiz = original(quiz)
    now = now or timezone.now()
    for attempt in Attempt.objects.filter(user=user, quiz=quiz, status=AttemptStatus.IN_PROGRESS):
        close_if_expired(attempt=attempt, now=now)
    state = availability(user=user, quiz=quiz, now=now)
    if state.open_attempt is not None:
        return state.open_attempt
    if state.refusal:
        raise QuizRefused(state.refusal)
    layout = _draw(quiz)
    if not layout:
        raise QuizRefused(_("This assessment has no questions yet."))
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                attempt_number=state.submitted + 1,
                layout=layout,
                started_at=now,
                deadline=deadline,
            )
    except IntegrityError:  # a second tab started the same attempt at the same moment
        return Attempt.objects.get(user=user, quiz=quiz, attempt_number=state.submitted + 1)
    if deadline is not None:
        # Close and grade at the deadline even if the learner never comes back.
        transaction.on_commit(
            lambda: close_expired_attempt_task.apply_async((attempt.pk,), eta=deadline)
        )
    return attempt


def _check_open(attempt: Attempt, now: datetime) -> None:
    if not attempt.is_open:
        raise QuizRefused(str(ALREADY_SUBMITTED))
    if attempt.deadline is not None and now > attempt.deadline:
        raise QuizRefused(str(TIME_OVER))


def save_answers(
    *, attempt: Attempt, answers: dict[int, list[str]], now: datetime | None = None
) -> Attempt:
    """Save the learner's answers to some questions of an open attempt (all or nothing): every
    question must belong to the attempt, every choice to its question in the attempt.

    The write is one statement that takes the attempt's row lock, checks it is still open and
    within its time, and inserts or replaces the answers (INSERT … ON CONFLICT): a submit that
    holds the lock first leaves it nothing to write, a submit that comes second grades what it
    wrote. Refusals (submitted, time over) read the attempt again to say which."""
    now = now or timezone.now()
    allowed = {item["q"]: set(item["c"]) for item in attempt.layout}
    for question_id, keys in answers.items():
        if question_id not in allowed or not set(keys) <= allowed[question_id]:
            raise QuizRefused(
                _("An answer does not belong to this attempt: nothing was saved. Reload the page.")
            )
    rows = [(question_id, sorted(set(keys))) for question_id, keys in answers.items()]
    if rows and _write_answers(attempt.pk, rows, now):
        return attempt
    # Nothing written (or nothing to write): the attempt as it stands says why.
    current = Attempt.objects.get(pk=attempt.pk)
    if current.is_open and current.deadline is not None and now > current.deadline:
        close_if_expired(attempt=current, now=now)
    _check_open(current, now)
    return current


def _write_answers(attempt_id: int, rows: list[tuple[int, list[str]]], now: datetime) -> bool:
    """Insert or replace the answers `rows` ((question id, choice keys)) of the attempt if it is
    open and `now` is within its time; whether they were written."""
    if connection.vendor != "postgresql":
        return _write_answers_locked(attempt_id, rows, now)
    answer, attempt = Answer._meta, Attempt._meta
    selected = answer.get_field("selected")
    values = ", ".join(["(%s::bigint, %s::jsonb)"] * len(rows))
    params: list = [attempt_id, AttemptStatus.IN_PROGRESS, now, now]
    for question_id, keys in rows:
        params += [question_id, selected.get_db_prep_save(keys, connection)]
    # FOR UPDATE as submit_attempt takes it: whichever comes second waits for the other, and a
    # save that waited for a submit finds the attempt no longer open (READ COMMITTED checks the
    # row again once the lock is granted).
    sql = f"""
        WITH open_attempt AS (
            SELECT id FROM {attempt.db_table}
            WHERE id = %s AND status = %s AND (deadline IS NULL OR deadline >= %s)
            FOR UPDATE
        )
        INSERT INTO {answer.db_table} (attempt_id, question_id, selected, saved_at)
        SELECT open_attempt.id, answer.question_id, answer.selected, %s
        FROM open_attempt, (VALUES {values}) AS answer (question_id, selected)
        ON CONFLICT (attempt_id, question_id)
        DO UPDATE SET selected = EXCLUDED.selected, saved_at = EXCLUDED.saved_at
        RETURNING 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall()) == len(rows)


def _write_answers_locked(attempt_id: int, rows: list[tuple[int, list[str]]], now) -> bool:
    """The same write on the other databases (SQLite in development): the attempt locked, checked,
    then one upsert."""
    with transaction.atomic():
        current = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
        if current is None or not current.is_open:
            return False
        if current.deadline is not None and now > current.deadline:
            return False
        Answer.objects.bulk_create(
            [
                Answer(attempt_id=attempt_id, question_id=question_id, selected=keys, saved_at=now)
                for question_id, keys in rows
            ],
            update_conflicts=True,
            unique_fields=["attempt", "question"],
            update_fields=["selected", "saved_at"],
        )
    return True


def score_question(kind: str, correct: set[str], selected: set[str]) -> Decimal:
    """Points (0 to 1) of one answer. Single choice and true/false: all or nothing. Multiple
    response: each right choice ticked earns 1/n (n = number of right choices), each wrong
    choice ticked takes 1/n away, never below zero."""
    if kind != QuestionKind.MULTIPLE:
        return Decimal(1) if selected and selected == correct else Decimal(0)
    if not correct:
        return Decimal(1) if not selected else Decimal(0)
    right = len(selected & correct)
    wrong = len(selected - correct)
    points = Decimal(max(0, right - wrong)) / Decimal(len(correct))
    return points.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def submit_attempt(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade the attempt once (a second submit returns the graded attempt unchanged). Queries:
    a fixed number whatever the size of the bank or of the attempt."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if not attempt.is_open:
            return attempt
        ids = attempt.question_ids
        kinds = dict(Question.objects.filter(pk__in=ids).values_list("pk", "kind"))
        correct: dict[int, set[str]] = {pk: set() for pk in ids}
        for question_id, key in Choice.objects.filter(
            question_id__in=ids, is_correct=True
        ).values_list("question_id", "key"):
            correct[question_id].add(str(key))
        answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
        total = Decimal(0)
        graded = []
        for question_id in ids:
            answer = answers.get(question_id)
            selected = set(answer.selected) if answer else set()
            points = score_question(kinds.get(question_id, ""), correct[question_id], selected)
            total += points
            if answer is not None:
                answer.points = points
                answer.is_correct = points == 1
                graded.append(answer)
        Answer.objects.bulk_update(graded, ["points", "is_correct"])
        count = len(ids) or 1
        attempt.points = total
        attempt.score_percent = (total * 100 / count).quantize(Decimal("0.01"))
        attempt.passed = total * 100 >= attempt.quiz.pass_mark * count
        attempt.status = AttemptStatus.SUBMITTED
        attempt.submitted_at = now
        attempt.save(update_fields=["points", "score_percent", "passed", "status", "submitted_at"])
        if attempt.passed:
            roll_up(user=attempt.user, quiz=attempt.quiz)
    return attempt


def close_if_expired(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade an open attempt whose deadline has passed, with the answers saved before it."""
    now = now or timezone.now()
    if attempt.is_open and attempt.deadline is not None and now >= attempt.deadline:
        return submit_attempt(attempt=attempt, now=attempt.deadline)
    return attempt


def lessons_holding(quiz: Quiz) -> list[LessonPage]:
    """The lessons whose body holds the quiz (in any of its translations), from Wagtail's
    reference index."""
    keys = Quiz.objects.filter(translation_key=quiz.translation_key).values_list("pk", flat=True)
    page_ids = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Quiz),
        to_object_id__in=[str(pk) for pk in keys],
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("object_id", flat=True)
    return list(LessonPage.objects.filter(pk__in=[int(pk) for pk in page_ids]))


def roll_up(*, user, quiz: Quiz) -> None:
    """A quiz was passed: complete the lessons holding it and the module it assesses, when
    their other requirements are met."""
    with suppress(course_services.ProgressRefused):
        for lesson in lessons_holding(quiz):
            course_services.evaluate_lesson(user=user, lesson=lesson)
        if quiz.module_id is not None:
            course_services.evaluate_module(user=user, module=quiz.module)


# --- completion rules, registered in AssessmentsConfig.ready() ----------------------------------


def lesson_quizzes(lesson) -> list[Quiz]:
    return [
        block.value["quiz"]
        for block in getattr(lesson.specific, "body", [])
        if block.block_type == "quiz" and block.value.get("quiz") is not None
    ]


def lesson_quizzes_passed(user, lesson) -> bool:
    """Every quiz of the lesson has a passed attempt by `user`."""
    quizzes = lesson_quizzes(lesson)
    if not quizzes:
        return True
    keys = {quiz.translation_key for quiz in quizzes}
    passed = set(
        Attempt.objects.filter(user=user, passed=True, quiz__translation_key__in=keys)
        .values_list("quiz__translation_key", flat=True)
        .distinct()
    )
    return keys <= passed


def modules_with_passed_assessment(user, modules) -> set[int]:
    """Ids of the modules whose assessment (if any) `user` has passed, in two queries."""
    modules = list(modules)
    by_key = {module.translation_key: module.pk for module in modules}
    assessments = dict(
        Quiz.objects.originals()
        .filter(module__translation_key__in=by_key)
        .values_list("pk", "module__translation_key")
    )
    if not assessments:
        return set(by_key.values())
    passed = set(
        Attempt.objects.filter(user=user, passed=True, quiz_id__in=assessments).values_list(
            "quiz_id", flat=True
        )
    )
    assessed = {key for key in assessments.values()}
    met = {assessments[pk] for pk in passed}
    return {pk for key, pk in by_key.items() if key not in assessed or key in met}


def module_assessment(module) -> Quiz | None:
    """The (original) assessment of a module, given in any of its translations."""
    return (
        Quiz.objects.originals()
        .filter(module__translation_key=module.translation_key)
        .order_by("pk")
        .first()
    )


def module_assessment_states(user, modules, *, now: datetime | None = None) -> dict:
    """{module translation_key: courses.outcomes.ModuleAssessment} for the modules (any
    language) that have an assessment: its title and URL in the current language, and how
    `user` stands with it. One query whatever the number of modules (registered as the courses
    app's module-assessment provider)."""
    from django.db.models import Exists, F, OuterRef, Subquery
    from django.urls import reverse
    from django.utils.translation import get_language

    from courses.outcomes import ModuleAssessment

    keys = {module.translation_key for module in modules}
    if not keys:
        return {}
    now = now or timezone.now()
    shown = Quiz.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=get_language()
    ).order_by("pk")
    rows = (
        Quiz.objects.originals()
        .filter(module__translation_key__in=keys)
        .annotate(
            module_key=F("module__translation_key"),
            shown_id=Subquery(shown.values("pk")[:1]),
            shown_title=Subquery(shown.values("title")[:1]),
        )
        .order_by("pk")
    )
    fields = ["pk", "title", "module_key", "shown_id", "shown_title", "max_attempts", "min_delay"]
    if user.is_authenticated:
        mine = Attempt.objects.filter(user=user, quiz=OuterRef("pk"))
        rows = rows.annotate(
            best=Subquery(
                mine.filter(passed=True).order_by("-score_percent").values("score_percent")[:1]
            ),
            last_submitted=Subquery(
                mine.filter(status=AttemptStatus.SUBMITTED)
                .order_by("-submitted_at")
                .values("submitted_at")[:1]
            ),
            attempts_made=Subquery(mine.order_by("-attempt_number").values("attempt_number")[:1]),
            has_open=Exists(mine.filter(status=AttemptStatus.IN_PROGRESS)),
        )
        fields += ["best", "last_submitted", "attempts_made", "has_open"]
    found: dict = {}
    for row in rows.values(*fields):
        if row["module_key"] in found:
            continue  # two assessments for one module: the first created counts
        passed = row.get("best") is not None
        opened = bool(row.get("has_open"))
        attempts = row.get("attempts_made") or 0
        exhausted = (
            not passed
            and not opened
            and row["max_attempts"] is not None
            and attempts >= row["max_attempts"]
        )
        next_attempt_at = None
        last = row.get("last_submitted")
        if not (passed or opened or exhausted) and last and row["min_delay"]:
            next_start = last + row["min_delay"]
            next_attempt_at = next_start if next_start > now else None
        found[row["module_key"]] = ModuleAssessment(
            title=row["shown_title"] or row["title"],
            url=reverse("quiz_detail", args=[row["shown_id"] or row["pk"]]),
            passed=passed,
            best_score=row.get("best"),
            attempts=attempts,
            in_progress=opened,
            next_attempt_at=next_attempt_at,
            exhausted=exhausted,
        )
    return found


def best_passed_scores(user_ids, modules) -> dict[tuple[int, int], float]:
    """{(user id, module id): best passing score %} of the module assessments, in two queries:
    the progress report's "passed with score" (`courses.reports.register_score_provider`)."""
    by_key = {module.translation_key: module.pk for module in modules}
    module_of_quiz = dict(
        Quiz.objects.originals()
        .filter(module__translation_key__in=by_key)
        .values_list("pk", "module__translation_key")
    )
    if not module_of_quiz:
        return {}
    rows = (
        Attempt.objects.filter(user_id__in=list(user_ids), passed=True, quiz_id__in=module_of_quiz)
        .values("user_id", "quiz_id")
        .annotate(best=Max("score_percent"))
    )
    return {
        (row["user_id"], by_key[module_of_quiz[row["quiz_id"]]]): float(row["best"]) for row in rows
    }
