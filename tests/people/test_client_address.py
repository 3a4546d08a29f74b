"""Which address the rate limits (sign-in, certificate verification) count, as allauth's
get_client_ip sees it: REMOTE_ADDR with no trusted proxy; behind N proxies, the Nth address from
the right of X-Forwarded-For (the one our own proxy appended), never the leftmost, which the
client writes itself; or a header the proxy overwrites (ALLAUTH_TRUSTED_CLIENT_IP_HEADER)."""

import pytest

from certificates import views
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

SIGN_IN_LIMIT = 10  # "10/m/ip" in ACCOUNT_RATE_LIMITS["login_failed"]
BLOCKED_SIGN_IN = "Trop de tentatives de connexion échouées"
PROXY = "10.0.0.1"


def _sign_in(client, n: int, **headers):
    # A different unknown address each time: only the per-address limit can stop it.
    response = client.post(
        "/fr/accounts/login/",
        {"login": f"inconnu{n}@exemple.ml", "password": "mauvais-mot"},
        **headers,
    )
    return BLOCKED_SIGN_IN in response.content.decode()


def _verify(client, code, **headers) -> int:
    return client.get(f"/verify/{code}/", **headers).status_code


def _through_our_proxy(spoof: str, client_address: str) -> dict:
    # nginx's $proxy_add_x_forwarded_for: what the client sent, then the address nginx saw.
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{spoof}, {client_address}"}


def test_behind_one_proxy_rotating_the_leftmost_address_does_not_escape_the_sign_in_limit(
    client, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(SIGN_IN_LIMIT):
        assert not _sign_in(client, n, **_through_our_proxy(f"198.51.100.{n}", "41.73.1.1"))
    assert _sign_in(client, 99, **_through_our_proxy("198.51.100.200", "41.73.1.1"))
    # Another client behind the same proxy is not blocked.
    assert not _sign_in(client, 100, **_through_our_proxy("198.51.100.200", "41.73.2.2"))


def test_behind_one_proxy_rotating_the_leftmost_address_does_not_escape_the_verify_limit(
    client, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    code = CertificateFactory().code
    for n in range(views.VERIFY_LIMIT):
        assert _verify(client, code, **_through_our_proxy(f"198.51.100.{n}", "41.73.1.1")) == 200
    assert _verify(client, code, **_through_our_proxy("198.51.100.250", "41.73.1.1")) == 429
    assert _verify(client, code, **_through_our_proxy("198.51.100.250", "41.73.2.2")) == 200


def test_with_no_trusted_proxy_the_connection_address_is_counted_and_x_forwarded_for_ignored(
    client, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    code = CertificateFactory().code
    for n in range(SIGN_IN_LIMIT):
        assert not _sign_in(client, n, REMOTE_ADDR="41.73.1.1", HTTP_X_FORWARDED_FOR=f"10.9.0.{n}")
    assert _sign_in(client, 99, REMOTE_ADDR="41.73.1.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert not _sign_in(client, 100, REMOTE_ADDR="41.73.2.2")
    for n in range(views.VERIFY_LIMIT):
        assert _verify(client, code, REMOTE_ADDR="41.73.1.1", HTTP_X_FORWARDED_FOR=f"10.9.0.{n}")
    assert _verify(client, code, REMOTE_ADDR="41.73.1.1", HTTP_X_FORWARDED_FOR="10.9.9.9") == 429
    assert _verify(client, code, REMOTE_ADDR="41.73.2.2") == 200


def test_with_no_trusted_proxy_behind_a_proxy_everyone_shares_the_proxys_counter(client, settings):
    # Why ALLAUTH_TRUSTED_PROXY_COUNT must be set behind nginx: every client is the proxy.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    code = CertificateFactory().code
    for n in range(views.VERIFY_LIMIT):
        _verify(client, code, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"41.73.1.{n}")
    assert _verify(client, code, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="41.73.9.9") == 429


def test_a_header_set_by_the_proxy_can_name_the_client_instead(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    code = CertificateFactory().code
    for n in range(views.VERIFY_LIMIT):
        headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert _verify(client, code, HTTP_X_REAL_IP="41.73.1.1", **headers) == 200
    assert _verify(client, code, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="41.73.1.1") == 429
    assert _verify(client, code, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="41.73.2.2") == 200
