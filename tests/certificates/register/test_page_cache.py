"""The dashboard's rendered figures are kept per state of the register (summary.page_key): a
second reader of an unchanged register costs a cache read, and every change a reader can see —
a fact, an institution's or a region's name, a course title, the reader's scope, language or
exports — shows at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from certificates.models import RegisterExport
from tests.clients import SignedInClient as Client
from tests.factories import CertificateFactory, committee_member, manager_of

pytestmark = pytest.mark.django_db

DASHBOARD = "/fr/registre/"
FIXED = "?period=range&start=2026-01-01&end=2026-06-15"


def _signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _page(browser, url=DASHBOARD + FIXED) -> str:
    response = browser.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _figures(html: str) -> str:
    # From the title to the end of the content (the frame names the reader, in data-user too).
    main = html[html.index("<h1>") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def test_a_second_reader_of_an_unchanged_register_reads_no_figures(register_data):
    first, second = _signed_in(committee_member()), _signed_in(committee_member())
    html = _page(first)
    _page(second)  # the second reader's own session, access and site look-ups
    with CaptureQueriesContext(connection) as captured:
        again = _page(second)
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "primary_membership" not in tables  # the aggregate query
    assert '"people_institution"' not in tables and '"people_region"' not in tables
    assert "wagtailcore_page" not in tables  # course titles
    # The user with their access (the session is in the cache), the token, their exports.
    assert len(captured) == 3, [q["sql"] for q in captured.captured_queries]
    # The same figures for both readers (the header names each reader; the token is theirs).
    assert _figures(again) == _figures(html) and "Tribunal I1" in _figures(html)


def test_a_certificate_issued_shows_in_the_next_page(register_data):
    browser = _signed_in(committee_member())
    url = DASHBOARD + "?period=calendar&year=2026"
    before = _page(browser, url)
    CertificateFactory(holder=register_data.p6, course=register_data.course_b)
    assert _page(browser, url) != before


def test_renamed_institutions_and_regions_and_retitled_courses_show_at_once(register_data):
    browser = _signed_in(committee_member())
    html = _page(browser)
    assert "Tribunal I1" in html and "Cours A" in html
    register_data.i1.name = "Tribunal de grande instance I1"
    register_data.i1.save()
    assert "Tribunal de grande instance I1" in _page(browser)
    register_data.kayes.name = "Région de Kayes"
    register_data.kayes.save()
    assert "Région de Kayes" in _page(browser)
    course = register_data.course_a
    course.title = "Cours A (édition 2026)"
    course.save_revision().publish()
    assert "Cours A (édition 2026)" in _page(browser)


def test_a_manager_after_a_committee_member_sees_only_their_institutions(register_data):
    assert "Tribunal I1" in _page(_signed_in(committee_member()))
    html = _page(_signed_in(manager_of(register_data.i2)))
    assert "Brigade I2" in html and "Tribunal I1" not in html


def test_the_english_page_is_not_the_french_one(register_data):
    browser = _signed_in(committee_member())
    assert "Registre national" in _page(browser)
    with translation.override("en"):
        english_url = reverse("register_dashboard")
    english = _page(browser, english_url + FIXED)
    assert "National training register" in english and "Registre national" not in english


def test_each_reader_sees_their_own_exports_and_posts_with_their_own_token(register_data):
    alice, bob = committee_member(), committee_member()
    RegisterExport.objects.create(requested_by=alice, format="csv", filters={})
    alice_page = _page(_signed_in(alice))
    assert "Vos exports récents" in alice_page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(bob)
    bob_page = _page(strict)
    assert "Vos exports récents" not in bob_page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', bob_page).group(1)
    response = strict.post(
        "/fr/registre/exporter/",
        {"csrfmiddlewaretoken": token, "format": "csv", "period": "calendar", "year": "2026"},
    )
    assert response.status_code == 302
    assert RegisterExport.objects.filter(requested_by=bob).count() == 1
