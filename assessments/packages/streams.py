"""Blocks of a page's StreamFields, found by the shape of their value: the H5P activity and the
SCORM module blocks are recognised by their fields, so the same rule holds whichever app declares
the block and however deep it is nested (streams, structs, lists)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.fields import StreamField
from wagtail.models import Page


def struct_values(lesson: Page, matches: Callable[[StructValue], bool]) -> list[StructValue]:
    """The struct values of `lesson`'s StreamFields for which `matches` is true, in page order."""
    page = lesson.specific
    found: list[StructValue] = []
    for model_field in page._meta.get_fields():
        if isinstance(model_field, StreamField):
            found.extend(_walk(getattr(page, model_field.name), matches))
    return found


def _walk(value: Any, matches: Callable[[StructValue], bool]) -> Iterator[StructValue]:
    if isinstance(value, StructValue) and matches(value):
        yield value
    elif isinstance(value, StreamValue):
        for child in value:
            yield from _walk(child.value, matches)
    elif isinstance(value, StructValue):
        for child in value.values():
            yield from _walk(child, matches)
    elif isinstance(value, ListValue | list):
        for child in value:
            yield from _walk(child, matches)
