"""Completion rules: how a lesson and a module are completed.

A *reading* lesson (no activity in its body) is completed when the learner says so. A lesson
with activities is completed when every activity's rule is met: one rule per kind of activity
block, registered by the app that owns the block (assessments registers `quiz` and `h5p`) in its
`AppConfig.ready()`. A module may also carry requirements of its own (its assessment, passed):
module rules are registered the same way and answer for many modules at once, so the roll-up and
the outlines stay within a constant number of queries.

The roll-up in `courses.services` calls only the functions below; a new kind of activity plugs in
by registering a rule, without editing the roll-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from courses.models import LessonPage, ModulePage
    from people.models import User

ActivityRule = Callable[["User", "LessonPage"], bool]
ModuleRule = Callable[["User", list["ModulePage"]], set[int]]

_activity_rules: dict[str, ActivityRule] = {}
_module_rules: dict[str, ModuleRule] = {}


def register_activity_rule(block_type: str, rule: ActivityRule) -> None:
    """`rule(user, lesson)` is true when `user` has met the activity blocks of type
    `block_type` in `lesson` (the canonical lesson page)."""
    _activity_rules[block_type] = rule


def register_module_rule(name: str, rule: ModuleRule) -> None:
    """`rule(user, modules)` returns the ids of the modules whose own requirement `user` meets
    (a module without such a requirement must be in the answer)."""
    _module_rules[name] = rule


def activity_kinds(lesson: LessonPage) -> set[str]:
    """The kinds of activity in the lesson that have a completion rule."""
    return {block.block_type for block in lesson.body if block.block_type in _activity_rules}


def is_reading_lesson(lesson: LessonPage) -> bool:
    return not activity_kinds(lesson)


def lesson_requirements_met(user: User, lesson: LessonPage) -> bool:
    return all(_activity_rules[kind](user, lesson) for kind in activity_kinds(lesson))


def modules_meeting_their_rules(user: User, modules: Iterable[ModulePage]) -> set[int]:
    modules = list(modules)
    satisfied = {module.pk for module in modules}
    for rule in _module_rules.values():
        satisfied &= rule(user, modules)
    return satisfied
