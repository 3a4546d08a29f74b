"""Two app servers behind nginx (deploy/nginx.conf), one PostgreSQL, one Redis, one SeaweedFS
(the media and private buckets), a Celery worker and beat, all real processes: what one server
does, the other sees."""

from __future__ import annotations

import datetime
import hashlib
import http.client
import io
import json
import re
import uuid
import zipfile

import pytest
import requests

from tests.multiserver.cluster import ROOT, wait_until
from tests.multiserver.visitor import Visitor

pytestmark = pytest.mark.multiserver


def _real_or_test_package() -> bytes:
    real = ROOT.parent / "shared" / "h5p" / "H5P.TrueFalse.h5p"
    if real.exists():
        return real.read_bytes()
    from tests.factories import h5p_package

    return h5p_package()


def test_the_servers_answer_in_turn_and_nginx_serves_the_static_files(visitor):
    names = [visitor.get("/healthz").headers["X-Served-By"] for _ in range(4)]
    assert names in (["app-a", "app-b"] * 2, ["app-b", "app-a"] * 2)
    health = visitor.get("/healthz").json()
    assert health == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "broker": "ok",
    }
    css = visitor.get("/static/css/site.css")
    assert css.status_code == 200 and "X-Served-By" not in css.headers  # nginx sent it
    assert "immutable" in css.headers["Cache-Control"]


def test_nginx_refuses_what_it_must(deployment, visitor):
    # A body over client_max_body_size is refused before any app server reads it.
    connection = http.client.HTTPConnection("127.0.0.1", deployment.nginx.port, timeout=10)
    connection.putrequest("POST", "/admin/snippets/assessments/h5pactivity/add/")
    connection.putheader("Content-Length", str(56 * 1024 * 1024))
    connection.endheaders()
    assert connection.getresponse().status == 413
    # Private files only through the views; H5P files only through theirs (sandbox CSP).
    assert visitor.get("/protected/certificates/x.pdf").status_code == 404
    assert visitor.get("/media/h5p/content/x/content.json").status_code == 404


def test_signed_in_with_the_second_factor_on_one_server_continued_on_the_other(deployment, editor):
    # The password on one, the code on the other, « Ma formation » on the first again.
    assert editor.signed_in_on == ["app-a", "app-b", "app-a"]
    for name in deployment.app_names:
        editor.next_goes_to(name)
        admin = editor.get("/admin/")
        assert admin.status_code == 200 and admin.headers["X-Served-By"] == name
        assert "wagtail" in admin.text.lower()


