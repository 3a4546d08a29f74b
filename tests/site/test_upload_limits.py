"""Upload limits in the Wagtail admin: an image's bytes and pixels (a 15 KB PNG declaring
11,000 × 11,000 pixels made an ~800 MB thumbnail), a document's bytes. Each refusal is a French
message and writes no row."""

import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from people.roles import EDITORS_GROUP
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def editor_client(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return client


def _png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return SimpleUploadedFile("affiche.png", buffer.getvalue(), content_type="image/png")


def _text(response) -> str:
    return response.content.decode()


def test_the_limits_are_below_what_was_accepted():
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS < 11_000 * 11_000
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE <= 10 * MB
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE < 63 * MB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * MB


def test_an_image_declaring_too_many_pixels_is_refused_in_french(editor_client):
    bomb = _png(11_000, 11_000)
    assert bomb.size < 20 * 1024  # tiny on disk, 121 million pixels once decoded
    response = editor_client.post("/admin/images/add/", {"title": "Affiche", "file": bomb})
    assert response.status_code == 200
    assert "trop grand nombre de pixels" in _text(response)
    assert not Image.objects.exists()


def test_the_multiple_upload_and_the_chooser_refuse_it_too(editor_client):
    response = editor_client.post("/admin/images/multiple/add/", {"files[]": _png(11_000, 11_000)})
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert "trop grand nombre de pixels" in response.json()["error_message"]
    response = editor_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Affiche",
            "image-chooser-upload-file": _png(11_000, 11_000),
        },
    )
    assert response.status_code == 200
    assert "trop grand nombre de pixels" in response.json()["htmlFragment"]
    assert not Image.objects.exists()


def test_an_image_of_a_normal_size_is_accepted(editor_client):
    response = editor_client.post(
        "/admin/images/add/", {"title": "Affiche", "file": _png(1600, 900)}
    )
    assert response.status_code == 302
    assert Image.objects.get().width == 1600


def test_a_too_large_image_file_is_refused_in_french(editor_client):
    big = SimpleUploadedFile(
        "photo.png",
        _png(10, 10).read() + b"\0" * settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
        content_type="image/png",
    )
    response = editor_client.post("/admin/images/add/", {"title": "Photo", "file": big})
    assert response.status_code == 200
    assert "Ce fichier est trop gros" in _text(response)
    assert not Image.objects.exists()


def test_a_too_large_document_is_refused_in_french(editor_client):
    size = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE + 1
    big = SimpleUploadedFile("cours.mp4", b"\0" * size, content_type="video/mp4")
    response = editor_client.post("/admin/documents/add/", {"title": "Vidéo", "file": big})
    assert response.status_code == 200
    assert "Ce fichier est trop gros" in _text(response)
    assert not Document.objects.exists()
    big.seek(0)
    response = editor_client.post("/admin/documents/multiple/add/", {"files[]": big})
    assert response.json()["success"] is False
    assert not Document.objects.exists()


def test_a_document_within_the_limit_is_accepted(editor_client):
    small = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n" + b"\0" * 1000)
    response = editor_client.post("/admin/documents/add/", {"title": "Guide", "file": small})
    assert response.status_code == 302
    assert Document.objects.get().title == "Guide"
