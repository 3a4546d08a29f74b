"""Who sees the register, the drill-down list, bad input, the printable page."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from certificates.models import RegisterExport
from people.roles import EDITORS_GROUP
from tests.factories import (
    UserFactory,
    administrator,
    committee_member,
    manager_of,
    member_of,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/fr/registre/"
PEOPLE = "/fr/registre/personnes/"
# Ends on 15/06/2026: the stock figures are taken on that day, whatever today is.
FIXED = "?period=range&start=2026-01-01&end=2026-06-15"


def _names(response) -> set[str]:
    html = response.content.decode()
    return {f"P{i}" for i in range(1, 8) if f"P{i} " in html}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (DASHBOARD, PEOPLE, "/fr/registre/imprimer/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/fr/accounts/login/")
    assert client.post("/fr/registre/exporter/", {"format": "xlsx"}).status_code == 302
    assert not RegisterExport.objects.exists()


def test_learners_and_editors_are_refused(client, register_data):
    editor = UserFactory(is_staff=True)
    Group.objects.get(name=EDITORS_GROUP).user_set.add(editor)
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(editor, generate_totp_secret())
    for user in (register_data.p1, editor):
        client.force_login(user)
        for url in (DASHBOARD, PEOPLE, "/fr/registre/imprimer/"):
            assert client.get(url).status_code == 403, url
        assert client.post("/fr/registre/exporter/", {"format": "xlsx"}).status_code == 403
        assert "Registre national" not in client.get("/fr/ma-formation/").content.decode()
    assert not RegisterExport.objects.exists()


@pytest.mark.parametrize("make_user", [committee_member, administrator])
def test_committee_members_and_administrators_see_the_whole_register(
    client, register_data, make_user
):
    client.force_login(make_user())
    response = client.get(DASHBOARD + FIXED)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Registre national" in html  # the header link
    assert "Tribunal I1" in html and "Brigade I2" in html
    assert _names(client.get(PEOPLE + FIXED)) == {f"P{i}" for i in range(1, 8)}


def test_a_committee_member_without_a_second_factor_must_set_one_up(client, register_data):
    member = committee_member()
    Authenticator.objects.filter(user=member).delete()
    client.force_login(member)
    assert client.get(DASHBOARD)["Location"] == "/fr/accounts/2fa/totp/activate/"


def test_a_manager_sees_only_the_people_of_their_institutions(client, register_data):
    manager = manager_of(register_data.i2)
    client.force_login(manager)
    response = client.get(DASHBOARD + FIXED)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Brigade I2" in html and "Tribunal I1" not in html
    assert _names(client.get(PEOPLE + FIXED)) == {"P3", "P4", "P5", "P6"}
    # Asking for another institution's people shows nobody.
    other = client.get(PEOPLE + FIXED + f"&institution={register_data.i1.pk}")
    assert _names(other) == set()


def test_a_figure_drills_down_to_the_people_behind_it(client, register_data):
    client.force_login(committee_member())
    assert _names(client.get(PEOPLE + FIXED + "&measure=lapsed")) == {"P3"}
    assert _names(client.get(PEOPLE + FIXED + "&measure=expiring")) == {"P2"}
    assert _names(client.get(PEOPLE + FIXED + "&measure=trained_in_person")) == {
        "P1",
        "P2",
        "P4",
        "P5",
    }
    dashboard = client.get(DASHBOARD + FIXED).content.decode()
    assert "/fr/registre/personnes/?period=range&amp;start=2026-01-01&amp;end=2026-06-15" in (
        dashboard
    )
    by_region = PEOPLE + FIXED + f"&measure=trained&region={register_data.kayes.pk}"
    assert _names(client.get(by_region)) == {"P4"}


def test_the_list_searches_by_name_or_staff_number(client, register_data):
    register_data.p6.matricule = "MAT-4242"
    register_data.p6.save(update_fields=["matricule"])
    client.force_login(committee_member())
    assert _names(client.get(PEOPLE + FIXED + "&q=mat-4242")) == {"P6"}
    assert _names(client.get(PEOPLE + FIXED + "&q=gendarme")) == {"P4"}


def test_the_list_shows_each_course_state(client, register_data):
    client.force_login(committee_member())
    html = client.get(PEOPLE + FIXED + "&q=P3").content.decode()
    assert "Expirée" in html or "Expiré" in html
    assert "09/01/2026" in html


@pytest.mark.parametrize(
    "query",
    [
        "?period=range&start=2026-13-01&end=2026-06-01",
        "?period=range&start=2026-06-01&end=2026-01-01",
        "?period=tip&year=deux-mille",
        "?period=semaine",
    ],
)
def test_a_bad_period_gets_a_french_message_and_the_current_year(client, register_data, query):
    client.force_login(committee_member())
    response = client.get(DASHBOARD + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "L’année civile en cours est affichée à la place." in html


def test_the_tip_year_is_shown_with_both_years(client, register_data):
    client.force_login(committee_member())
    html = client.get(DASHBOARD + "?period=tip&year=2026").content.decode()
    assert "Année TIP 2026-2027 (01/04/2026 – 31/03/2027)" in html


PRINT = "/fr/registre/imprimer/"
PRINT_FIELDS = {"period": "range", "start": "2026-01-01", "end": "2026-06-15"}


def test_the_printable_page_is_logged_once_when_asked_for_by_post(client, register_data):
    member = committee_member()
    client.force_login(member)
    response = client.post(PRINT, {**PRINT_FIELDS, "profession": "juge"})
    record = RegisterExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/fr/registre/imprimer/{record.pk}/"
    assert record.requested_by == member and record.format == "print"
    assert record.filters == {**PRINT_FIELDS, "profession": "juge", "scope": "national"}
    for _reload in range(3):
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert 'media="print"' in page.content.decode()
    assert RegisterExport.objects.count() == 1  # reloading the page writes nothing
    html = page.content.decode()
    # The period and filters shown are the ones logged (the link back keeps them).
    assert "01/01/2026" in html and "profession=juge" in html
    back = "/fr/registre/?period=range&amp;start=2026-01-01&amp;end=2026-06-15&amp;profession=juge"
    assert back in html


def test_a_get_of_the_printable_page_writes_nothing(client, register_data):
    # Three cross-site GETs (an <img> on another site) used to write three rows.
    client.force_login(committee_member())
    for _visit in range(3):
        assert client.get(PRINT + FIXED + "&profession=juge").status_code == 405
    assert not RegisterExport.objects.exists()


def test_a_cross_site_post_of_the_printable_page_is_refused(register_data):
    from tests.conftest import SignedInClient

    browser = SignedInClient(enforce_csrf_checks=True)
    browser.force_login(committee_member())
    assert browser.post(PRINT, PRINT_FIELDS).status_code == 403
    assert not RegisterExport.objects.exists()
    # The dashboard's « Page imprimable » button posts the form, with its CSRF token.
    html = browser.get(DASHBOARD + FIXED).content.decode()
    assert f'formaction="{PRINT}"' in html and "Page imprimable" in html
    token = browser.cookies["csrftoken"].value
    response = browser.post(PRINT, {**PRINT_FIELDS, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert RegisterExport.objects.count() == 1


def test_a_bad_period_for_the_printable_page_writes_nothing(client, register_data):
    client.force_login(committee_member())
    response = client.post(PRINT, {"period": "range", "start": "x"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/fr/registre/")
    assert not RegisterExport.objects.exists()


def test_nobody_opens_another_persons_printable_page(client, register_data):
    client.force_login(committee_member())
    client.post(PRINT, PRINT_FIELDS)
    record = RegisterExport.objects.get()
    for other in (committee_member(), administrator()):
        client.force_login(other)
        assert client.get(f"/fr/registre/imprimer/{record.pk}/").status_code == 404


def test_the_dashboard_works_without_javascript_and_has_its_charts(client, register_data):
    client.force_login(committee_member())
    html = client.get(DASHBOARD + FIXED).content.decode()
    # No script of its own: only the site's offline helpers (deferred, every page has them).
    scripts = re.findall(r"<script[^>]*>", html)
    assert [re.search(r'src="/static/js/([\w-]+)\.', tag)[1] for tag in scripts] == [
        "offline-store",
        "offline",
    ]
    # Five breakdowns drawn for a wide screen and for a phone, and the map of the regions.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-wide"') == 5
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-narrow"') == 5
    assert html.count('class="chart region-map"') == 1
    assert "Définitions" in html


def test_the_header_links_managers_to_the_register(client, register_data):
    client.force_login(manager_of(register_data.i1))
    assert "Registre national" in client.get("/fr/ma-formation/").content.decode()
    client.force_login(member_of(register_data.i1))
    assert "Registre national" not in client.get("/fr/ma-formation/").content.decode()


# --- Links named by what they open, filters in words, the list in French ----------------------


def test_figure_table_and_chart_links_are_named_by_what_they_open(client, register_data):
    import re

    client.force_login(committee_member())
    html = client.get(DASHBOARD + FIXED).content.decode()
    assert 'aria-label="4 personnes formées — voir la liste">4</a>' in html
    assert 'aria-label="7 personnes au registre — voir la liste">7</a>' in html
    assert 'aria-label="2 personnes formées (Juge) — voir la liste">2</a>' in html
    assert 'aria-label="1 personne formée (Procureur / substitut) — voir la liste"' in html
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert 'role="img"' not in svg  # a drawing that holds links is a group
        links = re.findall(r"<a [^>]*>", svg)
        assert links and all("aria-label=" in link for link in links), svg[:200]
    assert "JugeJuge" not in re.sub(r"<[^>]+>", "", html.replace("<title>", " "))


def test_the_filters_fold_behind_a_line_that_says_them_in_words(client, register_data):
    client.force_login(committee_member())
    html = client.get(DASHBOARD + FIXED).content.decode()
    assert '<details class="register-filters-fold no-print">' in html
    assert "Filtres : toutes les institutions" in html
    assert html.index('class="figures"') > html.index("register-filters-fold")
    query = f"&sex=F&institution={register_data.i1.pk}&course={register_data.course_a.pk}"
    html = client.get(DASHBOARD + FIXED + query).content.decode()
    assert "Filtres : Institution : Tribunal I1 ; Sexe : Femme ; Cours : Cours A" in html
    html = client.get(PEOPLE + FIXED + "&measure=lapsed&q=p3").content.decode()
    assert (
        "Filtres : toutes les institutions ; Afficher : Formation échue ; Recherche : « p3 »"
    ) in html
    # A bad period opens the fold, so the message and the fields are seen together.
    html = client.get(DASHBOARD + "?period=semaine").content.decode()
    assert '<details class="register-filters-fold no-print" open>' in html


def test_a_manager_reads_your_institutions_only(client, register_data):
    client.force_login(manager_of(register_data.i1))
    html = client.get(DASHBOARD + FIXED).content.decode()
    assert "Filtres : vos institutions seulement" in html


def test_the_list_says_trained_on_by_the_persons_sex(client, register_data):
    client.force_login(committee_member())
    html = client.get(PEOPLE + FIXED).content.decode()
    assert "formée le 20/05/2026" in html  # P1, a woman: her session of 20/05
    assert "formé le 01/04/2026" in html  # P2, a man
    assert "formé(e) le 31/03/2026" in html  # P5, sex not recorded


def test_the_export_page_leads_back_to_the_period_exported(client, register_data):
    member = committee_member()
    client.force_login(member)
    record = RegisterExport.objects.create(
        requested_by=member,
        format="xlsx",
        status="done",
        progress=100,
        row_count=3,
        filters={
            "period": "tip",
            "year": "2025",
            "sex": "F",
            "scope": "national",
            "language": "fr",
        },
    )
    html = client.get(f"/fr/registre/exports/{record.pk}/").content.decode()
    assert 'href="/fr/registre/?period=tip&amp;year=2025&amp;sex=F"' in html
    assert "Registre national des formations — Année TIP 2025-2026" in html


def test_the_printable_page_writes_its_filters_in_words(client, register_data):
    client.force_login(committee_member())
    response = client.post(PRINT, {**PRINT_FIELDS, "sex": "M"}, follow=True)
    html = response.content.decode()
    assert "Filtres : toutes les institutions ; Sexe : Homme" in html
    assert "sex=M<" not in html and "sex : M" not in html
