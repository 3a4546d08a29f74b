"""Private files are not media: certificate PDFs and register exports live in the private
storage, under names that carry no code, and only views that check who asks hand them out."""

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.views.static import serve
from pypdf import PdfReader

from certificates.models import Certificate, RegisterExport
from certificates.services import revoke_certificate
from certificates.tasks import render_certificate_pdf
from config.private_files import private_storage
from tests.factories import (
    CertificateFactory,
    InstitutionFactory,
    UserFactory,
    administrator,
    committee_member,
    manager_of,
    member_of,
)

pytestmark = pytest.mark.django_db


def _files(root: Path) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()] if Path(root).exists() else []


def _download_url(certificate) -> str:
    return f"/fr/learning/certificates/{certificate.pk}/pdf/"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def certificate():
    holder = UserFactory(full_name="Aminata Traoré", matricule="MAG-2291")
    certificate = CertificateFactory(holder=holder)
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    return certificate


def test_the_pdf_is_in_the_private_storage_under_a_name_without_its_code(settings, certificate):
    assert certificate.code not in certificate.pdf.name
    assert certificate.pdf.name.startswith("certificates/") and certificate.pdf.name.endswith(
        ".pdf"
    )
    path = Path(settings.PRIVATE_MEDIA_ROOT) / certificate.pdf.name
    assert path.read_bytes().startswith(b"%PDF")
    assert not Path(settings.PRIVATE_MEDIA_ROOT).is_relative_to(settings.MEDIA_ROOT)
    assert _files(settings.MEDIA_ROOT) == []
    with pytest.raises(ValueError):
        _ = certificate.pdf.url  # no public address, not even a /media/ one


def test_the_old_media_address_serves_nothing(client, settings, certificate):
    # `make run` (DEBUG) serves MEDIA_ROOT with django.views.static.serve: the file is not there.
    for name in (f"certificates/{certificate.code}.pdf", certificate.pdf.name):
        with pytest.raises(Http404):
            serve(None, name, document_root=settings.MEDIA_ROOT)
        assert client.get(f"/media/{name}").status_code == 404


def test_a_second_render_replaces_the_file_under_the_same_random_name(settings, certificate):
    name = certificate.pdf.name
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert [p.name for p in _files(settings.PRIVATE_MEDIA_ROOT)] == [Path(name).name]


def test_a_pdf_named_after_its_code_by_an_older_version_gets_a_random_name(settings):
    certificate = CertificateFactory()
    old = private_storage().save(f"certificates/{certificate.code}.pdf", ContentFile(b"%PDF old"))
    Certificate.objects.filter(pk=certificate.pk).update(pdf=old)
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.code not in certificate.pdf.name
    assert [p.name for p in _files(settings.PRIVATE_MEDIA_ROOT)] == [
        Path(certificate.pdf.name).name
    ]


# --- Who downloads a certificate's PDF -------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, certificate):
    response = client.get(_download_url(certificate))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_learner_gets_a_404(client, certificate):
    client.force_login(UserFactory())
    assert client.get(_download_url(certificate)).status_code == 404


def test_the_holder_downloads_their_pdf_with_its_matricule(client, certificate):
    client.force_login(certificate.holder)
    response = client.get(_download_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(_body(response))).pages)
    assert "MAG-2291" in text


def test_a_revoked_certificates_holder_gets_a_french_message_and_no_file(client, certificate):
    revoke_certificate(certificate=certificate, revoked_by=administrator(), reason="Fraude")
    client.force_login(certificate.holder)
    response = client.get(_download_url(certificate))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Attestation révoquée" in html and "ne peut plus être téléchargé" in html
    assert b"%PDF" not in response.content


def test_a_revoked_certificate_is_refused_to_its_institutions_manager_too(client):
    school = InstitutionFactory()
    holder = member_of(school)
    certificate = CertificateFactory(holder=holder)
    render_certificate_pdf(certificate.pk)
    manager = manager_of(school)
    client.force_login(manager)
    assert client.get(_download_url(certificate)).status_code == 200
    revoke_certificate(certificate=certificate, revoked_by=administrator(), reason="Fraude")
    assert client.get(_download_url(certificate)).status_code == 404
    # The admin's download is for staff only.
    assert client.get(f"/admin/certificates/{certificate.pk}/pdf/").status_code in (302, 403)


def test_staff_download_any_pdf_in_the_admin_revoked_ones_included(client, certificate):
    staff = administrator()
    revoke_certificate(certificate=certificate, revoked_by=staff, reason="Fraude")
    client.force_login(staff)
    listing = client.get("/admin/certificates/").content.decode()
    assert f"/admin/certificates/{certificate.pk}/pdf/" in listing
    response = client.get(f"/admin/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF")
    # The learner's address refuses a revoked PDF to everyone, staff included.
    assert client.get(_download_url(certificate)).status_code == 404


