import datetime

import pytest
from django.utils import timezone

from assessments.quizzes import services
from courses import assignments, reports
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    course_with_lessons,
    manager_of,
    member_of,
    quiz_with_questions,
    right_answers,
)

pytestmark = pytest.mark.django_db


def test_the_progress_matrix_shows_a_passed_module_assessment_with_its_score():
    school = InstitutionFactory()
    cohort = CohortFactory(institution=school)
    learner, idle = member_of(school), member_of(school)
    cohort.members.add(learner, idle)
    course, modules, _lessons = course_with_lessons(modules=1, lessons=1)
    quiz = quiz_with_questions(questions=4, module=modules[0], pass_mark=50)
    assignment = assignments.assign(
        assigned_by=manager_of(school),
        institution=school,
        course=course,
        cohort=cohort,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )

    attempt = services.start_attempt(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    first = attempt.question_ids[0]
    answers[first] = []  # three right out of four: 75 %
    services.save_answers(attempt=attempt, answers=answers)
    services.submit_attempt(attempt=attempt)

    cells = {row.user: row.cells[0] for row in reports.progress_matrix(assignment).rows}
    assert cells[learner].state == reports.CellState.PASSED
    assert "75 %" in cells[learner].label
    assert cells[idle].state == reports.CellState.NOT_STARTED