def test_an_h5p_package_uploaded_through_one_server_plays_through_the_other(deployment, editor):
    people = deployment.people
    package = _real_or_test_package()
    add = "/admin/snippets/assessments/h5pactivity/add/"
    editor.next_goes_to("app-a")
    assert editor.get(add).headers["X-Served-By"] == "app-a"
    editor.next_goes_to("app-a")
    uploaded = editor.post(add, {"title": ""}, files={"package": ("vf.h5p", package)})
    assert uploaded.status_code == 302, uploaded.text[:3000]
    assert uploaded.headers["X-Served-By"] == "app-a"
    [(activity_id,)] = deployment.sql("SELECT max(id) FROM assessments_h5pactivity")
    placed = deployment.world("place-h5p", str(activity_id), str(people["h5p_module"]))

    learner = Visitor(deployment)
    learner.sign_in(people["learner"]["email"])
    learner.next_goes_to("app-b")
    lesson = learner.get(placed["url"])
    assert lesson.status_code == 200 and lesson.headers["X-Served-By"] == "app-b"
    assert f"/h5p/embed/{placed['hash']}/" in lesson.text
    learner.next_goes_to("app-b")
    embed = learner.get(f"/h5p/embed/{placed['hash']}/")
    assert embed.status_code == 200 and embed.headers["X-Served-By"] == "app-b"
    # The package's files, written by app-a, read through app-b (and app-a): the same bytes.
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        expected = archive.read("content/content.json")
    for name in deployment.app_names:
        learner.next_goes_to(name)
        content = learner.get(f"/h5p/files/{placed['hash']}/content/content.json")
        assert content.status_code == 200 and content.headers["X-Served-By"] == name
        assert content.content == expected
    # The learner's answer, reported through app-b, is recorded once.
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"name": "Inconnu", "mbox": "mailto:inconnu@exemple.ml", "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "x"}},
        "object": {
            # The IRI the player reports: the site's address as nginx passes it on (Host).
            "id": f"{learner.base}/h5p/activities/{placed['uuid']}",
            "objectType": "Activity",
        },
        "result": {"score": {"min": 0, "max": 1, "raw": 1, "scaled": 1.0}, "completion": True},
    }
    learner.next_goes_to("app-b")
    intake = learner.post(
        f"/h5p/lessons/{placed['lesson']}/statements",
        json.dumps(statement),
        headers={"Content-Type": "application/json"},
    )
    assert intake.status_code in (200, 201), intake.text[:2000]
    assert intake.headers["X-Served-By"] == "app-b"
    rows = deployment.sql(
        "SELECT count(*) FROM assessments_xapistatement WHERE statement_id = %s", statement["id"]
    )
    assert rows == [(1,)]


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_uploaded_through_one_server_is_sent_by_nginx_from_the_media_bucket(
    deployment, editor
):
    picture = _png(640, 400)
    editor.next_goes_to("app-a")
    uploaded = editor.post(
        "/admin/images/add/",
        {"title": "Salle d'audience"},
        files={"file": ("salle-audience.png", picture, "image/png")},
    )
    assert uploaded.status_code == 302, uploaded.text[:3000]
    assert uploaded.headers["X-Served-By"] == "app-a"
    [(original,)] = deployment.sql("SELECT file FROM wagtailimages_image ORDER BY id DESC LIMIT 1")
    # The original, read by nginx from the bucket (no app server in the way), the same bytes.
    anyone = Visitor(deployment)
    sent = anyone.get(f"/media/{original}")
    assert sent.status_code == 200 and sent.content == picture
    assert "X-Served-By" not in sent.headers and "x-amz-request-id" not in sent.headers
    assert sent.headers["X-Content-Type-Options"] == "nosniff"
    assert sent.headers["Content-Security-Policy"].startswith("sandbox")
    [line] = [
        line
        for line in (deployment.nginx.folder / "access.log").read_text().splitlines()
        if f"GET /media/{original} " in line
    ]
    assert f"upstream=127.0.0.1:{deployment.storage.s3_port} " in line
    # A rendition made by app-b (the admin's listing draws the thumbnails), sent the same way.
    editor.next_goes_to("app-b")
    listing = editor.get("/admin/images/")
    assert listing.status_code == 200 and listing.headers["X-Served-By"] == "app-b"
    thumbnails = [
        src
        for src in re.findall(r'src="(/media/images/[^"]+)"', listing.text)
        if "salle-audience" in src
    ]
    assert thumbnails, listing.text[:3000]
    thumbnail = anyone.get(thumbnails[0])
    assert thumbnail.status_code == 200 and thumbnail.content.startswith(b"\x89PNG")
    assert "X-Served-By" not in thumbnail.headers
    # nginx reads, never writes (a PUT is refused before the storage sees it), and shows none
    # of the storage's own error pages.
    put = anyone.session.put(f"{anyone.base}/media/{original}", data=b"x", timeout=10)
    assert put.status_code in (403, 404)

    def logged_put():
        # nginx logs the request once it has read and dropped its body: after answering.
        log = (deployment.nginx.folder / "access.log").read_text().splitlines()
        return [line for line in log if line.startswith(f"PUT /media/{original} ")]

    [line] = wait_until(logged_put, seconds=10, what="nginx logging the PUT")
    assert "upstream=- " in line, line
    missing = anyone.get("/media/images/nothing-here.png")
    assert missing.status_code == 404 and deployment.MEDIA_BUCKET not in missing.text
    assert anyone.get(f"/media/{original}").content == picture  # still the same


