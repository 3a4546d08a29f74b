"""The editors' admin in French (issue 17): no autosave of new pages, a slug clash said at the top
of the form, Wagtail's English names (groups, workflow, root page) in French, no English word on
the pages an editor uses, wagtail-localize's translate form and dates in French, a module's
duration computed from its lessons, and an English slug for an English page."""

import datetime
import importlib
import re
from html.parser import HTMLParser

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Locale, Page, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from courses import localize
from courses.models import LessonPage, ModulePage
from people.roles import EDITORS_GROUP, MODERATORS_GROUP
from tests.factories import (
    CoursePageFactory,
    DocumentFactory,
    ImageFactory,
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
    quiz_with_questions,
    translate_page,
)

pytestmark = pytest.mark.django_db

# English the French admin must not show (words, whole, as an editor reads them).
ENGLISH = [
    "Moderators",
    "Editors",
    "approval",
    "translation",
    "More actions",
    "Publish",
    # a language named in English inside a French sentence (« Publier dans English »,
    # « Français to English translation »)
    "dans English",
    "dansEnglish",
    "to English",
    "English to",
    "Submit",
    "Any",
    "Root",
    "Timeline",
    "Locale",
    "Locales",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    # not English, but Wagtail's French for « locale »: a language here, not a region
    "Région",
    "Régions",
]
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-w-tooltip-content-value"}


class _ShownText(HTMLParser):
    """The text a person reads on the page, tooltips and labels for screen readers included;
    not scripts nor styles."""

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.hidden += 1
        self.parts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def shown_text(html: str) -> str:
    parser = _ShownText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


@pytest.fixture
def editor(client):
    user = UserFactory(full_name="Awa Sangaré")
    user.groups.add(*Group.objects.filter(name__in=[EDITORS_GROUP, MODERATORS_GROUP]))
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


@pytest.fixture
def module(catalogue):
    course = CoursePageFactory(parent=catalogue, title="La loi de 2012")
    module = ModulePageFactory(parent=course, title="Définir la traite", quiz_minutes=10)
    for title in ["Les trois éléments", "Le consentement", "Les victimes mineures"]:
        LessonPageFactory(parent=module, title=title, estimated_minutes=15)
    return ModulePage.objects.get(pk=module.pk)


def _lesson_form(title: str, slug: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "estimated_minutes": "15",
            "body": streamfield([("rich_text", rich_text("<p>Texte.</p>"))]),
            "sources": streamfield([]),
        }
    )


# --- Autosave and slugs ----------------------------------------------------------------------


def test_no_autosave_of_a_new_page_nor_of_a_page_being_edited(client, editor, module):
    """Autosave made a hidden draft of an abandoned new lesson; it is off (leaving the form
    with unsaved changes still asks first)."""
    lesson = LessonPage.objects.child_of(module).first()
    for url in [
        reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", module.pk)),
        reverse("wagtailadmin_pages:edit", args=(lesson.pk,)),
    ]:
        html = client.get(url).content.decode()
        form = re.search(r'<form\s+id="page-edit-form"[^>]*>', html).group(0)
        assert "w-unsaved" in form
        assert "w-autosave" not in form, url


def test_a_slug_clash_is_said_at_the_top_of_the_form(client, editor, module):
    LessonPageFactory(parent=module, title="Les trois éléments (brouillon)", slug="la-traite")
    draft = LessonPage.objects.get(slug="la-traite")
    draft.unpublish()
    count = Page.objects.count()
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", module.pk))

    response = client.post(
        add_url, {**_lesson_form("La traite", "la-traite"), "action-publish": "1"}
    )

    assert response.status_code == 200
    assert Page.objects.count() == count
    header = re.search(r'<div class="messages"[^>]*>.*?</div>', response.content.decode(), re.S)
    assert header is not None
    text = shown_text(header.group(0))
    assert (
        "Une autre page de « Définir la traite » a déjà l'adresse « la-traite » : "
        "« Les trois éléments (brouillon) » (brouillon, non publiée). Changez le titre ou "
        "l'adresse (champ « Slug » de l'onglet « Promotion »)."
    ) in text


def test_a_slug_of_its_own_is_accepted(client, editor, module):
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", module.pk))
    response = client.post(
        add_url, {**_lesson_form("La traite", "la-traite"), "action-publish": "1"}
    )
    assert response.status_code == 302
    assert LessonPage.objects.get(slug="la-traite").live


# --- Wagtail's names in French -----------------------------------------------------------------


def test_wagtails_groups_workflow_and_root_have_french_names():
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    editors, moderators = (Group.objects.get(name=n) for n in [EDITORS_GROUP, MODERATORS_GROUP])
    assert editors.page_permissions.exists() and moderators.page_permissions.exists()
    assert editors.permissions.filter(codename="submit_translation").exists()
    assert editors.permissions.filter(codename="add_quiz").exists()
    workflow = Workflow.objects.get()
    assert workflow.name == "Validation par les modérateurs"
    task = GroupApprovalTask.objects.get()
    assert task.name == "Validation par les modérateurs"
    assert list(task.groups.all()) == [moderators]
    assert Page.objects.get(depth=1).title == "Racine"


