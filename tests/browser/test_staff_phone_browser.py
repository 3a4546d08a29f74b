"""Staff pages on a phone (360 × 740): every page of the manager area and of the national
register fits the screen — wide tables scroll inside their own box (focusable, named), the page
itself never scrolls sideways — and no page asks anything of another host. The progress matrix
on a desktop (1366 px) shows more than two of four modules; on a phone the charts of the
register are drawn for the width and the filters fold behind a summary line."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import RegisterExport
from courses import assignments, services
from people.choices import MembershipStatus
from people.models import Cohort, Membership, RosterImport, RosterImportStatus
from tests.browser.conftest import assert_accessible
from tests.browser.phone import DESKTOP, PHONE, fits, watch_hosts
from tests.clients import sign_in_browser
from tests.factories import (
    CertificateFactory,
    InstitutionFactory,
    RegionFactory,
    TrainingSessionFactory,
    UserFactory,
    committee_member,
    course_with_lessons,
    manager_of,
    member_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

MODULE_TITLES = [
    "Module 1 : Le cadre juridique de la lutte contre la traite des personnes",
    "Module 2 : Identification des victimes et orientation vers les services de protection",
    "Module 3 : Enquête financière et saisie des avoirs criminels",
    "Module 4 : Coopération judiciaire internationale et entraide",
]


def _manager_world():
    region = RegionFactory(name="District de Bamako")
    school = InstitutionFactory(
        name="École nationale de police de Bamako — centre de formation continue", region=region
    )
    manager = manager_of(school, full_name="Commissaire Mariam Sangaré-Keïta")
    course, modules, lessons = course_with_lessons(
        modules=4, lessons=1, title="Enquêter sur la traite des personnes et le trafic de migrants"
    )
    for module, title in zip(modules, MODULE_TITLES, strict=True):
        module.title = title
        module.save_revision().publish()
    cohort = Cohort.objects.create(
        institution=school, name="Promotion 2026 — inspecteurs stagiaires"
    )
    cadets = [
        member_of(
            school,
            full_name=f"Aïssata Traoré-Diakité {index}",
            email=f"aissata.traore-diakite.{index}@police-nationale.gouv.ml",
            matricule=f"PN-2026-000{index}",
            profession="policier",
            sex="F",
        )
        for index in range(6)
    ]
    cohort.members.add(*cadets)
    assignment = assignments.assign(
        assigned_by=manager,
        institution=school,
        course=course,
        cohort=cohort,
        due_on=timezone.localdate() + datetime.timedelta(days=20),
    )
    services.complete_lesson(user=cadets[0], lesson=lessons[0])
    requester = UserFactory(
        full_name="Boubacar Sidibé-Coulibaly",
        email="boubacar.sidibe-coulibaly@gendarmerie-nationale.gouv.ml",
        matricule="GN-2025-4411",
        profession="gendarme",
    )
    Membership.objects.create(user=requester, institution=school, status=MembershipStatus.REQUESTED)
    rows = [
        {
            "full_name": f"Moussa Keïta-Konaté {index}",
            "email": f"moussa.keita-konate.{index}@police-nationale.gouv.ml",
            "matricule": f"PN-2026-10{index}",
            "profession": "policier" if index else "astronaute",
            "sex": "M",
            "cohort": "Promotion 2027 — commissaires",
        }
        for index in range(4)
    ]
    preview = RosterImport.objects.create(
        institution=school, uploaded_by=manager, file_name="effectif-2027.xlsx", rows=rows
    )
    done = RosterImport.objects.create(
        institution=school,
        uploaded_by=manager,
        file_name="effectif-2026.xlsx",
        rows=rows[1:],
        status=RosterImportStatus.DONE,
        summary={"create": 3, "update": 0, "unchanged": 0},
    )
    return {
        "manager": manager,
        "cohort": cohort,
        "assignment": assignment,
        "cadet": cadets[0],
        "preview": preview,
        "done": done,
    }


def test_every_manager_page_fits_a_phone_and_stays_on_our_host(page, live_server, screenshot_dir):
    world = _manager_world()
    elsewhere = watch_hosts(page, live_server)
    sign_in_browser(page, live_server, world["manager"])
    page.set_viewport_size(PHONE)
    cohort, assignment = world["cohort"], world["assignment"]
    pages = {
        "home": "/fr/manager/",
        "people": "/fr/manager/people/",
        "requests": "/fr/manager/requests/",
        "cohorts": "/fr/manager/cohorts/",
        "cohort": f"/fr/manager/cohorts/{cohort.pk}/",
        "cohort-report": f"/fr/manager/cohorts/{cohort.pk}/report/",
        "assignments": "/fr/manager/assignments/",
        "assignment-new": "/fr/manager/assignments/new/",
        "matrix": f"/fr/manager/assignments/{assignment.pk}/",
        "learner": f"/fr/manager/people/{world['cadet'].pk}/",
        "import": "/fr/manager/import/",
        "import-preview": f"/fr/manager/import/{world['preview'].pk}/",
        "import-status": f"/fr/manager/import/{world['done'].pk}/status/",
    }
    for name, path in pages.items():
        fits(page, path, screenshot_dir, f"manager-{name}-360")
        assert_accessible(page)
    assert elsewhere == []


def test_the_progress_matrix_wraps_its_headers_and_shows_that_it_scrolls(
    page, live_server, screenshot_dir
):
    world = _manager_world()
    sign_in_browser(page, live_server, world["manager"])
    path = f"/fr/manager/assignments/{world['assignment'].pk}/"

    page.set_viewport_size(DESKTOP)
    page.goto(path)
    page.screenshot(path=str(screenshot_dir / "matrix-1366.png"), full_page=True)
    box = page.locator(".matrix-scroll")
    visible = page.evaluate(
        """() => {
            const box = document.querySelector('.matrix-scroll').getBoundingClientRect();
            return [...document.querySelectorAll('table.matrix thead th')].slice(1)
                .filter(th => th.getBoundingClientRect().right <= box.right + 1).length;
        }"""
    )
    assert visible > 2, f"{visible} of 4 modules fit at 1366 px"
    header = page.locator("table.matrix thead th").nth(2)
    assert header.evaluate("th => getComputedStyle(th).whiteSpace") != "nowrap"
    assert header.evaluate("th => th.getBoundingClientRect().height") > 30  # it wraps

    page.set_viewport_size(PHONE)
    page.goto(path)
    page.screenshot(path=str(screenshot_dir / "matrix-360.png"), full_page=True)
    expect(page.locator(".scroll-cue")).to_be_visible()
    expect(box).to_have_attribute("tabindex", "0")
    first = page.locator("table.matrix tbody th").first
    assert first.evaluate("th => getComputedStyle(th).position") == "sticky"
    left = first.evaluate("th => th.getBoundingClientRect().left")
    box.evaluate("el => { el.scrollLeft = 400; }")
    assert first.evaluate("th => th.getBoundingClientRect().left") == left
    # The keyboard scrolls the box too.
    box.focus()
    box.evaluate("el => { el.scrollLeft = 0; }")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.matrix-scroll').scrollLeft > 0")


def _register_world():
    bamako = RegionFactory(name="District de Bamako")
    kayes = RegionFactory(name="Kayes")
    course, _modules, _lessons = course_with_lessons(
        modules=1, lessons=1, title="La loi n° 2012-023 relative à la lutte contre la traite"
    )
    today = timezone.localdate()
    for index, (name, region) in enumerate(
        [
            ("Tribunal de grande instance de la commune III du district de Bamako", bamako),
            ("Brigade territoriale de gendarmerie de Kayes", kayes),
        ]
    ):
        institution = InstitutionFactory(name=name, region=region)
        for number in range(3):
            person = member_of(
                institution,
                full_name=f"Fatoumata Coulibaly-Diarra {index}{number}",
                email=f"fatoumata.coulibaly.{index}{number}@justice.gouv.ml",
                profession="juge" if number else "inspecteur_travail",
                sex="F" if number % 2 else "M",
            )
            CertificateFactory(
                holder=person, course=course, issued_on=today - datetime.timedelta(days=number)
            )
    session = TrainingSessionFactory(course=course, region=kayes)
    session.attendances.create(person=member_of(institution, full_name="Seydou Diallo"))
    member = committee_member(full_name="Aminata Dembélé")
    export = RegisterExport.objects.create(
        requested_by=member, format="xlsx", status="done", progress=100, row_count=7
    )
    return member, export


def test_every_register_page_fits_a_phone_and_stays_on_our_host(page, live_server, screenshot_dir):
    member, export = _register_world()
    elsewhere = watch_hosts(page, live_server)
    sign_in_browser(page, live_server, member)
    page.set_viewport_size(PHONE)
    year = timezone.localdate().year
    for name, path in {
        "dashboard": "/fr/registre/",
        "dashboard-tip": f"/fr/registre/?period=tip&year={year - 1}",
        "people": "/fr/registre/personnes/",
        "people-trained": f"/fr/registre/personnes/?period=calendar&year={year}&measure=trained",
        "export-status": f"/fr/registre/exports/{export.pk}/",
    }.items():
        fits(page, path, screenshot_dir, f"register-{name}-360")
        assert_accessible(page)
    page.goto("/fr/registre/")
    page.get_by_role("button", name="Page imprimable").click()
    page.wait_for_url("**/imprimer/**")
    fits(page, page.url.split(live_server.url, 1)[1], screenshot_dir, "register-print-360")
    assert_accessible(page)
    assert elsewhere == []


def test_on_a_phone_the_headline_comes_before_the_filters_and_the_charts_are_readable(
    page, live_server, screenshot_dir
):
    member, _export = _register_world()
    sign_in_browser(page, live_server, member)
    page.set_viewport_size(PHONE)
    page.goto("/fr/registre/")
    filters = page.locator("details.register-filters-fold")
    expect(filters).not_to_have_attribute("open", "")
    summary = filters.locator("summary")
    expect(summary).to_contain_text("Filtres : toutes les institutions")
    headline_top = page.locator(".figures").evaluate("el => el.getBoundingClientRect().top")
    assert headline_top < 740, "the headline figures are on the first screen"
    summary.click()
    expect(page.get_by_label("Type de période")).to_be_visible()

    # Chart labels at least 12 px high as drawn on the phone.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')]
            .filter(t => t.getBoundingClientRect().width > 0)
            .map(t => t.getBoundingClientRect().height)"""
    )
    assert sizes and min(sizes) >= 12, f"smallest chart text {min(sizes) if sizes else None} px"
    page.screenshot(path=str(screenshot_dir / "register-charts-360.png"), full_page=True)