def test_a_course_completed_through_one_server_gets_a_pdf_from_the_worker_sent_by_the_other(
    deployment,
):
    people = deployment.people
    learner = Visitor(deployment)
    learner.sign_in(people["learner"]["email"])
    for lesson in people["course"]["lessons"]:
        learner.next_goes_to("app-a")
        done = learner.post(f"/fr/learning/lessons/{lesson}/complete/")
        assert done.status_code == 302 and done.headers["X-Served-By"] == "app-a"

    def rendered():
        return deployment.sql(
            "SELECT id, pdf, pdf_sha256 FROM certificates_certificate "
            "WHERE holder_id = %s AND course_id = %s AND pdf_sha256 <> ''",
            people["learner"]["id"],
            people["course"]["id"],
        )

    [(certificate_id, name, sha256)] = wait_until(
        rendered, seconds=90, what="the worker rendering the PDF"
    )
    # The worker wrote it to the private bucket, which answers no one without the keys.
    stored = deployment.private_file(name)
    assert hashlib.sha256(stored).hexdigest() == sha256
    anonymous = requests.get(f"{deployment.storage.endpoint}/{deployment.PRIVATE_BUCKET}/{name}")
    assert anonymous.status_code == 403
    learner.next_goes_to("app-b")
    path = f"/fr/learning/certificates/{certificate_id}/pdf/"
    pdf = learner.get(path)
    assert pdf.status_code == 200, pdf.text[:2000]
    # app-b checked who asks and streamed the file from the bucket.
    assert deployment.answered_by(path) == "app-b" and pdf.headers["X-Served-By"] == "app-b"
    assert "X-Accel-Redirect" not in pdf.headers
    assert {"private", "no-store"} <= set(pdf.headers["Cache-Control"].split(", ")), pdf.headers
    assert pdf.headers.get("Content-Type") == "application/pdf", pdf.headers
    assert pdf.headers.get("Content-Disposition", "").startswith("attachment"), pdf.headers
    assert pdf.content.startswith(b"%PDF") and hashlib.sha256(pdf.content).hexdigest() == sha256
    # Someone else gets nothing.
    stranger = Visitor(deployment)
    stranger.sign_in(people["load"]["learners"][0]["email"])
    assert stranger.get(f"/fr/learning/certificates/{certificate_id}/pdf/").status_code in (
        403,
        404,
    )


def test_an_export_built_by_the_worker_is_downloaded(deployment, member):
    member.next_goes_to("app-a")
    today = datetime.datetime.now(datetime.UTC).date()  # Bamako is on UTC
    period = {"period": "range", "start": f"{today.year}-01-01", "end": today.isoformat()}
    asked = member.post("/fr/registre/exporter/", {"format": "csv", **period})
    assert asked.status_code == 302, asked.text[:2000]
    export_id = int(asked.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

    def built():
        [(status,)] = deployment.sql(
            "SELECT status FROM certificates_registerexport WHERE id = %s", export_id
        )
        assert status != "failed"
        return status == "done"

    wait_until(built, seconds=90, what="the worker building the export")
    member.next_goes_to("app-b")
    page = member.get(f"/fr/registre/exports/{export_id}/")
    assert page.status_code == 200 and page.headers["X-Served-By"] == "app-b"
    member.next_goes_to("app-a")
    path = f"/fr/registre/exports/{export_id}/fichier/"
    download = member.get(path)
    assert download.status_code == 200 and deployment.answered_by(path) == "app-a"
    assert "X-Accel-Redirect" not in download.headers
    [(name,)] = deployment.sql(
        "SELECT file FROM certificates_registerexport WHERE id = %s", export_id
    )
    assert download.content == deployment.private_file(name)  # the worker's file, whole
    # The learner certified through app-a (the test before) is in the register.
    assert "Traoré" in download.content.decode("utf-8-sig")