def test_the_learner_and_the_admin_refuse_what_the_holder_cannot_see(client, certificate):
    learner = UserFactory()
    client.force_login(learner)
    assert client.get(f"/admin/certificates/{certificate.pk}/pdf/").status_code in (302, 403)
    client.force_login(administrator())
    assert client.get("/admin/certificates/999999/pdf/").status_code == 404


def test_behind_nginx_the_view_hands_the_file_over_with_x_accel_redirect(
    client, settings, certificate
):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/protected/"
    client.force_login(certificate.holder)
    response = client.get(_download_url(certificate))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{certificate.pdf.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b""
    client.force_login(UserFactory())
    refused = client.get(_download_url(certificate))
    assert refused.status_code == 404 and not refused.has_header("X-Accel-Redirect")


# --- Exports and imports ---------------------------------------------------------------------


def test_a_register_export_is_written_to_the_private_storage(
    client, settings, django_capture_on_commit_callbacks
):
    client.force_login(committee_member())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/fr/registre/exporter/",
            {"format": "csv", "period": "range", "start": "2026-01-01", "end": "2026-06-15"},
        )
    record = RegisterExport.objects.get()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / record.file.name).is_file()
    assert _files(settings.MEDIA_ROOT) == []
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/protected/"
    response = client.get(f"/fr/registre/exports/{record.pk}/fichier/")
    assert response["X-Accel-Redirect"] == f"/protected/{record.file.name}"


# Files of the project's models that are public by design (lesson images and documents, H5P
# content are Wagtail's and the H5P models', not listed here): none today.
PUBLIC_FILE_FIELDS: set[str] = set()


def test_every_file_field_of_the_project_is_private_unless_listed_public():
    """Roster and quiz imports keep no file (the roster's parsed rows wait in RosterImport.rows;
    a quiz import is read and applied in the request), so the only files are these: a new
    FileField must choose."""
    fields = [
        f"{model._meta.label}.{field.name}"
        for app in ("people", "courses", "assessments", "certificates")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert sorted(fields) == ["certificates.Certificate.pdf", "certificates.RegisterExport.file"]
    for label in fields:
        model_label, name = label.rsplit(".", 1)
        field = apps.get_model(model_label)._meta.get_field(name)
        if label not in PUBLIC_FILE_FIELDS:
            assert field.storage is private_storage(), label


def test_a_roster_import_keeps_no_file(client, settings):
    school = InstitutionFactory()
    client.force_login(manager_of(school))
    content = "nom complet;e-mail;matricule;profession;sexe;cohorte\nAwa Diallo;awa@exemple.ml;;;;"
    upload = ContentFile(content.encode(), name="effectif.csv")
    response = client.post(reverse("manager_import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    assert _files(settings.MEDIA_ROOT) == [] and _files(settings.PRIVATE_MEDIA_ROOT) == []


# --- The migration that moved the existing files ---------------------------------------------


def _migration():
    return importlib.import_module("certificates.migrations.0006_move_private_files")


def test_the_migration_moves_pdfs_and_exports_out_of_media_and_renames_the_pdfs(settings):
    moved = CertificateFactory()
    missing = CertificateFactory()
    old = default_storage.save(f"certificates/{moved.code}.pdf", ContentFile(b"%PDF-1.7 moved"))
    Certificate.objects.filter(pk=moved.pk).update(pdf=old)
    Certificate.objects.filter(pk=missing.pk).update(pdf=f"certificates/{missing.code}.pdf")
    export = RegisterExport.objects.create(requested_by=committee_member(), format="csv")
    export_name = default_storage.save("register-exports/registre-x.csv", ContentFile(b"a;b"))
    RegisterExport.objects.filter(pk=export.pk).update(file=export_name)

    _migration().to_private(apps, None)
    _migration().to_private(apps, None)  # a second run changes nothing

    moved.refresh_from_db()
    assert moved.code not in moved.pdf.name
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / moved.pdf.name).read_bytes() == b"%PDF-1.7 moved"
    missing.refresh_from_db()
    assert missing.pdf.name == f"certificates/{missing.code}.pdf"  # nothing to move: unchanged
    export.refresh_from_db()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / export.file.name).read_bytes() == b"a;b"
    assert _files(settings.MEDIA_ROOT) == []
    assert len(_files(settings.PRIVATE_MEDIA_ROOT)) == 2


def test_the_migration_is_a_no_op_without_files():
    CertificateFactory()
    _migration().to_private(apps, None)
    assert Certificate.objects.get().pdf.name == ""


def test_a_certificate_whose_file_went_missing_is_rendered_again_on_download(client):
    certificate = CertificateFactory()
    Certificate.objects.filter(pk=certificate.pk).update(pdf="certificates/gone.pdf")
    client.force_login(certificate.holder)
    response = client.get(_download_url(certificate))
    assert response.status_code == 200 and _body(response).startswith(b"%PDF")
