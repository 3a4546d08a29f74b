import pytest
from wagtail.models import Locale

from courses.search import search_courses_and_lessons
from tests.factories import CoursePageFactory, LessonPageFactory, ModulePageFactory, translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(catalogue):
    course = CoursePageFactory(
        parent=catalogue, title="Esclavage par ascendance", code="ESCL-ASC-2024"
    )
    module = ModulePageFactory(parent=course, title="Le Code pénal de 2024")
    treaty = LessonPageFactory(
        parent=module,
        title="Le Protocole de Palerme",
        summary="Un traité des Nations unies définit la traite des personnes.",
    )
    slavery = LessonPageFactory(
        parent=module,
        title="Interdiction",
        summary="",
        body=[{"type": "rich_text", "value": "<p>L'Esclavage est interdit par le Code pénal.</p>"}],
    )
    unrelated = LessonPageFactory(parent=module, title="Les indicateurs", summary="Dépister.")
    translate_page(course, title="Descent-based slavery", slug="descent-based-slavery")
    translate_page(module, title="The 2024 Penal Code", slug="penal-code")
    english = translate_page(treaty, title="The Palermo Protocol", slug="palermo")
    return {"treaty": treaty, "slavery": slavery, "unrelated": unrelated, "english": english}


def _search(query: str, language: str = "fr") -> set[str]:
    locale = Locale.objects.get(language_code=language)
    return {page.title for page in search_courses_and_lessons(query=query, locale=locale)}


def test_words_typed_without_accents_find_the_accented_lesson(lessons):
    assert "Le Protocole de Palerme" in _search("traite")  # « traité », « traite »
    assert _search("esclavage") >= {"Interdiction", "Esclavage par ascendance"}
    assert "Le Code pénal de 2024" not in _search("penal")  # modules are not search results
    assert "Interdiction" in _search("code penal")


def test_words_typed_with_accents_find_the_same_lessons(lessons):
    assert _search("traité") == _search("traite")
    assert _search("ESCLAVAGE") == _search("esclavage")


def test_search_stays_in_the_current_language(lessons):
    assert "The Palermo Protocol" not in _search("palerme")
    assert _search("palermo", "en") == {"The Palermo Protocol"}
    assert _search("palerme", "en") == set()


def test_search_needs_every_word(lessons):
    assert _search("traite indicateurs") == set()
    assert _search("") == set()


def test_search_page_lists_courses_and_lessons_with_links(client, lessons):
    response = client.get("/fr/recherche/", {"q": "esclavage"})
    assert response.status_code == 200
    html = response.content.decode()
    assert lessons["slavery"].url in html
    assert "ESCL-ASC-2024" in html
    assert "résultats" in html

    response = client.get("/en/search/", {"q": "palermo"})
    assert lessons["english"].url in response.content.decode()


def test_header_links_to_the_search_page_in_each_language(client, lessons):
    assert 'href="/fr/recherche/"' in client.get("/fr/").content.decode()
    assert 'href="/en/search/"' in client.get("/en/").content.decode()
