"""Correcting the holder's name on a certificate: a staff action in the admin (issue 16)."""

import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from certificates.services import CertificateRefused, correct_holder_name, revoke_certificate
from certificates.tasks import render_certificate_pdf
from tests.factories import CertificateFactory, UserFactory, administrator

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    holder = UserFactory(full_name="Ibrahim Coulibali", email="ibrahim.coulibaly@justice.ml")
    certificate = CertificateFactory(holder=holder)
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def staff_client(client):
    staff = administrator()
    client.force_login(staff)
    client.user = staff
    return client


def _url(certificate_id) -> str:
    return f"/admin/certificates/{certificate_id}/correct-name/"


def _pdf_text(certificate) -> str:
    with certificate.pdf.open("rb") as handle:
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)


def _unchanged(certificate) -> None:
    before = (certificate.holder_name, certificate.pdf_sha256, certificate.name_corrected_at)
    certificate.refresh_from_db()
    assert (certificate.holder_name, certificate.pdf_sha256, certificate.name_corrected_at) == (
        before
    )
    assert not ModelLogEntry.objects.for_instance(certificate).filter(
        action="certificates.correct_name"
    )


def test_the_admin_list_links_to_the_correction(staff_client, certificate):
    listing = staff_client.get("/admin/certificates/").content.decode()
    assert _url(certificate.pk) in listing and "Corriger le nom" in listing


def test_staff_correct_the_name_through_the_admin_form(
    staff_client, certificate, client, django_capture_on_commit_callbacks
):
    code, issued_on, old_hash = certificate.code, certificate.issued_on, certificate.pdf_sha256
    page = staff_client.get(_url(certificate.pk))
    assert page.status_code == 200
    assert 'value="Ibrahim Coulibali"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            _url(certificate.pk),
            {
                "name": "Ibrahim  Coulibaly",
                "reason": "Orthographe du nom, comme sur la carte d’identité",
                "update_profile": "on",
            },
            follow=True,
        )
    assert "Nom corrigé sur l’attestation" in response.content.decode()
    certificate.refresh_from_db()
    # Append-only: the code and the issue date never change; a new PDF with a new hash.
    assert (certificate.code, certificate.issued_on) == (code, issued_on)
    assert certificate.holder_name == "Ibrahim Coulibaly"
    assert certificate.name_corrected_at is not None
    assert certificate.pdf_rendered_at >= certificate.name_corrected_at
    assert certificate.pdf_sha256 and certificate.pdf_sha256 != old_hash
    text = _pdf_text(certificate)
    assert "Ibrahim Coulibaly" in text and "Coulibali" not in text
    assert "Nom corrigé le" in text
    certificate.holder.refresh_from_db()
    assert certificate.holder.full_name == "Ibrahim Coulibaly"

    entry = ModelLogEntry.objects.for_instance(certificate).get(action="certificates.correct_name")
    assert entry.user == staff_client.user
    assert entry.data["previous_name"] == "Ibrahim Coulibali"
    assert entry.data["previous_sha256"] == old_hash
    assert entry.data["name"] == "Ibrahim Coulibaly"
    assert entry.data["reason"] == "Orthographe du nom, comme sur la carte d’identité"

    client.logout()
    html = client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert "Ibrahim Coulibaly" in html and "Coulibali<" not in html
    assert "Corrigée le" in html
    assert timezone.localdate().strftime("%Y") in html
    assert certificate.pdf_sha256 in html
    assert "justice.ml" not in html


def test_without_the_profile_box_only_the_certificate_changes(
    staff_client, certificate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(_url(certificate.pk), {"name": "I. Coulibaly", "reason": "Demande"})
    certificate.refresh_from_db()
    certificate.holder.refresh_from_db()
    assert certificate.holder_name == "I. Coulibaly"
    assert certificate.holder.full_name == "Ibrahim Coulibali"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "reason": "Erreur"}, "Indiquez le nom tel qu’il doit figurer"),
        ({"name": "   ", "reason": "Erreur"}, "Indiquez le nom tel qu’il doit figurer"),
        ({"name": "Ibrahim Coulibaly", "reason": ""}, "Indiquez la raison de la correction."),
        ({"name": "Ibrahim Coulibaly", "reason": "  "}, "Indiquez la raison de la correction."),
        ({"name": "Ibrahim Coulibali", "reason": "Rien"}, "L’attestation porte déjà ce nom."),
        ({"name": "x" * 201, "reason": "Long"}, "Ce nom est trop long"),
    ],
)
def test_bad_input_gets_a_french_message_and_changes_nothing(
    staff_client, certificate, data, message
):
    response = staff_client.post(_url(certificate.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    _unchanged(certificate)


def test_a_tampered_certificate_id_changes_nothing_and_says_so(staff_client, certificate):
    response = staff_client.post(
        _url(certificate.pk + 1000), {"name": "Quelqu’un", "reason": "x"}, follow=True
    )
    assert "Cette attestation n’existe pas : rien n’a été modifié." in response.content.decode()
    _unchanged(certificate)
    malformed = staff_client.post(f"/admin/certificates/{certificate.pk}x/correct-name/")
    assert malformed.status_code == 404


def test_a_revoked_certificate_is_not_corrected(staff_client, certificate):
    revoke_certificate(certificate=certificate, revoked_by=staff_client.user, reason="Fraude")
    certificate.refresh_from_db()
    response = staff_client.post(
        _url(certificate.pk), {"name": "Autre Nom", "reason": "x"}, follow=True
    )
    assert "Cette attestation est révoquée : son nom n’est pas corrigé." in (
        response.content.decode()
    )
    _unchanged(certificate)
    with pytest.raises(CertificateRefused, match="révoquée"):
        correct_holder_name(
            certificate=certificate, name="Autre", reason="x", corrected_by=staff_client.user
        )


def test_the_correction_needs_the_change_certificate_permission(client, certificate):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_certificate"),
    )
    TOTP.activate(viewer, generate_totp_secret())
    client.force_login(viewer)
    assert _url(certificate.pk) not in client.get("/admin/certificates/").content.decode()
    response = client.post(_url(certificate.pk), {"name": "Autre Nom", "reason": "x"})
    assert response.status_code in (302, 403)
    _unchanged(certificate)


def test_the_service_corrects_twice_and_the_log_keeps_each_step(
    certificate, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True)
    hashes = [certificate.pdf_sha256]
    for name in ("Ibrahim Coulibaly", "Ibrahim B. Coulibaly"):
        with django_capture_on_commit_callbacks(execute=True):
            correct_holder_name(
                certificate=certificate, name=name, reason="Demande", corrected_by=staff
            )
        certificate.refresh_from_db()
        hashes.append(certificate.pdf_sha256)
    assert len(set(hashes)) == 3
    entries = ModelLogEntry.objects.for_instance(certificate).filter(
        action="certificates.correct_name"
    )
    assert sorted(e.data["previous_sha256"] for e in entries) == sorted(hashes[:2])
    assert Certificate.objects.count() == 1