def test_the_renaming_migration_renames_what_wagtail_created_and_goes_back():
    migration = importlib.import_module(
        "people.migrations.0006_french_names_of_wagtail_groups_and_workflow"
    )
    migration.to_english(apps, None)
    assert Group.objects.filter(name__in=["Editors", "Moderators"]).count() == 2
    assert Workflow.objects.get().name == "Moderators approval"
    assert Page.objects.get(depth=1).title == "Root"
    migration.to_french(apps, None)
    migration.to_french(apps, None)  # twice: nothing more happens
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS_GROUP, MODERATORS_GROUP}
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert Workflow.objects.get().name == "Validation par les modérateurs"
    assert Page.objects.get(depth=1).title == "Racine"


# --- No English on the editor's pages ----------------------------------------------------------


def test_the_pages_an_editor_uses_speak_french(client, editor, module):
    lesson = LessonPage.objects.child_of(module).first()
    ImageFactory(title="Affiche")
    DocumentFactory(title="Guide")
    quiz_with_questions(title="Évaluation")
    urls = {
        "dashboard": reverse("wagtailadmin_home"),
        "explorer": reverse("wagtailadmin_explore", args=(module.pk,)),
        "page edit": reverse("wagtailadmin_pages:edit", args=(lesson.pk,)),
        "page create": reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", module.pk)),
        "quiz list": reverse("wagtailsnippets_assessments_quiz:list"),
        "H5P list": reverse("wagtailsnippets_assessments_h5pactivity:list"),
        "translate form": reverse("wagtail_localize:submit_page_translation", args=(lesson.pk,)),
        "images": reverse("wagtailimages:index"),
        "documents": reverse("wagtaildocs:index"),
    }
    found = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Désolé" not in html, name  # no page refused the editor
        english = english_in(shown_text(html))
        if english:
            found[name] = english
    assert found == {}
    edit_page = shown_text(client.get(urls["page edit"]).content.decode())
    assert "Soumettre à Validation par les modérateurs" in edit_page
    assert "Langue :" in edit_page


def test_the_english_list_catches_what_it_is_meant_to():
    html = (
        '<button aria-label="More actions">…</button><p>Soumettre à Moderators approval</p>'
        "<script>var Publish = 1;</script><p>Publication</p>"
    )
    assert english_in(shown_text(html)) == ["Moderators", "approval", "More actions"]


# --- wagtail-localize ---------------------------------------------------------------------


def test_the_translate_form_says_languages_and_ticks_english(client, editor, module):
    lesson = LessonPage.objects.child_of(module).first()
    english = Locale.objects.get(language_code="en")
    html = client.get(
        reverse("wagtail_localize:submit_page_translation", args=(lesson.pk,))
    ).content.decode()
    assert re.search(r"<label[^>]*>\s*Langues", html)
    checkbox = re.search(rf'<input[^>]*name="locales"[^>]*value="{english.pk}"[^>]*>', html)
    assert checkbox and "checked" in checkbox.group(0)
    # Unticked and sent, it is refused as before: nothing is translated.
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=(lesson.pk,)), {}
    )
    assert response.status_code == 200
    assert lesson.get_translation_or_none(english) is None


def test_the_words_of_the_translation_editor(editor):
    words = localize.admin_words()
    assert words["More actions"] == "Plus d'actions"
    assert words["Français to English translation"] == "Traduction du français vers l'anglais"
    assert words["English to Français translation"] == "Traduction de l'anglais vers le français"
    assert words["Publier dansEnglish"] == "Publier en anglais"


def test_translation_dates_are_french(client, editor, module, django_capture_on_commit_callbacks):
    lesson = LessonPage.objects.child_of(module).first()
    english = Locale.objects.get(language_code="en")
    client.post(
        reverse("wagtail_localize:submit_page_translation", args=(lesson.pk,)),
        {"locales": [english.pk]},
    )
    translated = lesson.get_translation(english)
    source = TranslationSource.objects.get(object_id=lesson.translation_key)
    title_segment = source.stringsegment_set.get(context__path="title")
    string = StringTranslation.objects.create(
        translation_of=title_segment.string,
        locale=english,
        context=title_segment.context,
        data="The three elements",
        translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
    )
    StringTranslation.objects.filter(pk=string.pk).update(
        updated_at=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)
    )
    string.refresh_from_db()
    assert string.get_comment() == "Traduit manuellement le 1 décembre 2026"

    with django_capture_on_commit_callbacks(execute=True):
        Translation.objects.get(source=source, target_locale=english).save_target(
            user=editor, publish=True
        )
    translated.refresh_from_db()
    html = client.get(reverse("wagtailadmin_pages:edit", args=(translated.pk,))).content.decode()
    published = timezone.localtime(translated.specific.live_revision.created_at).date()
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
    months += ["septembre", "octobre", "novembre", "décembre"]
    expected = f"{published.day} {months[published.month - 1]} {published.year}"
    assert f"&quot;lastPublishedDate&quot;: &quot;{expected}&quot;" in html
    assert re.search(r"lastPublishedDate&quot;: &quot;\d+ [A-Z]", html) is None


