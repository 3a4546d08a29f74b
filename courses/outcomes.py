"""Read hooks: what the apps above courses show on the learner's pages of courses.

courses sits below assessments and certificates and never imports them, yet its pages must say
what comes after the lessons of a module (its assessment, and how the learner stands with it)
and what a completed course earned (its certificate). Each is asked of a *provider*, registered
by the app that owns the thing in its `AppConfig.ready()`:

`register_module_assessments(provider)`
    `provider(user, modules) -> {module translation_key: ModuleAssessment}` for the modules
    (any language) that have an assessment; title and URL in the current language. One query
    whatever the number of modules (assessments registers it).

`register_certificates(provider)`
    `provider(user, courses) -> {course translation_key: CertificateLink}` for the courses (any
    language) for which `user` holds a current certificate. One query (certificates registers
    it).

Without a provider (an app not installed) the pages simply show no assessment or no
certificate. The roll-up's rules are elsewhere (`courses.completion`): these hooks only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from courses.models import CoursePage, ModulePage
    from people.models import User


class AssessmentState:
    TO_TAKE = "to_take"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"  # failed; the next attempt opens at `next_attempt_at`
    EXHAUSTED = "exhausted"  # failed; no attempt left
    PASSED = "passed"


@dataclass(frozen=True)
class ModuleAssessment:
    """A module's assessment as the learner stands with it."""

    title: str
    url: str
    passed: bool = False
    best_score: Decimal | None = None  # best passing score, %
    attempts: int = 0
    in_progress: bool = False
    next_attempt_at: datetime | None = None  # only while it is in the future
    exhausted: bool = False

    @property
    def state(self) -> str:
        if self.passed:
            return AssessmentState.PASSED
        if self.in_progress:
            return AssessmentState.IN_PROGRESS
        if self.exhausted:
            return AssessmentState.EXHAUSTED
        if self.next_attempt_at is not None:
            return AssessmentState.WAITING
        return AssessmentState.TO_TAKE

    @property
    def pending(self) -> bool:
        return not self.passed


@dataclass(frozen=True)
class CertificateLink:
    url: str  # the PDF download
    code: str
    issued_on: object = None


ModuleAssessmentProvider = Callable[["User", list["ModulePage"]], dict]
CertificateProvider = Callable[["User", list["CoursePage"]], dict]

_assessments: list[ModuleAssessmentProvider] = []
_certificates: list[CertificateProvider] = []


def register_module_assessments(provider: ModuleAssessmentProvider) -> None:
    if provider not in _assessments:
        _assessments.append(provider)


def register_certificates(provider: CertificateProvider) -> None:
    if provider not in _certificates:
        _certificates.append(provider)


def module_assessments(user: User, modules: Iterable[ModulePage]) -> dict:
    """{module translation_key: ModuleAssessment} of the given modules that have one."""
    modules = list(modules)
    found: dict = {}
    if not modules:
        return found
    for provider in _assessments:
        found.update(provider(user, modules))
    return found


def certificates(user: User, courses: Iterable[CoursePage]) -> dict:
    """{course translation_key: CertificateLink} of the given courses `user` holds one for."""
    courses = list(courses)
    found: dict = {}
    if not courses or not getattr(user, "is_authenticated", False):
        return found
    for provider in _certificates:
        found.update(provider(user, courses))
    return found
