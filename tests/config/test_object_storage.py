"""Media and private files in S3-compatible object storage: a real SeaweedFS (tests/seaweedfs.py),
two buckets as STORAGE_URL configures them. Nothing is written to the app server's disk; media
keep their /media/ address on the site's origin; private files are never readable from the
bucket without the keys, and reach their reader only through the views that check who asks."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image

from assessments.h5p import services as h5p
from certificates.models import RegisterExport
from certificates.tasks import render_certificate_pdf
from config.private_files import private_storage
from config.storage import is_local
from config.storage_settings import s3_options_from_env
from people.roles import EDITORS_GROUP
from tests.factories import (
    CertificateFactory,
    LessonPageFactory,
    UserFactory,
    committee_member,
    h5p_activity,
    h5p_block,
)

pytestmark = pytest.mark.django_db


def _files(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _keys(s3_storage, bucket: str) -> list[str]:
    listed = s3_storage.client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def _anonymous_get(s3_storage, bucket: str, key: str) -> int:
    """What a client without the keys (nginx passing /media/ on) gets from the engine."""
    try:
        with urllib.request.urlopen(f"{s3_storage.engine.endpoint}/{bucket}/{key}") as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _png(width=640, height=400) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def editor(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


def test_storage_url_names_both_buckets_and_refuses_one_for_both():
    class Env:
        def __init__(self, **values):
            self.values = values

        def str(self, name, default=""):
            return self.values.get(name, default)

    options = s3_options_from_env(
        Env(STORAGE_URL="s3+http://KEY:s%2Fecret@127.0.0.1:8333/media?private_bucket=private")
    )
    assert options["endpoint_url"] == "http://127.0.0.1:8333"
    assert (options["access_key"], options["secret_key"]) == ("KEY", "s/ecret")
    assert (options["bucket_name"], options["private_bucket_name"]) == ("media", "private")
    assert s3_options_from_env(Env(STORAGE_URL="s3://K:S@s3.example.ml/m?private_bucket=p"))[
        "endpoint_url"
    ] == ("https://s3.example.ml")
    assert s3_options_from_env(Env()) is None  # the local disk
    for wrong in (
        "s3+http://K:S@127.0.0.1:8333/media",
        "s3+http://K:S@127.0.0.1:8333/same?private_bucket=same",
        "ftp://K:S@127.0.0.1/media?private_bucket=p",
    ):
        with pytest.raises(ImproperlyConfigured):
            s3_options_from_env(Env(STORAGE_URL=wrong))
    aws = s3_options_from_env(
        Env(
            AWS_STORAGE_BUCKET_NAME="m",
            AWS_PRIVATE_STORAGE_BUCKET_NAME="p",
            AWS_ACCESS_KEY_ID="K",
            AWS_SECRET_ACCESS_KEY="S",
        )
    )
    assert (aws["bucket_name"], aws["private_bucket_name"], aws["endpoint_url"]) == ("m", "p", None)


def test_an_image_uploaded_in_the_admin_is_in_the_bucket_and_shown_in_a_lesson(
    client, settings, editor, s3_storage
):
    assert not is_local(default_storage)
    upload = SimpleUploadedFile("audience.png", _png(), content_type="image/png")
    response = client.post("/admin/images/add/", {"title": "Audience", "file": upload})
    assert response.status_code == 302, response.content.decode()[:300]
    image = Image.objects.get()
    assert image.file.name in _keys(s3_storage, s3_storage.media_bucket)

    lesson = LessonPageFactory(
        body=[{"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Salle"}}]
    )
    page = client.get(lesson.url)
    assert page.status_code == 200
    sources = re.findall(r'<img[^>]+src="(/media/images/[^"]+)"', page.content.decode())
    assert sources, "the lesson shows no image from /media/"
    # The rendition was made from the original read back from the bucket, and stored there.
    media_keys = _keys(s3_storage, s3_storage.media_bucket)
    assert sources[0].removeprefix("/media/") in media_keys
    shown = client.get(sources[0])
    assert shown.status_code == 200 and shown["Content-Type"].startswith("image/")
    assert PILImage.open(io.BytesIO(_body(shown))).size[0] > 0
    # What nginx passes /media/ to: the media bucket reads anonymously.
    assert _anonymous_get(s3_storage, s3_storage.media_bucket, image.file.name) == 200
    assert _files(settings.MEDIA_ROOT) == [] and _files(settings.PRIVATE_MEDIA_ROOT) == []


def test_media_from_the_bucket_answer_ranges_and_head(client, s3_storage):
    name = default_storage.save("original_images/affiche.png", io.BytesIO(bytes(range(256)) * 40))
    whole = client.get(f"/media/{name}")
    assert whole.status_code == 200 and whole["Content-Length"] == "10240"
    assert _body(whole) == bytes(range(256)) * 40
    part = client.get(f"/media/{name}", HTTP_RANGE="bytes=256-511")
    assert part.status_code == 206 and part["Content-Range"] == "bytes 256-511/10240"
    assert _body(part) == bytes(range(256))
    assert client.get(f"/media/{name}", HTTP_RANGE="bytes=-10")["Content-Length"] == "10"
    assert client.get(f"/media/{name}", HTTP_RANGE="bytes=20000-").status_code == 416
    assert client.head(f"/media/{name}").status_code == 200
    assert client.get("/media/images/absent.png").status_code == 404


def test_media_serves_images_only_documents_and_packages_go_through_their_views(client, s3_storage):
    # A document in a private collection, an H5P file awaiting approval: never from /media/.
    for name in ("documents/guide.pdf", "h5p/content/0123/content/content.json", "scorm/x.html"):
        stored = default_storage.save(name, io.BytesIO(b"%PDF-1.4 {}"))
        assert stored in _keys(s3_storage, s3_storage.media_bucket)
        assert client.get(f"/media/{stored}").status_code == 404, name


def test_a_document_is_sent_by_wagtails_view_from_the_bucket(client, editor, s3_storage):
    from wagtail.documents.models import Document

    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n" + b"0" * 4096, "application/pdf")
    response = client.post("/admin/documents/add/", {"title": "Guide", "file": upload})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name in _keys(s3_storage, s3_storage.media_bucket)
    sent = client.get(document.url)
    assert sent.status_code == 200 and _body(sent).startswith(b"%PDF-1.4")


def test_an_h5p_package_imported_into_the_bucket_plays_from_it(client, settings, s3_storage):
    activity = h5p_activity(title="Repérer les indices")
    keys = _keys(s3_storage, s3_storage.media_bucket)
    assert activity.storage_path("h5p.json") in keys
    assert all(activity.storage_path(f"content/{f}") in keys for f in activity.content_files)
    lesson = LessonPageFactory(body=[h5p_block(activity)])
    learner = UserFactory()
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert f"/h5p/embed/{activity.content_hash}/" in page
    embed = client.get(f"/h5p/embed/{activity.content_hash}/")
    assert embed.status_code == 200
    # The player's files come from the bucket through the player's own endpoint.
    h5p_json = client.get(f"/h5p/files/{activity.content_hash}/h5p.json")
    assert h5p_json.status_code == 200 and b"mainLibrary" in _body(h5p_json)
    library = activity.main_library
    for relative in library.files:
        folder = f"{library.machine_name}-{library.major_version}.{library.minor_version}"
        answer = client.get(f"/h5p/files/{activity.content_hash}/libraries/{folder}/{relative}")
        assert answer.status_code == 200, relative
    assert _files(settings.MEDIA_ROOT) == []


def test_the_sweep_of_unused_h5p_files_lists_and_deletes_in_the_bucket(s3_storage):
    activity = h5p_activity()
    stray = default_storage.save("h5p/content/0123abcd/content/left.json", io.BytesIO(b"{}"))
    counts = h5p.remove_unused_h5p_files(min_age=datetime.timedelta(0))
    assert counts["files"] >= 1
    keys = _keys(s3_storage, s3_storage.media_bucket)
    assert stray not in keys and activity.storage_path("h5p.json") in keys


def test_a_certificate_pdf_is_rendered_into_the_private_bucket_and_downloaded_by_its_holder(
    client, settings, s3_storage
):
    certificate = CertificateFactory(holder=UserFactory(full_name="Aminata Traoré"))
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    assert not is_local(private_storage())
    assert _keys(s3_storage, s3_storage.private_bucket) == [certificate.pdf.name]
    assert _keys(s3_storage, s3_storage.media_bucket) == []
    # Never a public object: not without the keys, not through /media/, no URL at all.
    assert _anonymous_get(s3_storage, s3_storage.private_bucket, certificate.pdf.name) == 403
    assert _anonymous_get(s3_storage, s3_storage.media_bucket, certificate.pdf.name) == 404
    assert client.get(f"/media/{certificate.pdf.name}").status_code == 404
    with pytest.raises(ValueError):
        _ = certificate.pdf.url
    client.force_login(UserFactory())
    assert client.get(f"/fr/learning/certificates/{certificate.pk}/pdf/").status_code == 404
    client.force_login(certificate.holder)
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/protected/"  # for the disk only: streamed here
    response = client.get(f"/fr/learning/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert "no-store" in response["Cache-Control"]
    pdf = _body(response)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    assert _files(settings.PRIVATE_MEDIA_ROOT) == []


def test_a_register_export_is_built_into_the_private_bucket_and_downloaded(
    client, settings, s3_storage, django_capture_on_commit_callbacks
):
    client.force_login(committee_member())
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/fr/registre/exporter/",
            {"format": "csv", "period": "range", "start": f"{today.year}-01-01", "end": today},
        )
    record = RegisterExport.objects.get()
    assert record.file.name in _keys(s3_storage, s3_storage.private_bucket)
    assert _anonymous_get(s3_storage, s3_storage.private_bucket, record.file.name) == 403
    response = client.get(f"/fr/registre/exports/{record.pk}/fichier/")
    assert response.status_code == 200
    assert (
        _body(response)
        == s3_storage.client.get_object(Bucket=s3_storage.private_bucket, Key=record.file.name)[
            "Body"
        ].read()
    )
    assert _files(settings.PRIVATE_MEDIA_ROOT) == []


def test_on_the_local_disk_media_serves_the_same_images_only(client):
    assert is_local(default_storage)
    image = default_storage.save("images/affiche.png", io.BytesIO(_png(40, 30)))
    answer = client.get(f"/media/{image}")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    document = default_storage.save("documents/guide.pdf", io.BytesIO(b"%PDF-1.4"))
    assert client.get(f"/media/{document}").status_code == 404
    assert client.get("/media/images/../documents/guide.pdf").status_code == 404
