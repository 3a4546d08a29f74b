import hashlib
import io

import pytest
from django.urls import resolve
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from certificates import views
from certificates.models import Certificate
from certificates.pdf import certificate_html, qr_data_uri, verification_url
from certificates.services import request_pdf
from certificates.tasks import render_certificate_pdf, sweep_missing_pdfs_task
from tests.factories import (
    CertificateFactory,
    CoursePageFactory,
    ImageFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
    translate_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    holder = UserFactory(full_name="Aminata Traoré", matricule="MAG-2291")
    MembershipFactory(user=holder, institution=InstitutionFactory(name="Tribunal de Kayes"))
    course = CoursePageFactory(title="La loi de 2012", estimated_hours=6)
    translate_page(course, "en", title="The 2012 law")
    return CertificateFactory(holder=holder, course=course)


def _text(certificate) -> str:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_bilingual_and_carries_holder_matricule_institution_course_and_code(
    certificate,
):
    render_certificate_pdf(certificate.pk)
    text = _text(certificate)
    for expected in (
        "Aminata Traoré",
        "MAG-2291",
        "Tribunal de Kayes",
        "La loi de 2012",
        "The 2012 law",
        "Attestation de formation",
        "Certificate of training",
        certificate.display_code,
        "6 h",
    ):
        assert expected in text, expected


def test_the_qr_code_holds_the_language_neutral_verification_url(certificate):
    url = verification_url(certificate.code)
    assert url.endswith(f"/verify/{certificate.code}/")
    match = resolve(f"/verify/{certificate.code}/")
    assert match.func is views.verify
    assert qr_data_uri(url) in certificate_html(certificate)


def test_rendering_twice_replaces_the_file_and_stores_its_sha256(certificate, settings):
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    first_name = certificate.pdf.name
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.name == first_name
    with certificate.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == certificate.pdf_sha256
    # In the private storage, under a name that carries no code (tests/.../test_private_files).
    files = list((settings.PRIVATE_MEDIA_ROOT / "certificates").iterdir())
    assert [f"certificates/{f.name}" for f in files] == [first_name]
    assert certificate.code not in first_name
    # A re-render is in the audit log.
    assert (
        ModelLogEntry.objects.for_instance(certificate)
        .filter(action="certificates.render")
        .exists()
    )


def test_a_pdf_is_under_100_kb(certificate):
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.size < 100_000


def test_the_task_does_nothing_for_a_deleted_or_revoked_certificate(certificate):
    assert render_certificate_pdf(999_999) is False
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at="2026-01-01T00:00Z", revocation_reason="x"
    )
    assert render_certificate_pdf(certificate.pk) is False


def test_the_sweep_renders_what_a_killed_worker_left_undone(certificate):
    # The worker died mid-render: the row exists, the PDF does not.
    Certificate.objects.filter(pk=certificate.pk).update(created_at="2026-01-01T00:00Z")
    fresh = CertificateFactory()  # still within the grace period of its own task
    assert sweep_missing_pdfs_task() == 1
    certificate.refresh_from_db()
    fresh.refresh_from_db()
    assert certificate.pdf and not fresh.pdf
    assert sweep_missing_pdfs_task() == 0


def test_a_missing_pdf_is_rendered_on_request(certificate):
    request_pdf(certificate=certificate, user=certificate.holder)
    assert certificate.pdf


def test_the_signatory_and_issuer_come_from_the_site_setting(certificate):
    from wagtail.models import Site

    from certificates.models import CertificateSettings

    setting = CertificateSettings.for_site(Site.objects.get(is_default_site=True))
    setting.signatory_name = "Mamadou Keïta"
    setting.signatory_title = "Directeur de l'INFJ"
    setting.institution_name = "Institut National de Formation Judiciaire Maître Demba Diallo"
    setting.logo = ImageFactory()
    setting.save()
    html = certificate_html(certificate)
    assert "data:image/png;base64," in html
    render_certificate_pdf(certificate.pk)
    text = _text(certificate)
    assert "Mamadou Keïta" in text
    assert "Directeur de l'INFJ" in text
