"""Progress reports for managers: a matrix learner × module for an assignment, in a constant
number of queries whatever the number of people and modules.

Score hook: the courses app cannot read quiz results (assessments sits above it). An app that
grades modules registers `register_score_provider(fn)` in its `AppConfig.ready()`, where
`fn(user_ids, modules)` returns `{(user_id, module_id): score_percent}` for passed modules in a
constant number of queries; the matrix then shows "passed with score".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.assignments import assignees
from courses.models import (
    Assignment,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
)

ScoreProvider = Callable[[list[int], list[ModulePage]], dict[tuple[int, int], float]]
_score_providers: list[ScoreProvider] = []


def register_score_provider(provider: ScoreProvider) -> None:
    if provider not in _score_providers:
        _score_providers.append(provider)


class CellState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PASSED = "passed"


STATE_LABELS = {
    CellState.NOT_STARTED: _("Not started"),
    CellState.IN_PROGRESS: _("In progress"),
    CellState.COMPLETED: _("Completed"),
    CellState.PASSED: _("Passed"),
}


@dataclass
class Cell:
    state: CellState
    score: float | None = None

    @property
    def label(self) -> str:
        if self.state == CellState.PASSED and self.score is not None:
            return f"{STATE_LABELS[self.state]} ({round(self.score)} %)"
        return str(STATE_LABELS[self.state])


@dataclass
class Row:
    user: object
    cells: list[Cell] = field(default_factory=list)
    completed_modules: int = 0
    overdue: bool = False
    done: bool = False

    @property
    def started(self) -> bool:
        return any(c.state != CellState.NOT_STARTED for c in self.cells)


@dataclass
class Matrix:
    assignment: Assignment
    modules: list[ModulePage]
    rows: list[Row]


def assignment_modules(assignment: Assignment) -> list[ModulePage]:
    if assignment.module_id:
        return [assignment.module]
    return list(ModulePage.objects.live().child_of(assignment.course).order_by("path"))


def progress_matrix(assignment: Assignment, *, today: datetime.date | None = None) -> Matrix:
    """Six queries (seven with a score provider) whatever the cohort's size."""
    today = today or timezone.localdate()
    modules = assignment_modules(assignment)
    users = list(assignees(assignment).order_by("full_name", "email"))
    user_ids = [u.pk for u in users]
    module_ids = [m.pk for m in modules]
    lessons = list(
        LessonPage.objects.live()
        .filter(path__startswith=assignment.course.path, depth=assignment.course.depth + 2)
        .only("id", "path")
    )
    module_of_lesson = {}
    for lesson in lessons:
        for module in modules:
            if lesson.path.startswith(module.path):
                module_of_lesson[lesson.pk] = module.pk
    started = {
        (user_id, module_of_lesson[lesson_id])
        for user_id, lesson_id in LessonProgress.objects.filter(
            user_id__in=user_ids, lesson_id__in=list(module_of_lesson)
        ).values_list("user_id", "lesson_id")
    }
    completed = set(
        ModuleCompletion.objects.filter(user_id__in=user_ids, module_id__in=module_ids).values_list(
            "user_id", "module_id"
        )
    )
    scores: dict[tuple[int, int], float] = {}
    for provider in _score_providers:
        scores.update(provider(user_ids, modules))
    course_done = set(
        Enrolment.objects.filter(
            user_id__in=user_ids, course=assignment.course, status=EnrolmentStatus.COMPLETED
        ).values_list("user_id", flat=True)
    )
    rows = []
    for user in users:
        row = Row(user=user)
        for module in modules:
            key = (user.pk, module.pk)
            if key in scores:
                row.cells.append(Cell(CellState.PASSED, scores[key]))
            elif key in completed:
                row.cells.append(Cell(CellState.COMPLETED))
            elif key in started:
                row.cells.append(Cell(CellState.IN_PROGRESS))
            else:
                row.cells.append(Cell(CellState.NOT_STARTED))
        row.completed_modules = sum(
            1 for c in row.cells if c.state in (CellState.COMPLETED, CellState.PASSED)
        )
        if assignment.module_id:
            row.done = row.completed_modules == len(modules)
        else:
            row.done = user.pk in course_done
        row.overdue = not row.done and assignment.due_on < today
        rows.append(row)
    return Matrix(assignment=assignment, modules=modules, rows=rows)


FILTERS = ("all", "overdue", "not_started", "in_progress", "done")
SORTS = ("name", "-name", "progress", "-progress")


def filter_and_sort(rows: list[Row], *, status: str = "all", sort: str = "name") -> list[Row]:
    if status == "overdue":
        rows = [r for r in rows if r.overdue]
    elif status == "not_started":
        rows = [r for r in rows if not r.started]
    elif status == "in_progress":
        rows = [r for r in rows if r.started and not r.done]
    elif status == "done":
        rows = [r for r in rows if r.done]
    if sort.lstrip("-") == "progress":
        rows = sorted(rows, key=lambda r: r.completed_modules, reverse=sort.startswith("-"))
    else:
        rows = sorted(
            rows,
            key=lambda r: (r.user.full_name or r.user.email).lower(),
            reverse=sort.startswith("-"),
        )
    return rows


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list]]:
    """The matrix as a header and rows of cells, for the exports (people.spreadsheets writes
    them: formula-like texts neutralised, the due date a real date)."""
    header = [
        str(_("Name")),
        str(_("E-mail")),
        str(_("Staff number")),
        *[m.title for m in matrix.modules],
        str(_("Due on")),
        str(_("Overdue")),
    ]
    rows = [
        [
            row.user.full_name,
            row.user.email,
            row.user.matricule,
            *[c.label for c in row.cells],
            matrix.assignment.due_on,
            str(_("yes")) if row.overdue else str(_("no")),
        ]
        for row in matrix.rows
    ]
    return header, rows
