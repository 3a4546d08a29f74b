"""Grading on the server: every type, the partial-credit rule, the pass mark boundary, the draw,
and the roll-up to lesson and module completion."""

from decimal import Decimal

import pytest

from assessments.models import AttemptStatus, CaseScenario, Quiz
from assessments.quizzes import services
from courses import services as course_services
from courses.models import ModuleCompletion
from tests.factories import (
    UserFactory,
    course_with_lessons,
    question_bank,
    quiz_question,
    quiz_with_questions,
    right_answers,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _submit(quiz, user, answers_for):
    attempt = services.start_attempt(user=user, quiz=quiz)
    services.save_answers(attempt=attempt, answers=answers_for(attempt))
    return services.submit_attempt(attempt=attempt)


@pytest.mark.parametrize(
    ("kind", "correct", "selected", "points"),
    [
        ("single", {"a"}, {"a"}, "1"),
        ("single", {"a"}, {"b"}, "0"),
        ("single", {"a"}, set(), "0"),
        ("true_false", {"t"}, {"t"}, "1"),
        ("true_false", {"t"}, {"f"}, "0"),
        ("multiple", {"a", "b"}, {"a", "b"}, "1"),
        ("multiple", {"a", "b"}, {"a"}, "0.5"),
        ("multiple", {"a", "b"}, {"a", "c"}, "0"),
        ("multiple", {"a", "b", "c"}, {"a", "b", "d"}, "0.333"),
        ("multiple", {"a", "b"}, {"c", "d"}, "0"),  # never below zero
        ("multiple", {"a", "b"}, set(), "0"),
    ],
)
def test_every_question_type_is_scored_by_its_rule(kind, correct, selected, points):
    assert services.score_question(kind, correct, selected) == Decimal(points)


def test_exactly_the_pass_mark_passes_and_just_below_fails():
    quiz = quiz_with_questions(questions=4, pass_mark=75)
    user = UserFactory()

    def three_of_four(attempt):
        right, wrong = right_answers(attempt), wrong_answers(attempt)
        ids = attempt.question_ids
        return {
            ids[0]: right[ids[0]],
            ids[1]: right[ids[1]],
            ids[2]: right[ids[2]],
            ids[3]: wrong[ids[3]],
        }

    attempt = _submit(quiz, user, three_of_four)
    assert attempt.score_percent == Decimal("75.00")
    assert attempt.passed is True

    quiz.pass_mark = 76
    quiz.save()
    attempt = _submit(quiz, UserFactory(), three_of_four)
    assert attempt.passed is False


def test_multiple_response_partial_credit_counts_in_the_score():
    bank = question_bank()
    quiz_question(bank, kind="multiple", choices=4, correct=(0, 1))
    quiz = Quiz.objects.create(bank=bank, title="Q", pass_mark=50, shuffle_choices=False)
    user = UserFactory()
    attempt = services.start_attempt(user=user, quiz=quiz)
    (question_id,) = attempt.question_ids
    services.save_answers(
        attempt=attempt, answers={question_id: [right_answers(attempt)[question_id][0]]}
    )
    attempt = services.submit_attempt(attempt=attempt)
    assert attempt.score_percent == Decimal("50.00")
    assert attempt.passed is True


def test_case_scenario_questions_stay_together():
    bank = question_bank()
    case = CaseScenario.objects.create(bank=bank, title="Affaire K.", facts="Les faits.")
    for _ in range(3):
        quiz_question(bank)
    for _ in range(3):
        quiz_question(bank, scenario=case)
    quiz = Quiz.objects.create(bank=bank, title="Q", shuffle_questions=True)
    for _ in range(5):
        attempt = services.start_attempt(user=UserFactory(), quiz=quiz)
        scenario_of = dict(case.questions.values_list("pk", "scenario_id"))
        positions = [i for i, pk in enumerate(attempt.question_ids) if pk in scenario_of]
        assert positions == list(range(positions[0], positions[0] + 3))


def test_draw_takes_n_distinct_questions_of_the_category_and_keeps_them_on_resume():
    bank = question_bank()
    for _ in range(6):
        quiz_question(bank, category="C1M1")
    others = {quiz_question(bank, category="C1M2").pk for _ in range(4)}
    quiz = Quiz.objects.create(bank=bank, title="Q", category="C1M1", draw_count=3)
    user = UserFactory()
    attempt = services.start_attempt(user=user, quiz=quiz)
    assert len(set(attempt.question_ids)) == 3
    assert not set(attempt.question_ids) & others
    resumed = services.start_attempt(user=user, quiz=quiz)
    assert resumed.pk == attempt.pk
    assert resumed.layout == attempt.layout


def test_draw_uses_the_original_questions_not_their_translations():
    bank = question_bank()
    originals = {quiz_question(bank, english=True).pk for _ in range(3)}
    quiz = Quiz.objects.create(bank=bank, title="Q")
    attempt = services.start_attempt(user=UserFactory(), quiz=quiz)
    assert set(attempt.question_ids) == originals


def test_a_module_with_an_assessment_is_completed_only_once_it_is_passed():
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    quiz = quiz_with_questions(questions=2, module=modules[0])
    user = UserFactory()
    enrolment = course_services.enrol(user=user, course=course)

    course_services.complete_lesson(user=user, lesson=lessons[0])
    assert not ModuleCompletion.objects.filter(user=user).exists()
    failed = _submit(quiz, user, wrong_answers)
    assert failed.status == AttemptStatus.SUBMITTED and not failed.passed
    assert not ModuleCompletion.objects.filter(user=user).exists()

    _submit(quiz, user, right_answers)
    assert ModuleCompletion.objects.filter(user=user, module=modules[0]).exists()
    enrolment.refresh_from_db()
    assert enrolment.is_completed


def test_passing_the_assessment_before_the_lessons_completes_the_module_with_the_last_lesson():
    course, modules, lessons = course_with_lessons(modules=1, lessons=1)
    quiz = quiz_with_questions(questions=1, module=modules[0])
    user = UserFactory()
    course_services.enrol(user=user, course=course)
    _submit(quiz, user, right_answers)
    assert not ModuleCompletion.objects.filter(user=user).exists()
    course_services.complete_lesson(user=user, lesson=lessons[0])
    assert ModuleCompletion.objects.filter(user=user).exists()


def test_module_rule_answers_for_many_modules_in_constant_queries(django_assert_num_queries):
    course, modules, _lessons = course_with_lessons(modules=4, lessons=1)
    quiz_with_questions(questions=1, module=modules[0])
    quiz_with_questions(questions=1, module=modules[1])
    user = UserFactory()
    with django_assert_num_queries(2):
        met = services.modules_with_passed_assessment(user, modules)
    assert met == {modules[2].pk, modules[3].pk}