def test_the_english_page_gets_an_english_slug(client, editor, module):
    lesson = LessonPage.objects.child_of(module).first()
    assert lesson.slug == "les-trois-elements"
    translate_page(module.get_parent().specific, title="The 2012 law")
    english_module = translate_page(module, title="Defining trafficking")
    english = Locale.objects.get(language_code="en")
    client.post(
        reverse("wagtail_localize:submit_page_translation", args=(lesson.pk,)),
        {"locales": [english.pk]},
    )
    translated = lesson.get_translation(english)
    # Created with the French title: the slug waits for the title's translation.
    assert translated.slug == "les-trois-elements"
    source = TranslationSource.objects.get(object_id=lesson.translation_key)
    title_segment = source.stringsegment_set.get(context__path="title")
    StringTranslation.objects.create(
        translation_of=title_segment.string,
        locale=english,
        context=title_segment.context,
        data="The three elements",
        translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
    )
    Translation.objects.get(source=source, target_locale=english).save_target(
        user=editor, publish=True
    )
    translated.refresh_from_db()
    assert (translated.title, translated.slug) == ("The three elements", "the-three-elements")
    assert english_module.slug == "defining-trafficking"
    assert translated.url.endswith(
        "/en/courses/the-2012-law/defining-trafficking/the-three-elements/"
    )
    # Synced again later, it keeps it; and a slug an editor chose is kept too.
    source.update_from_db()
    Translation.objects.get(source=source, target_locale=english).save_target(
        user=editor, publish=True
    )
    translated.refresh_from_db()
    assert translated.slug == "the-three-elements"
    translated.slug = "elements"
    translated.save()
    assert LessonPage.objects.get(pk=translated.pk).slug == "elements"


def test_a_french_page_keeps_the_slug_its_editor_gave(module):
    lesson = LessonPage.objects.child_of(module).first()
    lesson.title = "Les éléments constitutifs"
    lesson.save()
    assert LessonPage.objects.get(pk=lesson.pk).slug == "les-trois-elements"


# --- A module's duration -----------------------------------------------------------------------


def _minutes(module) -> int:
    return ModulePage.objects.get(pk=module.pk).estimated_minutes


def test_a_modules_duration_follows_its_lessons(module):
    assert _minutes(module) == 3 * 15 + 10
    fourth = LessonPageFactory(parent=module, title="Les indicateurs", estimated_minutes=15)
    assert _minutes(module) == 70

    # A lesson's new duration counts once it is published, not while it is a draft.
    fourth.estimated_minutes = 25
    fourth.save_revision()
    assert _minutes(module) == 70
    fourth.get_latest_revision().publish()
    assert _minutes(module) == 80

    fourth.unpublish()
    assert _minutes(module) == 55
    fourth.get_latest_revision().publish()
    assert _minutes(module) == 80

    other = ModulePageFactory(parent=module.get_parent(), title="Enquêter", quiz_minutes=0)
    assert _minutes(other) == 0
    LessonPage.objects.get(pk=fourth.pk).move(other, pos="last-child")
    assert (_minutes(module), _minutes(other)) == (55, 25)

    LessonPage.objects.child_of(module).first().delete()
    assert _minutes(module) == 40


def test_a_modules_old_revision_cannot_bring_back_an_old_duration(module):
    revision = module.save_revision()
    LessonPageFactory(parent=module, title="Les indicateurs", estimated_minutes=15)
    revision.publish()
    assert _minutes(module) == 70


def test_the_editor_sets_the_quiz_minutes_not_the_duration(client, editor, module):
    html = client.get(reverse("wagtailadmin_pages:edit", args=(module.pk,))).content.decode()
    assert 'name="quiz_minutes"' in html
    assert 'name="estimated_minutes"' not in html


def test_the_migration_keeps_the_quiz_time_it_can_tell(module):
    migration = importlib.import_module("courses.migrations.0008_module_duration_from_lessons")
    bigger = ModulePageFactory(parent=module.get_parent(), title="Enquêter")
    for _ in range(4):
        LessonPageFactory(parent=bigger, estimated_minutes=15)
    # As typed before: 55 minutes for both (the second one's fourth lesson was added later).
    ModulePage.objects.filter(pk__in=[module.pk, bigger.pk]).update(
        estimated_minutes=55, quiz_minutes=0
    )
    migration.compute_durations(apps, None)
    assert ModulePage.objects.get(pk=module.pk).quiz_minutes == 10
    assert _minutes(module) == 55
    assert (ModulePage.objects.get(pk=bigger.pk).quiz_minutes, _minutes(bigger)) == (0, 60)
