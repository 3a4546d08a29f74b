"""What a learner sees: the catalogue and its filters, a course, a module, a lesson."""

import pytest
from django.conf import settings
from wagtail.models import Locale

from people.choices import Profession
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    course_with_lessons,
    translate_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(catalogue):
    """A French course of two modules (two lessons, then one), translated into English."""
    course = CoursePageFactory(
        parent=catalogue,
        title="La loi de 2012",
        code="TIP-LOI-2012",
        audience=[Profession.JUDGE, Profession.PROSECUTOR],
        estimated_hours=2.5,
        certificate_validity_months=24,
        learning_objectives="<ul><li>Qualifier les faits.</li></ul>",
        is_demo=True,
    )
    first = ModulePageFactory(parent=course, title="Définir la traite")
    second = ModulePageFactory(parent=course, title="Protéger les victimes", is_required=False)
    LessonPageFactory(parent=first, title="Les trois éléments", estimated_minutes=12)
    LessonPageFactory(parent=first, title="Consentement et enfants")
    LessonPageFactory(parent=second, title="Le principe de non-sanction")
    english = translate_page(course, title="The 2012 law", slug="the-2012-law")
    translate_page(first, title="Defining trafficking", slug="defining-trafficking")
    return course, english


def _lesson(course, title):
    return course.get_descendants().live().get(title=title).specific


def test_catalogue_lists_the_courses_of_the_current_language_with_a_demo_banner(client, course):
    french, english = course
    other = CoursePageFactory(title="Enquête", audience=[Profession.SOCIAL_WORKER])
    html = client.get("/fr/cours/").content.decode()
    assert french.title in html and other.title in html
    assert english.title not in html
    assert "Contenu de démonstration" in html
    assert "2,5 h" in html and "FR · EN" in html

    english_html = client.get("/en/courses/").content.decode()
    assert english.title in english_html and french.title not in english_html
    assert "Demonstration content" in english_html


def test_catalogue_filters_by_audience_and_language(client, course):
    french, _english = course
    other = CoursePageFactory(title="Enquête", audience=[Profession.SOCIAL_WORKER])

    html = client.get("/fr/cours/", {"audience": Profession.SOCIAL_WORKER}).content.decode()
    assert other.title in html and french.title not in html

    html = client.get("/fr/cours/", {"audience": Profession.JUDGE}).content.decode()
    assert french.title in html and other.title not in html

    # « juge » must not match « juge_instruction »
    html = client.get("/fr/cours/", {"audience": Profession.INVESTIGATING_JUDGE}).content.decode()
    assert "Aucun cours ne correspond" in html

    html = client.get("/fr/cours/", {"language": "en"}).content.decode()
    assert french.title in html and other.title not in html


def test_course_page_shows_its_facts_modules_and_lessons(client, course):
    french, _english = course
    html = client.get(french.url).content.decode()
    for text in [
        "TIP-LOI-2012",
        "2,5 heures",
        "2 modules",
        "3 leçons",
        "valable 24 mois",
        "Qualifier les faits.",
        "Définir la traite",
        "facultatif",
        "Le principe de non-sanction",
        "Contenu de démonstration",
        "Commencer le cours",
    ]:
        assert text in html, text
    assert html.index("Les trois éléments") < html.index("Le principe de non-sanction")


def test_module_page_lists_its_lessons(client, course):
    french, _english = course
    module = french.get_children().get(title="Définir la traite")
    html = client.get(module.url).content.decode()
    assert "Consentement et enfants" in html and "Le principe de non-sanction" not in html


def test_lesson_page_has_breadcrumb_outline_time_and_next_lesson_across_modules(client, course):
    french, _english = course
    html = client.get(_lesson(french, "Consentement et enfants").url).content.decode()
    breadcrumb = html[html.index('class="breadcrumb"') :]
    breadcrumb = breadcrumb[: breadcrumb.index("</nav>")]
    assert "Catalogue des cours" in breadcrumb and "La loi de 2012" in breadcrumb
    assert "Définir la traite" in breadcrumb

    pager = html[html.index('class="pager') :]
    assert 'rel="prev"' in pager and "Les trois éléments" in pager
    assert 'rel="next"' in pager and "Le principe de non-sanction" in pager
    assert "Environ 15 minutes" in html

    outline = html[html.index('class="outline') :]
    assert "Les trois éléments" in outline and "12 min" in outline
    assert '<strong aria-current="page">Consentement et enfants</strong>' in outline
    assert "Le principe de non-sanction" not in outline[: outline.index("</ol>")]

    first = client.get(_lesson(french, "Les trois éléments").url).content.decode()
    assert 'rel="prev"' not in first
    last = client.get(_lesson(french, "Le principe de non-sanction").url).content.decode()
    assert 'rel="next"' not in last


def test_lesson_is_print_friendly(client, course):
    french, _english = course
    html = client.get(_lesson(french, "Les trois éléments").url).content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
    print_css = (settings.BASE_DIR / "site/static/css/print.css").read_text()
    assert ".no-print" in print_css and 'class="pager no-print"' in html


def test_language_switch_leads_to_the_translated_lesson(client, course):
    french, _english = course
    lesson = _lesson(french, "Les trois éléments")
    english_module = lesson.get_parent().get_translation(Locale.objects.get(language_code="en"))
    english = translate_page(lesson, title="The three elements", slug="three-elements")
    assert english.get_parent().pk == english_module.pk

    html = client.get(lesson.url).content.decode()
    assert f'href="{english.url}" hreflang="en"' in html
    html = client.get(english.url).content.decode()
    assert f'href="{lesson.url}" hreflang="fr"' in html
    assert "The three elements" in html


def test_untranslated_lesson_switches_to_the_same_address_in_the_other_language(client, course):
    french, _english = course
    lesson = _lesson(french, "Le principe de non-sanction")
    html = client.get(lesson.url).content.decode()
    assert f'href="/en{lesson.url[3:]}" hreflang="en"' in html


def test_header_and_home_page_link_to_the_catalogue_of_the_current_language(client, course):
    french = client.get("/fr/").content.decode()
    assert '<a href="/fr/cours/">Cours</a>' in french
    assert '<a class="button" href="/fr/cours/">Parcourir les cours</a>' in french
    assert '<a href="/en/courses/">Courses</a>' in client.get("/en/").content.decode()


def test_a_lesson_is_found_in_one_step_and_unknown_or_draft_paths_are_404(client):
    course, modules, lessons = course_with_lessons(modules=1, lessons=2)
    lesson = lessons[0]
    assert client.get(lesson.url).status_code == 200
    assert client.get(course.url).status_code == 200
    assert client.get(modules[0].url + "no-such-lesson/").status_code == 404
    assert client.get(lesson.url + "deeper/").status_code == 404
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
