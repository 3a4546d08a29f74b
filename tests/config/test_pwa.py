"""The installable site: manifest, icons, the service worker at the root (versioned, the kill
switch), the install and offline pages, a strict CSP, and signing out clearing the phone."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from config import pwa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_manifest_has_a_french_name_colours_and_our_own_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "Formation judiciaire contre la traite"
    assert manifest["lang"] == "fr"
    assert manifest["start_url"] == "/fr/ma-formation/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5e4a"
    purposes = {icon["purpose"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/img/icons/")
        path = finders.find(icon["src"].removeprefix("/static/"))
        width, height = Image.open(path).size
        assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_loads_the_offline_scripts(client):
    html = client.get("/fr/installer/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'src="/static/js/offline.js"' in html
    assert "Installer l’application" in html
    assert "Sur iPhone et iPad (Safari)" in html
    assert "data-install-button" in html


def test_the_service_worker_is_served_at_the_root_with_its_release_and_no_cdn(client):
    response = client.get("/sw.js")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert f'var RELEASE = "{pwa.release()}";' in body
    assert '"formation-shell-" + RELEASE' in body
    assert "/static/workbox/workbox-sw.js" in body
    assert "/static/workbox/workbox-strategies.prod.js" in body
    assert "/fr/hors-connexion/" in body and "/en/offline/" in body
    assert "googleapis" not in body and "https://" not in body
    # Workbox comes from npm, copied by `make install`.
    assert finders.find("workbox/workbox-sw.js")


def test_the_kill_switch_serves_a_worker_that_removes_itself(client, settings):
    settings.OFFLINE_ENABLED = False
    body = client.get("/sw.js").content.decode()
    assert "self.registration.unregister()" in body
    assert "importScripts" not in body
    page = client.get("/fr/installer/").content.decode()
    assert 'data-enabled="0"' in page


def test_the_offline_page_names_nobody(client):
    client.force_login(UserFactory(full_name="Awa Sangaré"))
    html = client.get("/fr/hors-connexion/").content.decode()
    assert "Pas de connexion" in html
    assert "Awa Sangaré" not in html
    assert "No connection" in client.get("/en/offline/").content.decode()


def test_the_csp_stays_strict_and_allows_the_worker_and_manifest_from_our_origin(client):
    policy = client.get("/fr/installer/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_signing_out_asks_the_browser_to_clear_the_offline_data(client):
    client.force_login(UserFactory())
    response = client.post("/fr/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session
