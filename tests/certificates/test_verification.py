import datetime

import pytest
from django.utils import timezone

from certificates import views
from certificates.services import revoke_certificate
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client, certificate, prefix=""):
    return client.get(f"{prefix}/verify/{certificate.display_code}/")


def test_a_valid_certificate_shows_valide_holder_course_dates_and_hash(client):
    certificate = CertificateFactory(
        holder=UserFactory(full_name="Aminata Traoré", matricule="MAG-2291"),
        valid_until=timezone.localdate() + datetime.timedelta(days=100),
        pdf_sha256="ab" * 32,
    )
    response = _page(client, certificate)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette attestation est valide." in html
    assert "Aminata Traoré" in html
    assert certificate.course.title in html
    assert "ab" * 32 in html
    # Nothing else personal.
    assert certificate.holder.email not in html
    assert "MAG-2291" not in html


def test_the_language_neutral_url_shows_french_and_switches_to_english(client):
    certificate = CertificateFactory()
    html = _page(client, certificate).content.decode()
    assert '<html lang="fr">' in html
    assert f'href="/en/verify/{certificate.display_code}/"' in html
    english = _page(client, certificate, prefix="/en").content.decode()
    assert "This certificate is valid." in english


def test_an_expired_certificate_says_expiree(client):
    certificate = CertificateFactory(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert "Cette attestation a expiré." in _page(client, certificate).content.decode()


def test_a_revoked_certificate_shows_the_date_and_reason_at_once(client):
    certificate = CertificateFactory()
    revoke_certificate(
        certificate=certificate, revoked_by=UserFactory(is_staff=True), reason="Fraude constatée"
    )
    html = _page(client, certificate).content.decode()
    assert "Cette attestation a été révoquée." in html
    assert "Fraude constatée" in html
    assert timezone.localdate().strftime("%Y") in html


def test_a_superseded_certificate_links_to_the_newer_one(client):
    newer = CertificateFactory()
    older = CertificateFactory(holder=newer.holder, course=newer.course, superseded_by=newer)
    html = _page(client, older).content.decode()
    assert "remplacée par une plus récente" in html
    assert newer.display_code in html


def test_the_code_is_found_however_it_is_typed(client):
    certificate = CertificateFactory()
    response = client.get(f"/verify/{certificate.code.lower()}/")
    assert response.status_code == 200
    form = client.get("/fr/verify/", {"code": " " + certificate.display_code.lower() + " "})
    assert form.status_code == 302
    assert form["Location"] == f"/fr/verify/{certificate.display_code}/"


def test_unknown_and_malformed_codes_get_one_uniform_answer(client):
    CertificateFactory()
    unknown = client.get("/verify/" + "7" * 28 + "/")
    malformed = client.get("/verify/abc/")
    assert unknown.status_code == malformed.status_code == 404
    # The same page, but for the language switch's links back to the URL asked for.
    assert unknown.content.replace(b"7" * 28, b"X") == malformed.content.replace(b"abc", b"X")
    assert "Aucune attestation ne porte ce code" in unknown.content.decode()


def test_the_form_explains_a_code_of_the_wrong_shape(client):
    response = client.get("/fr/verify/", {"code": "ABC"})
    assert response.status_code == 200
    assert "28 lettres et chiffres" in response.content.decode()


def test_the_form_and_the_page_are_rate_limited_per_address(client):
    certificate = CertificateFactory()
    for _ in range(views.VERIFY_LIMIT):
        assert client.get("/fr/verify/", {"code": "7" * 28}).status_code == 302
    limited = client.get("/fr/verify/", {"code": "7" * 28})
    assert limited.status_code == 429
    assert "Trop de codes" in limited.content.decode()
    assert _page(client, certificate).status_code == 429
    # Another address is not affected.
    assert client.get(f"/verify/{certificate.code}/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_behind_a_proxy_the_limit_counts_each_client_not_the_proxy(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    certificate = CertificateFactory()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(views.VERIFY_LIMIT):
        client.get(f"/verify/{certificate.code}/", HTTP_X_FORWARDED_FOR="41.73.1.1", **proxy)
    blocked = client.get(f"/verify/{certificate.code}/", HTTP_X_FORWARDED_FOR="41.73.1.1", **proxy)
    other = client.get(f"/verify/{certificate.code}/", HTTP_X_FORWARDED_FOR="41.73.2.2", **proxy)
    assert (blocked.status_code, other.status_code) == (429, 200)
