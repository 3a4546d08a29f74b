"""Downloading a certificate on a server where WeasyPrint cannot load Pango is not a server
error: the holder reads, in their language, that the PDF is being prepared (503, Retry-After);
staff are told what to install. Once Pango is there, the same link hands out the PDF."""

import pytest
from django.urls import reverse

from tests.factories import CertificateFactory, UserFactory, administrator
from tests.pango import without_pango

pytestmark = pytest.mark.django_db


@pytest.fixture
def renderer_missing(monkeypatch):
    without_pango(monkeypatch)


def _download(certificate, prefix="/fr"):
    return f"{prefix}/learning/certificates/{certificate.pk}/pdf/"


def test_without_pango_the_holder_reads_that_the_pdf_is_being_prepared(
    client, renderer_missing, monkeypatch
):
    certificate = CertificateFactory(holder=UserFactory(full_name="Aminata Traoré"))
    client.force_login(certificate.holder)

    response = client.get(_download(certificate))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Le PDF n’est pas encore prêt" in html
    assert "son PDF est en cours de préparation" in html
    assert f'href="/fr/verify/{certificate.display_code}/"' in html
    assert "apt-get" not in html  # a learner is not told about the server
    certificate.refresh_from_db()
    assert not certificate.pdf and certificate.pdf_rendered_at is None

    english = client.get(_download(certificate, prefix="/en")).content.decode()
    assert "The PDF is not ready yet" in english and "being prepared" in english

    # Pango installed: the same link gives the PDF.
    monkeypatch.undo()
    response = client.get(_download(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_without_pango_staff_are_told_what_to_install(client, renderer_missing):
    certificate = CertificateFactory()
    client.force_login(administrator())
    response = client.get(reverse("certificates_admin:pdf", args=[certificate.pk]))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Le PDF n’est pas encore prêt" in html
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in html
