"""The site-wide Content-Security-Policy breaks nothing: an editor works in the Wagtail admin
(dashboard, page editor and its preview, page chooser, image upload, wagtail-localize's editor)
and a learner reads a lesson with every block, loads its video, plays its H5P activity and opens
its quiz — and the browser reports no policy violation anywhere."""

import io
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from courses import services as course_services
from people.roles import EDITORS_GROUP, MODERATORS_GROUP
from tests.browser.phone import watch_hosts
from tests.factories import (
    CoursePageFactory,
    DocumentFactory,
    ImageFactory,
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
    every_block_body,
    h5p_activity,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Every frame reports its violations on the console, where the page listener collects them.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("securitypolicyviolation: " + event.violatedDirective + " " + event.blockedURI
                + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""
VIOLATION = re.compile(
    r"securitypolicyviolation|Content Security Policy|Refused to|Permissions-Policy", re.I
)


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: VIOLATION.search(message.text) and violations.append(message.text),
    )
    return violations


def _sign_in(page, live_server, client, user):
    # `client` is the suite's SignedInClient: a session that passed the second factor.
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _lesson():
    video = DocumentFactory(title="Témoignage", file__filename="temoignage.mp4")
    body = every_block_body(
        image=ImageFactory(),
        document=DocumentFactory(),
        video=video,
        poster=ImageFactory(),
        h5p_activity=h5p_activity(title="Qualifier les faits"),
        quiz=quiz_with_questions(title="Évaluation de la leçon"),
    )
    course = CoursePageFactory(title="La loi de 2012")
    refresher = CoursePageFactory(title="Recyclage sur la loi de 2012")
    module = ModulePageFactory(parent=course, title="Définir la traite")
    lesson = LessonPageFactory(parent=module, title="Les trois éléments", body=body)
    return course, refresher, lesson


def test_the_admin_editor_works_under_the_policy(page, live_server, client):
    course, refresher, lesson = _lesson()
    editor = UserFactory()
    editor.groups.add(*Group.objects.filter(name__in=[EDITORS_GROUP, MODERATORS_GROUP]))
    TOTP.activate(editor, generate_totp_secret())
    violations = _watch(page)
    elsewhere = watch_hosts(page, live_server)
    _sign_in(page, live_server, client, editor)

    page.goto("/admin/")
    expect(page.locator("main")).to_be_visible()

    # The page editor: rich text, the preview panel, saving a draft.
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    editable = page.locator(".public-DraftEditor-content").first
    editable.click()
    page.keyboard.type(" Texte ajouté par l'éditrice.")
    page.locator("button[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe[data-w-preview-target='iframe']").first
    expect(preview.get_by_role("heading", name="Les trois éléments")).to_be_visible()
    page.get_by_role("button", name=re.compile("Enregistrer le brouillon")).click()
    expect(page.locator(".messages")).to_contain_text("mise à jour")

    # The page chooser on the course's refresher field.
    page.goto(f"/admin/pages/{course.pk}/edit/")
    page.locator("#id_refresher_course-chooser button[data-chooser-action-choose]").click()
    modal = page.locator(".modal-content")
    modal.get_by_role("textbox").first.fill("Recyclage")
    modal.locator("a.choose-page", has_text="Recyclage sur la loi de 2012").click()
    expect(modal).to_be_hidden()
    expect(page.locator("#id_refresher_course-title")).to_have_text(
        re.compile("Recyclage sur la loi de 2012")
    )

    # Image upload.
    page.goto("/admin/images/multiple/add/")
    png = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(png, "PNG")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "affiche.png", "mimeType": "image/png", "buffer": png.getvalue()}],
    )
    expect(page.locator("#upload-list")).to_contain_text("Transfert réussi")

    # wagtail-localize: translate the lesson and open its translation editor.
    page.goto(f"/admin/localize/submit/page/{lesson.pk}/")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Soumettre").click()
    expect(
        page.get_by_role("heading", name="Traduction du français vers l'anglais")
    ).to_be_visible()

    assert violations == []
    # Nothing asked of another host: no avatar from gravatar.com, no update check at
    # releases.wagtail.org (settings: WAGTAIL_GRAVATAR_PROVIDER_URL, WAGTAIL_ENABLE_UPDATE_CHECK).
    assert elsewhere == []


def test_a_lesson_with_every_block_runs_under_the_policy(page, live_server, client):
    course, _refresher, lesson = _lesson()
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    violations = _watch(page)
    _sign_in(page, live_server, client, learner)

    page.goto(lesson.url)
    expect(page.get_by_role("heading", name="Les trois éléments")).to_be_visible()
    page.get_by_role("link", name=re.compile("Charger la vidéo")).click()
    expect(page.locator("video")).to_be_attached()
    page.get_by_role("button", name="Commencer l'activité").click()
    player = page.frame_locator("iframe[sandbox]")
    expect(player.get_by_role("button", name="Terminer l'exercice")).to_be_visible()
    player.get_by_role("button", name="Terminer l'exercice").click()
    expect(page.get_by_text("Votre résultat a été enregistré.")).to_be_visible()
    page.get_by_role("link", name="Ouvrir l’évaluation").click()
    expect(page.get_by_role("heading", name="Évaluation de la leçon")).to_be_visible()

    assert violations == []
