import pytest
from wagtail.models import Page

from courses import demo
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        (model.__name__, language): model.objects.live()
        .filter(locale__language_code=language)
        .count()
        for model in (CourseIndexPage, CoursePage, ModulePage, LessonPage)
        for language in ("fr", "en")
    }


def test_demo_curriculum_builds_3_courses_11_modules_35_lessons_per_language_once():
    demo.seed(out=lambda line: None)
    counts = _counts()
    for language in ("fr", "en"):
        assert counts["CourseIndexPage", language] == 1
        assert counts["CoursePage", language] == 3
        assert counts["ModulePage", language] == 11
        assert counts["LessonPage", language] == 35

    pages = Page.objects.count()
    lines = []
    demo.seed(out=lines.append)
    assert _counts() == counts
    assert Page.objects.count() == pages
    assert lines == ["Cours de démonstration déjà présents / demo courses already exist."]


def test_demo_english_pages_are_translations_of_the_french_ones():
    demo.seed(out=lambda line: None)
    for french in LessonPage.objects.filter(locale__language_code="fr"):
        english = french.get_translation(demo.Locale.objects.get(language_code="en"))
        assert english.live
        assert english.title != french.title
        assert english.url.startswith("/en/courses/")
    codes = set(CoursePage.objects.values_list("code", flat=True))
    assert codes == {"TIP-LOI-2012", "TIP-VICTIME", "ESCL-ASC-2024"}
    assert all(course.is_demo for course in CoursePage.objects.all())


def test_each_demo_lesson_has_its_summary_a_callout_and_its_sources():
    demo.seed(out=lambda line: None)
    curriculum = demo.load_curriculum()
    lesson_data = {
        lesson["title_fr"]: lesson
        for course in curriculum["courses"]
        for module in course["modules"]
        for lesson in module["lessons"]
    }
    for lesson in LessonPage.objects.filter(locale__language_code="fr"):
        data = lesson_data[lesson.title]
        assert lesson.summary == data["summary_fr"]
        kinds = [block.block_type for block in lesson.body]
        assert "callout" in kinds
        assert [source.value["url"] for source in lesson.sources] == [
            curriculum["sources"][source_id]["url"] for source_id in data["sources"]
        ]


def test_a_demo_lesson_quoting_the_penal_code_cites_it_as_a_legal_excerpt(client):
    demo.seed(out=lambda line: None)
    lesson = LessonPage.objects.get(
        locale__language_code="fr", title__startswith="Interdiction et définitions"
    )
    excerpt = next(block.value for block in lesson.body if block.block_type == "legal_excerpt")
    assert excerpt["article"] == "324-11"
    assert excerpt["text"] == "L'esclavage et les pratiques assimilées sont interdits."
    assert "2024-027" in excerpt["instrument"]

    html = client.get(lesson.url).content.decode()
    assert "Sources" in html and "atlasinfo.info" in html
    assert "Contenu de démonstration." in html
