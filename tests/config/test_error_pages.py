"""Error pages with DEBUG off (the test settings): in the site's frame, the visitor's language,
with a way back. Production used to show Django's bare English « Not Found »."""

import pytest
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

from config import errors
from config.urls import urlpatterns as site_urlpatterns
from tests.factories import UserFactory


def _boom(request):
    raise RuntimeError("a bug")


def _database_gone(request):
    # What psycopg raises through Django while PostgreSQL restarts (the real restart is in
    # tests/multiserver/test_faults.py).
    from django.db import OperationalError

    raise OperationalError("terminating connection due to administrator command")


# The site's URLs plus two that fail, with the site's handlers (tests/config/test_error_pages).
urlpatterns = [path("boom/", _boom), path("db-gone/", _database_gone), *site_urlpatterns]
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"


MY_TRAINING = {"fr": "/fr/ma-formation/", "en": "/en/my-training/"}


def _html(response) -> str:
    return response.content.decode()


def _framed(html: str) -> None:
    assert '<header class="site-header">' in html and "<footer" in html
    assert "lang-switch" in html  # the full frame, with its language switch


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "lang", "title", "home"),
    [
        ("/fr/cette-page-n-existe-pas/", "fr", "Page introuvable", "Page d'accueil"),
        ("/en/no-such-page/", "en", "Page not found", "Home page"),
    ],
)
def test_404_in_the_frame_and_language_with_ways_back(client, url, lang, title, home):
    response = client.get(url, HTTP_REFERER="http://testserver/fr/catalogue/")
    assert response.status_code == 404
    html = _html(response)
    _framed(html)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html
    assert home in html and f'href="/{lang}/"' in html
    assert 'href="http://testserver/fr/catalogue/"' in html  # back to where they were
    assert 'role="search"' in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_404_links_back_only_to_a_page_of_this_site(client):
    html = _html(client.get("/fr/rien/", HTTP_REFERER="https://evil.example/phish"))
    assert "evil.example" not in html
    assert "Revenir à la page précédente" not in html


@pytest.mark.django_db
def test_404_of_a_missing_wagtail_page_for_a_signed_in_learner_offers_my_training(client):
    client.force_login(UserFactory())
    html = _html(client.get("/fr/catalogue/cours-disparu/"))
    assert "Page introuvable" in html
    assert 'href="/fr/ma-formation/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [("fr", "Accès refusé"), ("en", "Access refused")],
)
def test_403_in_the_frame_and_language(client, lang, text):
    # A learner asking for the national register (committee and managers only).
    client.force_login(UserFactory())
    response = client.get(f"/{lang}/registre/")
    assert response.status_code == 403
    html = _html(response)
    _framed(html)
    assert f"<h1>{text}</h1>" in html
    assert f'href="{MY_TRAINING[lang]}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [("fr", "Formulaire non envoyé"), ("en", "Form not sent")],
)
def test_a_form_without_its_security_token_gets_a_page_that_says_how_to_go_on(lang, text):
    client = Client(enforce_csrf_checks=True)
    client.get(f"/{lang}/accounts/login/")  # the CSRF cookie is set, the token not sent
    response = client.post(f"/{lang}/accounts/login/", {"login": "a@b.ml", "password": "x"})
    assert response.status_code == 403
    html = _html(response)
    _framed(html)
    assert f"<h1>{text}</h1>" in html
    assert "CSRF" not in html
    assert ("rechargez la page" if lang == "fr" else "reload the page") in html


@pytest.mark.django_db
def test_a_form_refused_because_cookies_are_blocked_says_so():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/fr/accounts/login/", {"login": "a@b.ml", "password": "x"})
    assert response.status_code == 403
    assert "Autorisez les cookies" in _html(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "text"), [("fr", "Requête incorrecte"), ("en", "Bad request")])
def test_400_for_a_refused_host_in_the_visitors_language(client, lang, text):
    response = client.get(f"/{lang}/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = _html(response)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{text}</h1>" in html
    assert '<header class="site-header">' in html and f'href="/{lang}/"' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.config.test_error_pages")
@pytest.mark.parametrize(
    ("lang", "text"), [("fr", "Une erreur s'est produite"), ("en", "Something went wrong")]
)
def test_500_through_the_middleware_in_the_visitors_language(lang, text):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = lang  # the visitor's last choice; /boom/ has no prefix
    response = client.get("/boom/")
    assert response.status_code == 500
    html = _html(response)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{text}</h1>" in html
    assert f'href="/{lang}/"' in html and f'href="{MY_TRAINING[lang]}"' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.config.test_error_pages")
@pytest.mark.parametrize(
    ("lang", "text"),
    [("fr", "Service momentanément indisponible"), ("en", "Service briefly unavailable")],
)
def test_a_database_that_does_not_answer_is_a_503_saying_to_try_again(lang, text):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = lang
    response = client.get("/db-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = _html(response)
    assert f"<h1>{text}</h1>" in html and "Traceback" not in html
    assert f'href="/{lang}/"' in html


@pytest.mark.parametrize(
    ("lang", "text"), [("fr", "Une erreur s'est produite"), ("en", "Something went wrong")]
)
def test_the_500_page_renders_without_a_database(lang, text):
    # No django_db mark: any query here raises (« Database access not allowed »), as it would
    # with the database down.
    request = RequestFactory().get(f"/{lang}/ma-formation/")
    with translation.override(lang):
        response = errors.server_error(request)
    assert response.status_code == 500
    html = _html(response)
    assert f"<h1>{text}</h1>" in html and f'href="/{lang}/"' in html


def test_the_400_page_renders_without_a_database():
    request = RequestFactory().get("/fr/", HTTP_HOST="evil.example")
    response = errors.bad_request(request)
    assert response.status_code == 400
    assert "Requête incorrecte" in _html(response)


def test_a_404_whose_frame_cannot_reach_the_database_falls_back_to_the_bare_page():
    request = RequestFactory().get("/fr/rien/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = errors.page_not_found(request)
    assert response.status_code == 404
    html = _html(response)
    assert '<header class="site-header">' in html and "<h1>Page introuvable</h1>" in html


def test_the_site_wires_its_handlers():
    from django.conf import settings

    import config.urls

    assert config.urls.handler400 == "config.errors.bad_request"
    assert config.urls.handler403 == "config.errors.permission_denied"
    assert config.urls.handler404 == "config.errors.page_not_found"
    assert config.urls.handler500 == "config.errors.server_error"
    assert settings.CSRF_FAILURE_VIEW == "config.errors.csrf_failure"
