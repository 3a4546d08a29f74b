"""Search over the courses and lessons of one language, with Wagtail's database backend.

Each course and lesson indexes an accent-free copy of its text (`folded_text`) and the query is
folded the same way, so « traite » finds « traité » and « esclavage » finds « Esclavage » on
SQLite (FTS5) and on PostgreSQL (full text with the French configuration) alike."""

from __future__ import annotations

from wagtail.models import Locale, Page

from courses.models import CoursePage, LessonPage
from courses.text import fold

MAX_RESULTS = 50


def search_courses_and_lessons(*, query: str, locale: Locale) -> list[Page]:
    """Published courses and lessons of `locale` matching every word of `query`, best first."""
    words = fold(query).split()
    if not words:
        return []
    pages = Page.objects.live().filter(locale=locale).type(CoursePage, LessonPage).specific()
    return list(pages.search(" ".join(words), operator="and")[:MAX_RESULTS])
