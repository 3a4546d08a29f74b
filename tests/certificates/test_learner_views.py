import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import Certificate
from tests.factories import (
    CertificateFactory,
    CoursePageFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
    manager_of,
)

pytestmark = pytest.mark.django_db


def test_my_certificates_lists_only_mine_with_status_and_download(client):
    mine = CertificateFactory()
    theirs = CertificateFactory()
    client.force_login(mine.holder)
    html = client.get("/fr/mes-attestations/").content.decode()
    assert mine.display_code in html and theirs.display_code not in html
    assert "Valide" in html
    assert f"/fr/learning/certificates/{mine.pk}/pdf/" in html


def test_an_expired_certificate_is_to_renew_with_a_link_to_the_refresher(client):
    refresher = CoursePageFactory(title="Recyclage 2026")
    course = CoursePageFactory(refresher_course=refresher)
    certificate = CertificateFactory(
        course=course, valid_until=timezone.localdate() - datetime.timedelta(days=3)
    )
    client.force_login(certificate.holder)
    html = client.get("/fr/mes-attestations/").content.decode()
    assert "Expirée" in html and "À renouveler" in html
    assert refresher.url in html


def test_the_download_renders_a_missing_pdf_on_request(client):
    certificate = CertificateFactory()
    client.force_login(certificate.holder)
    response = client.get(f"/fr/learning/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.pdf_sha256


def test_foreign_certificates_404_and_strangers_must_sign_in(client):
    certificate = CertificateFactory()
    url = f"/fr/learning/certificates/{certificate.pk}/pdf/"
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get("/fr/learning/certificates/999999/pdf/").status_code == 404
    assert not Certificate.objects.get().pdf


def test_managers_download_their_institution_people_but_not_others(client):
    institution = InstitutionFactory()
    manager = manager_of(institution)  # with the second factor a manager's powers require
    member = UserFactory()
    MembershipFactory(user=member, institution=institution)
    own = CertificateFactory(holder=member)
    other = CertificateFactory()
    assert set(Certificate.objects.visible_to(manager)) == {own}
    client.force_login(manager)
    assert client.get(f"/fr/learning/certificates/{other.pk}/pdf/").status_code == 404


def test_my_certificates_takes_a_constant_number_of_queries(client):
    user = UserFactory()
    client.force_login(user)
    CertificateFactory(holder=user)
    client.get("/fr/mes-attestations/")
    with CaptureQueriesContext(connection) as small:
        client.get("/fr/mes-attestations/")
    for _ in range(5):
        CertificateFactory(holder=user, course=CoursePageFactory(refresher_course=None))
    # New course pages start the shared cache of pages again (courses/cache.py): warm it, as
    # the first request did, before counting.
    client.get("/fr/mes-attestations/")
    with CaptureQueriesContext(connection) as large:
        client.get("/fr/mes-attestations/")
    print("queries:", len(small), len(large))
    assert len(large) == len(small)
