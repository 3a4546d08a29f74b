import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateStatus
from certificates.services import CertificateRefused, revoke_certificate
from tests.factories import CertificateFactory, CoursePageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(admin, generate_totp_secret())  # staff must use a second factor
    client.force_login(admin)
    client.user = admin
    return client


def test_revocation_requires_a_reason_and_changes_nothing_without_one():
    certificate = CertificateFactory()
    with pytest.raises(CertificateRefused, match="raison de la révocation"):
        revoke_certificate(certificate=certificate, revoked_by=UserFactory(), reason=" ")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not ModelLogEntry.objects.for_instance(certificate).exists()


def test_revocation_keeps_the_row_and_writes_who_when_why_in_the_audit_log():
    staff = UserFactory(is_staff=True)
    certificate = CertificateFactory()
    revoke_certificate(certificate=certificate, revoked_by=staff, reason="Fraude constatée")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by == staff and certificate.revocation_reason == "Fraude constatée"
    entry = ModelLogEntry.objects.for_instance(certificate).get()
    assert (entry.action, entry.user, entry.data["reason"]) == (
        "certificates.revoke",
        staff,
        "Fraude constatée",
    )
    assert entry.timestamp
    with pytest.raises(CertificateRefused, match="déjà révoquée"):
        revoke_certificate(certificate=certificate, revoked_by=staff, reason="Encore")


def test_admin_lists_certificates_and_revokes_with_a_mandatory_reason(admin_client):
    certificate = CertificateFactory()
    listing = admin_client.get("/admin/certificates/")
    assert listing.status_code == 200
    assert certificate.display_code in listing.content.decode()
    url = f"/admin/certificates/{certificate.pk}/revoke/"
    refused = admin_client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Indiquez la raison de la révocation." in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    done = admin_client.post(url, {"reason": "Erreur de saisie"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Erreur de saisie"
    assert certificate.revoked_by == admin_client.user


def test_admin_issues_a_certificate_by_hand(admin_client, django_capture_on_commit_callbacks):
    holder = UserFactory()
    course = CoursePageFactory()
    assert admin_client.get("/admin/certificates/issue/").status_code == 200
    refused = admin_client.post(
        "/admin/certificates/issue/", {"holder": holder.pk, "course": course.pk, "reason": ""}
    )
    assert refused.status_code == 200 and not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/certificates/issue/",
            {"holder": holder.pk, "course": course.pk, "reason": "Présentiel, Mopti"},
        )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.issued_by == admin_client.user and certificate.pdf
    assert ModelLogEntry.objects.for_instance(certificate).get().action == (
        "certificates.issue_manual"
    )


def test_editors_without_the_permission_cannot_revoke(client):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    TOTP.activate(editor, generate_totp_secret())
    client.force_login(editor)
    certificate = CertificateFactory()
    response = client.post(f"/admin/certificates/{certificate.pk}/revoke/", {"reason": "x"})
    assert response.status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_a_member_of_the_administrators_group_manages_certificates_but_cannot_delete_them(
    client,
):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from people.roles import ADMINISTRATORS_GROUP

    administrator = UserFactory(is_staff=True)
    administrator.groups.add(Group.objects.get(name=ADMINISTRATORS_GROUP))
    TOTP.activate(administrator, generate_totp_secret())
    client.force_login(administrator)
    certificate = CertificateFactory()

    assert client.get(reverse("certificates_admin:list")).status_code == 200
    assert (
        client.get(reverse("certificates_admin:revoke", args=[certificate.pk])).status_code == 200
    )
    assert administrator.has_perm("certificates.add_certificate")
    assert not administrator.has_perm("certificates.delete_certificate")
