"""Budgets of the lesson page: constant SQL queries, under 50 KB transferred without media."""

import gzip
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.blocks import LessonBodyBlock
from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory
from tests.public_copies import forget_kept_copies

pytestmark = pytest.mark.django_db

# A visitor's lesson page once the shared cache is warm (courses/cache.py): one query, the page
# itself. The site, the route, the view restrictions, the course and its lessons, the
# breadcrumb, the catalogue link, the language switch and the rendered body come from the cache.
MAX_LESSON_QUERIES = 4
MAX_LESSON_KB = 50


def _lesson_page_queries(client, lessons_in_module: int) -> int:
    module = ModulePageFactory(parent=CoursePageFactory())
    for _ in range(lessons_in_module):
        # add_child only (no revision): 300 lessons stay quick to build.
        module.add_child(instance=LessonPageFactory.build(parent=module))
    lesson = module.get_children().live()[lessons_in_module // 2].specific
    client.get(lesson.url)  # warm the caches (site root paths, content types)
    forget_kept_copies()  # the page rendered, not its kept copy
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lesson.url)
    assert response.status_code == 200
    return len(queries)


def test_lesson_page_queries_do_not_grow_with_the_lessons_of_the_module(
    client, django_assert_max_num_queries
):
    with_3 = _lesson_page_queries(client, 3)
    with_300 = _lesson_page_queries(client, 300)
    print(f"lesson page: {with_3} queries with 3 lessons, {with_300} with 300")
    assert with_3 == with_300 == 1
    lesson = LessonPageFactory()
    client.get(lesson.url)
    forget_kept_copies()
    with django_assert_max_num_queries(MAX_LESSON_QUERIES):
        client.get(lesson.url)


def _transferred_bytes(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(gzip.compress(body))


def _text_only_body() -> list[dict]:
    paragraph = (
        "<p>La traite des personnes suppose un acte, un moyen et un but d'exploitation ; "
        "l'enquêteur recueille les indices de chacun de ces éléments sans exposer la victime.</p>"
    )
    return [
        {"type": "rich_text", "value": "<h2>Le cadre</h2>" + paragraph * 12},
        {"type": "callout", "value": {"kind": "key_provision", "title": "", "text": paragraph}},
        {
            "type": "legal_excerpt",
            "value": {
                "text": "L'esclavage et les pratiques assimilées sont interdits.",
                "instrument": "Loi n° 2024-027 portant Code pénal",
                "article": "324-11",
                "source_url": "https://example.org/code-penal",
            },
        },
        {
            "type": "case_study",
            "value": {
                "title": "Le site d'orpaillage",
                "facts": paragraph * 3,
                "questions": ["Quels indicateurs relevez-vous ?", "Qui alerter ?"],
                "discussion": paragraph * 3,
            },
        },
    ]


def test_a_lesson_without_media_weighs_under_50_kb_compressed(client):
    module = ModulePageFactory()
    lessons = [LessonPageFactory(parent=module, body=_text_only_body()) for _ in range(12)]
    assert {child.block_type for child in lessons[5].body} < set(LessonBodyBlock.base_blocks)
    response = client.get(lessons[5].url)
    html = response.content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any(asset.endswith(".css") for asset in assets)
    assert any(asset.endswith(".js") for asset in assets)

    total = len(gzip.compress(response.content)) + sum(
        _transferred_bytes(client, asset) for asset in assets
    )
    print(f"lesson page: {total / 1024:.1f} KB compressed, with {len(assets)} static files")
    assert total < MAX_LESSON_KB * 1024
