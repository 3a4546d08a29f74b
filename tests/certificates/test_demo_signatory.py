"""The demo signs its certificates (« Paramètres › Attestations »), issue 16."""

import io

import pytest
from pypdf import PdfReader
from wagtail.models import Site

from certificates import demo
from certificates.models import CertificateSettings
from certificates.tasks import render_certificate_pdf
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _settings():
    return CertificateSettings.for_site(Site.objects.get(is_default_site=True))


def test_the_demo_sets_a_signatory_and_the_pdf_prints_the_signature_line():
    demo._seed_certificate_settings()
    settings = _settings()
    assert settings.signatory_name == "Fatoumata Diakité"
    assert settings.signatory_title.startswith("Directrice")
    certificate = CertificateFactory()
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Fatoumata Diakité" in text
    assert "Directrice de l’Institut national de" in " ".join(text.split())


def test_the_demo_keeps_an_administrators_signatory_and_runs_twice_unchanged():
    settings = _settings()
    settings.signatory_name = "Moussa Sangaré"
    settings.save()
    assert demo._seed_certificate_settings() is True  # fills the empty title and institution
    assert demo._seed_certificate_settings() is False
    settings = _settings()
    assert settings.signatory_name == "Moussa Sangaré"
    assert settings.institution_name == "Institut national de formation judiciaire (INFJ)"
