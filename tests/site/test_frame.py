from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_hand_written_css_stays_under_20_kb():
    css = sum(p.stat().st_size for p in Path(settings.SITE_DIR, "static", "css").glob("*.css"))
    assert css < 20 * 1024


def test_root_redirects_to_french_whatever_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_the_home_page_exists_in_both_languages_with_landmarks(client):
    fr = client.get("/fr/").content.decode()
    en = client.get("/en/").content.decode()
    assert '<html lang="fr">' in fr and '<html lang="en">' in en
    for html in (fr, en):
        assert "<main" in html and "<header" in html and "<footer" in html and "<nav" in html
    assert "Se connecter" in fr and "Sign in" in en
    assert 'href="/en/"' in fr and 'href="/fr/"' in en


def test_choosing_english_is_remembered_for_unprefixed_urls(client):
    client.get("/en/")
    response = client.get("/")
    assert response["Location"] == "/en/"


def test_a_404_of_a_view_outside_the_language_prefix_stays_a_404(client):
    response = client.get("/h5p/embed/00000000-0000-0000-0000-000000000000/")
    assert response.status_code in (400, 404)
    assert client.get("/documents/999999/nothing.pdf").status_code == 404


def test_an_unprefixed_page_url_is_sent_to_its_french_version(client):
    response = client.get("/ma-formation/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/ma-formation/"
