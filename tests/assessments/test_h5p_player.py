import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.h5p import services
from assessments.models import H5PActivity, H5PLibrary, XAPIStatement
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    build_zip,
    h5p_activity,
    h5p_block,
    h5p_package,
    h5p_package_files,
    post_xapi_statement,
    xapi_statement,
)

pytestmark = pytest.mark.django_db


def test_embed_page_runs_the_player_under_a_strict_policy(client, activity):
    response = client.get(f"/h5p/embed/{activity.content_hash}/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    # H5P libraries need eval; the page has an opaque origin wherever it is opened (the
    # sandbox directive), so eval runs with no more power than the libraries themselves.
    assert directives["script-src"] == "'self' 'unsafe-eval'"
    assert directives["sandbox"] == "allow-scripts"
    assert "allow-same-origin" not in csp
    assert directives["frame-ancestors"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    html = response.content.decode()
    # No inline script: only script files, and the configuration as a JSON data block.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert all(
        "src=" in attributes or 'type="application/json"' in attributes for attributes, _ in scripts
    )
    assert html.index("js/h5p-embed.js") < html.index("h5p/main.bundle.js")
    config = json.loads(
        re.search(r'id="h5p-config" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert config["h5pJsonPath"] == f"/h5p/files/{activity.content_hash}"
    assert config["xAPIObjectIRI"] == f"http://testserver/h5p/activities/{activity.uuid}"


def test_the_phone_s_copy_is_hosted_under_its_own_policy_with_the_loader_by_its_hash(
    client, activity
):
    """The host page of a downloaded activity: its CSP (which its sandboxed srcdoc frame
    inherits) allows the inline loader by its hash alone, never 'unsafe-inline' for scripts."""
    import base64
    import hashlib

    response = client.get(f"/h5p/offline/{activity.content_hash}/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    html = response.content.decode()
    config = json.loads(
        re.search(r'id="h5p-host-config" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    digest = base64.b64encode(hashlib.sha256(config["loader"].encode()).digest()).decode()
    assert directives["script-src"] == f"'self' 'unsafe-eval' blob: 'sha256-{digest}'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "</script" not in config["loader"].lower()  # it is written inline in the srcdoc
    assert directives["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # Only our script on the page; the package's files are listed for the download, and each
    # answers (the player's own, the package's).
    scripts = re.findall(r"<script([^>]*)>", html)
    assert [a for a in scripts if "src=" in a] == [' src="/static/js/h5p-host.js" defer']
    assert config["embed"]["h5pJsonPath"] == f"/h5p/files/{activity.content_hash}"
    assert f"/h5p/files/{activity.content_hash}/h5p.json" in config["files"]
    assert "/static/h5p/main.bundle.js" in config["files"]
    for url in config["files"]:
        assert client.get(url).status_code == 200, url
    assert config["title"] == f"Activité interactive : {activity.title}"


def test_the_phone_s_copy_refuses_a_package_whose_libraries_await_approval(client):
    activity = services.import_h5p_package(file=io.BytesIO(h5p_package()))
    assert client.get(f"/h5p/offline/{activity.content_hash}/").status_code in (302, 404)


def test_embed_page_refuses_a_package_whose_libraries_await_approval(client):
    activity = services.import_h5p_package(file=io.BytesIO(h5p_package()))
    assert client.get(f"/h5p/embed/{activity.content_hash}/").status_code in (302, 404)
    assert client.get(f"/h5p/files/{activity.content_hash}/h5p.json").status_code in (302, 404)


def test_package_files_are_readable_from_the_sandbox(client, activity):
    base = f"/h5p/files/{activity.content_hash}"
    for path, content_type in [
        ("h5p.json", "application/json"),
        ("content/content.json", "application/json"),
        ("libraries/H5P.TestButton-1.0/library.json", "application/json"),
        ("libraries/H5P.TestButton-1.0/test-button.js", "text/javascript"),
        ("content/images/photo.png", "image/png"),
    ]:
        response = client.get(f"{base}/{path}")
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith(content_type), path
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert response["Content-Security-Policy"].startswith("sandbox"), path
    assert json.loads(b"".join(client.get(f"{base}/h5p.json").streaming_content))["title"]


@pytest.mark.parametrize(
    "path",
    [
        "content/../h5p.json",
        "libraries/H5P.TestButton-1.0/../../h5p.json",
        "libraries/H5P.Other-1.0/library.json",
        "content/absent.json",
        "settings.py",
    ],
)
def test_only_the_package_files_are_served(client, activity, path):
    response = client.get(f"/h5p/files/{activity.content_hash}/{path}")
    assert response.status_code in (302, 404)
    assert not hasattr(response, "streaming_content")


def test_lesson_shows_a_start_button_and_loads_nothing_of_h5p_before_it_is_clicked(
    learner_client, lesson
):
    html = learner_client.get(lesson.url).content.decode()

    assert "Commencer l'activité" in html
    assert 'data-embed-url="/h5p/embed/' in html
    assert f'data-statements-url="/h5p/lessons/{lesson.pk}/statements"' in html
    assert "<iframe" not in html
    assert "main.bundle.js" not in html
    assert "js/h5p-activity.js" in html


def test_lesson_asks_visitors_to_sign_in_before_the_activity(client, lesson):
    html = client.get(lesson.url).content.decode()
    assert "Connectez-vous pour faire cette activité" in html
    assert "data-h5p-start" not in html


def test_unpublished_activity_is_not_offered_in_a_lesson(learner_client):
    draft = h5p_activity(publish=False, score=1)
    lesson = LessonPageFactory(body=[h5p_block(draft)])
    html = learner_client.get(lesson.url).content.decode()
    assert "Cette activité n'est pas encore disponible." in html
    assert "data-h5p-start" not in html


def _upload(client, content: bytes, name="exercice.h5p", title=""):
    return client.post(
        "/admin/snippets/assessments/h5pactivity/add/",
        {"package": SimpleUploadedFile(name, content), "title": title},
    )


def test_editor_uploads_a_package_in_the_admin(client, editor):
    client.force_login(editor)
    response = _upload(client, h5p_package(), title="Qualifier les faits")

    assert response.status_code == 302
    activity = H5PActivity.objects.get()
    assert activity.title == "Qualifier les faits"
    assert activity.uploaded_by == editor
    assert not activity.main_library.is_approved


def test_admin_upload_shows_the_refusal_and_keeps_nothing(client, editor):
    client.force_login(editor)
    bad = h5p_package_with_svg()
    response = _upload(client, bad)

    assert response.status_code == 200
    assert "content/images/dessin.svg" in response.content.decode()
    assert H5PActivity.objects.count() == 0
    assert H5PLibrary.objects.count() == 0


def h5p_package_with_svg() -> bytes:
    return build_zip({**h5p_package_files(), "content/images/dessin.svg": b"<svg/>"})


def test_only_administrators_approve_libraries(client, editor, administrator):
    activity = services.import_h5p_package(file=io.BytesIO(h5p_package()))
    library = activity.main_library
    url = f"/admin/h5p/libraries/{library.pk}/approve/"

    client.force_login(editor)
    assert client.post(url).status_code in (302, 403)
    library.refresh_from_db()
    assert not library.is_approved

    client.force_login(administrator)
    assert "H5P.TestButton" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    library.refresh_from_db()
    assert library.approved_by == administrator


def test_libraries_are_listed_with_their_approval_state(client, administrator):
    services.import_h5p_package(file=io.BytesIO(h5p_package()))
    client.force_login(administrator)
    html = client.get("/admin/snippets/assessments/h5plibrary/").content.decode()
    assert "H5P.TestButton 1.0.0" in html
    assert "/approve/" in html


def test_staff_preview_hosts_the_player_like_a_lesson(client, editor, activity):
    client.force_login(editor)
    html = client.get(f"/admin/h5p/activities/{activity.pk}/preview/").content.decode()
    assert "data-h5p-start" in html
    assert f'data-statements-url="/h5p/preview/{activity.pk}/statements"' in html


def test_results_per_activity_and_per_learner_for_staff(
    client, superuser, learner_client, learner, lesson, activity
):
    post_xapi_statement(learner_client, lesson, xapi_statement(activity, raw=9))
    client.force_login(superuser)

    overview = client.get("/admin/h5p/results/").content.decode()
    assert activity.title in overview
    assert "peuvent donc être falsifiés" in overview  # H5P is practice evidence
    per_activity = client.get(f"/admin/h5p/results/?activity={activity.pk}").content.decode()
    assert learner.full_name in per_activity
    assert "90 %" in per_activity
    per_learner = client.get(f"/admin/h5p/results/?learner={learner.pk}").content.decode()
    assert lesson.title in per_learner
    assert XAPIStatement.objects.count() == 1


def test_player_fonts_are_readable_from_the_sandbox(client):
    # The sandbox's origin is `null`: fonts are CORS requests (WhiteNoise allows every origin).
    response = client.get("/static/h5p/fonts/h5p-core-30.woff2")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_staff_preview_results_are_kept_apart_from_learners(client, editor, activity):
    client.force_login(editor)
    data = xapi_statement(activity)
    response = client.post(
        f"/h5p/preview/{activity.pk}/statements", json.dumps(data), content_type="application/json"
    )
    assert response.status_code == 201
    row = XAPIStatement.objects.get()
    assert row.is_preview and row.lesson is None and row.user == editor
    assert not XAPIStatement.objects.results().in_lessons().exists()


def test_learners_cannot_post_preview_results(learner_client, activity):
    response = learner_client.post(
        f"/h5p/preview/{activity.pk}/statements",
        json.dumps(xapi_statement(activity)),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert XAPIStatement.objects.count() == 0


def test_media_files_are_served_in_ranges_for_seeking(client, activity):
    url = f"/h5p/files/{activity.content_hash}/content/images/photo.png"
    whole = b"".join(client.get(url).streaming_content)

    part = client.get(url, headers={"range": "bytes=8-15"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 8-15/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[8:16]
    assert client.get(url, headers={"range": f"bytes={len(whole) + 5}-"}).status_code == 416


def test_editor_cannot_publish_an_activity_whose_libraries_await_approval(client, editor):
    activity = services.import_h5p_package(file=io.BytesIO(h5p_package()))
    client.force_login(editor)
    response = client.post(
        f"/admin/snippets/assessments/h5pactivity/edit/{activity.pk}/",
        {"title": activity.title, "is_published": "on"},
    )

    assert response.status_code == 200
    assert "un administrateur doit d" in response.content.decode()
    activity.refresh_from_db()
    assert not activity.is_published


def test_the_site_wide_policy_does_not_replace_the_player_s_own(client, activity):
    # django-csp sets the site's policy on every response that has none: the player's pages
    # keep theirs (eval allowed only there, and the files are sandboxed).
    embed = client.get(f"/h5p/embed/{activity.content_hash}/")
    assert embed["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    page_csp = client.get("/fr/").get("Content-Security-Policy", "")
    assert "unsafe-eval" not in page_csp
    file = client.get(f"/h5p/files/{activity.content_hash}/content/content.json")
    assert file["Content-Security-Policy"].startswith("sandbox;")


def test_package_files_answer_cors_preflights_and_head(client, activity):
    url = f"/h5p/files/{activity.content_hash}/content/images/photo.png"
    preflight = client.options(
        url,
        headers={
            "origin": "null",
            "access-control-request-method": "GET",
            "access-control-request-headers": "range",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "Range" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
    head = client.head(url)
    assert head.status_code == 200
    assert head["Access-Control-Allow-Origin"] == "*"
    assert client.post(url).status_code == 405


def test_lesson_offers_a_retry_and_the_way_forward_if_the_activity_cannot_start(
    learner_client, activity
):
    from tests.factories import course_with_lessons

    _course, _modules, lessons = course_with_lessons(modules=1, lessons=2)
    lesson = lessons[0]
    lesson.body = [h5p_block(activity)]
    lesson.save_revision().publish()

    html = learner_client.get(lesson.url).content.decode()
    failure = html[
        html.index("data-h5p-failed") : html.index("</div>", html.index("data-h5p-failed"))
    ]
    assert "hidden" in failure
    assert "L'activité n'a pas pu démarrer." in failure
    assert "Réessayer" in failure
    assert lessons[1].url in failure
    assert "Vérifiez votre connexion" not in failure


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_results_are_exported_per_activity_and_per_learner_with_formulas_neutralised(
    client, superuser, activity, fmt
):
    import io

    from tests.assessments.conftest import enrol_in_course_of

    lesson = LessonPageFactory(title='=HYPERLINK("http://evil")', body=[h5p_block(activity)])
    learner = UserFactory(full_name="=1+2 Awa Traoré")
    enrol_in_course_of(lesson, learner)
    learner_client = type(client)()
    learner_client.force_login(learner)
    post_xapi_statement(learner_client, lesson, xapi_statement(activity, raw=9))
    client.force_login(superuser)

    def table(query):
        response = client.get(f"/admin/h5p/results/?{query}format={fmt}")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        if fmt == "csv":
            return [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        return [[cell.value for cell in row] for row in sheet.iter_rows()]

    per_activity = table(f"activity={activity.pk}&")
    assert per_activity[0][0] == "Apprenant"
    assert len(per_activity) == 2
    name = str(per_activity[1][0])
    assert "Awa Traoré" in name and not name.startswith("=")
    assert float(str(per_activity[1][3]).replace(",", ".")) == pytest.approx(90)

    per_learner = table(f"learner={learner.pk}&")
    assert per_learner[1][0] == activity.title
    assert not str(per_learner[1][1]).startswith("=")
    assert float(str(per_learner[1][2]).replace(",", ".")) == pytest.approx(9)

    overview = table("")
    assert any(row[0] == activity.title for row in overview[1:])


def test_learners_cannot_export_results(learner_client):
    response = learner_client.get("/admin/h5p/results/?format=csv")
    assert response.status_code in (302, 403)
    assert "Content-Disposition" not in response
