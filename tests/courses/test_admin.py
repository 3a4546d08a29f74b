"""The editors' side: the course tree in the admin, adding a lesson with every block,
previewing it, translating it, and French help texts on every field."""

import factory
import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from people.roles import EDITORS_GROUP, MODERATORS_GROUP
from tests.factories import (
    CoursePageFactory,
    DocumentFactory,
    ImageFactory,
    ModulePageFactory,
    UserFactory,
    translate_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory()
    # Wagtail's Editors write and translate; publishing is the Moderators' permission.
    user.groups.add(*Group.objects.filter(name__in=[EDITORS_GROUP, MODERATORS_GROUP]))
    TOTP.activate(user, generate_totp_secret())  # editors must use a second factor
    client.force_login(user)
    return user


@pytest.fixture
def module(catalogue):
    course = CoursePageFactory(parent=catalogue, title="La loi de 2012")
    module = ModulePageFactory(parent=course, title="Définir la traite")
    translate_page(course, title="The 2012 law", slug="the-2012-law")
    translate_page(module, title="Defining trafficking", slug="defining-trafficking")
    return module


def _lesson_form(title: str) -> dict:
    video = DocumentFactory(file=factory.django.FileField(filename="clip.mp4", data=b"0" * 100))
    return nested_form_data(
        {
            "title": title,
            "slug": "les-trois-elements",
            "summary": "L'acte, le moyen, le but.",
            "estimated_minutes": "20",
            "body": streamfield(
                [
                    ("rich_text", rich_text("<p>La définition de la traite.</p>")),
                    (
                        "callout",
                        {"kind": "warning", "title": "Piège", "text": rich_text("<p>Non.</p>")},
                    ),
                    (
                        "legal_excerpt",
                        {
                            "text": "L'esclavage est interdit.",
                            "instrument": "Code pénal",
                            "article": "324-11",
                            "source_url": "https://example.org/cp",
                        },
                    ),
                    (
                        "case_study",
                        {
                            "title": "L'atelier",
                            "facts": rich_text("<p>Les faits.</p>"),
                            "questions": streamfield([("item", "Qualifiez les faits.")]),
                            "discussion": rich_text("<p>La discussion.</p>"),
                        },
                    ),
                    ("image", {"image": ImageFactory().pk, "alt_text": "", "caption": ""}),
                    ("document", {"document": DocumentFactory().pk, "title": ""}),
                    (
                        "video",
                        {
                            "video": video.pk,
                            "poster": ImageFactory().pk,
                            "title": "Témoignage",
                            "transcript": rich_text(""),
                        },
                    ),
                ]
            ),
            "sources": streamfield(
                [("source", {"title": "Rapport TIP 2023", "url": "https://example.org/tip"})]
            ),
        }
    )


def test_editor_adds_a_lesson_with_every_block_and_translates_it(client, editor, module):
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", module.pk))
    assert client.get(add_url).status_code == 200

    response = client.post(add_url, {**_lesson_form("Les trois éléments"), "action-publish": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = LessonPage.objects.get(title="Les trois éléments")
    assert lesson.live and lesson.locale.language_code == "fr"
    assert [block.block_type for block in lesson.body] == [
        "rich_text",
        "callout",
        "legal_excerpt",
        "case_study",
        "image",
        "document",
        "video",
    ]
    assert client.get(lesson.url).status_code == 200

    english = Locale.objects.get(language_code="en")
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=(lesson.pk,)),
        {"locales": [english.pk]},
    )
    assert response.status_code == 302
    translated = lesson.get_translation(english)
    assert translated.get_parent().specific.title == "Defining trafficking"
    assert translated.specific.body[2].value["instrument"] == "Code pénal"


def test_editor_previews_a_new_lesson_before_saving_it(client, editor, module):
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("courses", "lessonpage", module.pk)
    )
    response = client.post(preview_url, _lesson_form("Aperçu de la leçon"))
    assert response.json()["is_valid"] is True
    response = client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aperçu de la leçon" in html and "324-11" in html


def test_editor_previews_changes_to_a_course(client, editor, module):
    course = module.get_parent().specific
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=(course.pk,)))
    form = querydict_from_html(edit_page.content.decode(), form_id="page-edit-form")
    form["title"] = "La loi de 2012, deuxième édition"
    assert form.getlist("audience") == course.audience

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(course.pk,))
    assert client.post(preview_url, form).json()["is_valid"] is True
    response = client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "La loi de 2012, deuxième édition" in html and "Définir la traite" in html


def test_courses_menu_opens_the_catalogue_in_the_page_tree(client, editor, catalogue):
    response = client.get(reverse("courses_tree"))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_explore", args=(catalogue.pk,))
    assert reverse("courses_tree") in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("model", [CourseIndexPage, CoursePage, ModulePage, LessonPage])
def test_every_field_editors_fill_has_a_french_help_text(model):
    fields = [
        field
        for field in model._meta.get_fields(include_parents=False)
        if field.concrete and not field.primary_key
    ]
    assert fields
    for field in fields:
        with translation.override("en"):
            english = str(field.help_text)
        assert english, f"{model.__name__}.{field.name} has no help text"
        with translation.override("fr"):
            assert str(field.help_text) != english, f"{model.__name__}.{field.name}"
            assert str(field.verbose_name) != "" and field.verbose_name


def test_editor_translates_a_course_keeping_its_code_and_audience(client, editor, catalogue):
    course = CoursePageFactory(parent=catalogue, code="TIP-VICTIME", refresher_course=None)
    english = Locale.objects.get(language_code="en")
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=(course.pk,)),
        {"locales": [english.pk]},
    )
    assert response.status_code == 302
    translated = course.get_translation(english).specific
    assert (translated.code, translated.audience) == (course.code, course.audience)

    # The translation opens in wagtail-localize's editor, where the French strings await.
    response = client.get(reverse("wagtailadmin_pages:edit", args=(translated.pk,)))
    assert response.status_code == 200
    assert course.summary in response.content.decode()
