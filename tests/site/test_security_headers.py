"""Content-Security-Policy and Permissions-Policy on every kind of page: our own origin only, no
other host; inline script and style only in the Wagtail admin (whose widgets still write them),
never eval; and the H5P player's own stricter headers left as they are."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group

from assessments.h5p import views as h5p_views
from people.roles import EDITORS_GROUP
from tests.factories import (
    CertificateFactory,
    DocumentFactory,
    ImageFactory,
    LessonPageFactory,
    UserFactory,
    every_block_body,
    h5p_activity,
)

pytestmark = pytest.mark.django_db

KEYWORDS = {"'self'", "'none'", "data:", "blob:"}
ADMIN_ONLY = {"'unsafe-inline'"}
REFUSED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"]


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def _assert_own_origin_only(response, *, admin=False):
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    allowed = KEYWORDS | (ADMIN_ONLY if admin else set())
    for directive, sources in directives.items():
        assert set(sources) <= allowed, (directive, sources)  # no host, no scheme, no eval
    if not admin:
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]


def _assert_features_refused(response):
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in REFUSED_FEATURES:
        assert policy[feature] == "()", feature


@pytest.fixture
def editor(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def lesson():
    video = DocumentFactory(title="Témoignage")
    return LessonPageFactory(
        body=every_block_body(
            image=ImageFactory(), document=DocumentFactory(), video=video, poster=ImageFactory()
        )
    )


def test_a_learners_lesson_page(client, lesson):
    client.force_login(UserFactory())
    response = client.get(lesson.url)
    assert response.status_code == 200
    _assert_own_origin_only(response)
    _assert_features_refused(response)


@pytest.mark.parametrize(
    "path", ["/fr/", "/fr/accounts/login/", "/fr/accounts/signup/", "/fr/accounts/password/reset/"]
)
def test_public_and_sign_in_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    _assert_own_origin_only(response)
    _assert_features_refused(response)


def test_the_verification_page(client):
    certificate = CertificateFactory()
    response = client.get(f"/fr/verify/{certificate.display_code}/")
    assert response.status_code == 200
    _assert_own_origin_only(response)
    _assert_features_refused(response)
    form = client.get("/fr/verify/")
    _assert_own_origin_only(form)


def test_the_admin_allows_inline_code_but_no_other_host_and_no_eval(client, editor, lesson):
    client.force_login(editor)
    for path in ["/admin/", f"/admin/pages/{lesson.pk}/edit/", "/admin/images/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_own_origin_only(response, admin=True)
        _assert_features_refused(response)
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_a_page_preview_in_the_admin_gets_the_sites_strict_policy(client, editor, lesson):
    client.force_login(editor)
    response = client.get(f"/admin/pages/{lesson.pk}/view_draft/")
    assert response.status_code == 200
    _assert_own_origin_only(response)


def test_the_admin_loads_nothing_from_other_hosts(client, editor):
    # Wagtail would fetch avatars from Gravatar and check for new releases on wagtail.org.
    client.force_login(editor)
    html = client.get("/admin/").content.decode() + client.get("/admin/users/").content.decode()
    assert "gravatar" not in html
    assert not re.search(r"""\ssrc=["']https?://|<link[^>]*\shref=["']https?://""", html)
    assert not settings.WAGTAIL_ENABLE_UPDATE_CHECK


def test_the_h5p_player_keeps_its_own_stricter_policy(client):
    activity = h5p_activity()
    embed = client.get(f"/h5p/embed/{activity.content_hash}/")
    assert embed.status_code == 200
    assert embed["Content-Security-Policy"] == h5p_views.EMBED_CSP
    file = client.get(f"/h5p/files/{activity.content_hash}/h5p.json")
    assert file.status_code == 200
    assert file["Content-Security-Policy"] == h5p_views.FILE_CSP


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>"), "inline script"),
    (re.compile(r"<style\b"), "<style> element"),
    (re.compile(r"""\sstyle=["']"""), "style attribute"),
    (re.compile(r"""\son[a-z]+=["']"""), "event handler attribute"),
    (re.compile(r"javascript:"), "javascript: URL"),
]


def test_the_sites_templates_have_no_inline_script_or_style():
    # The site's own pages run under script-src/style-src 'self': anything inline is refused by
    # the browser. Admin templates (under /admin/) and the PDF template (WeasyPrint) are exempt.
    templates = settings.SITE_DIR / "templates"
    found = []
    for path in sorted(templates.rglob("*.html")):
        relative = path.relative_to(templates).as_posix()
        if (
            "/admin/" in relative
            or relative.startswith("wagtailadmin/")
            or relative.endswith("pdf.html")
        ):
            continue
        text = path.read_text()
        found += [f"{relative}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []
