"""The figures of the README's offline section, measured in Chromium on the seeded demo: what a
module's download weighs for each demo module a new learner can open, and the time to open a
lesson on a phone network (DevTools' throttling: 400 ms latency, 50 KB/s each way) — downloaded
and offline, and online without the download. Slow (the demo is seeded): run it with
`OFFLINE_FIGURES=1 .venv/bin/pytest tests/browser/test_offline_throttled_browser.py -s`."""

import os
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from courses import services as course_services
from courses.models import CoursePage, LessonPage, ModulePage
from people.models import User
from tests.browser.test_offline_browser import _controlled
from tests.clients import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("OFFLINE_FIGURES"), reason="figures only: OFFLINE_FIGURES=1"
    ),
]

PHONE_NETWORK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 51200,
    "uploadThroughput": 51200,
}
STORED_SIZE = """(key) => new Promise((resolve) => {
  const open = indexedDB.open("formation-offline", 1);
  open.onsuccess = () => {
    const get = open.result.transaction("modules").objectStore("modules").get(key);
    get.onsuccess = () => resolve(get.result.size);
  };
})"""


def _open_time(page, url) -> float:
    started = time.perf_counter()
    response = page.goto(url, wait_until="load")
    elapsed = time.perf_counter() - started
    assert response is None or response.ok
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return elapsed


def test_module_download_sizes_and_lesson_opening_times_on_a_phone_network(
    page, browser, live_server
):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    learner = User.objects.get(email__startswith="aminata.traore@")
    for course in CoursePage.objects.live().filter(locale__language_code="fr"):
        course_services.enrol(user=learner, course=course)
    sign_in_browser(page, live_server, learner)

    rows = []
    for module in ModulePage.objects.live().filter(locale__language_code="fr").order_by("path"):
        page.goto(live_server.url + module.url)
        if not page.locator("[data-offline-download]").count():
            continue  # locked: taken in order
        _controlled(page)
        button = page.get_by_role("button", name="Télécharger pour lire hors connexion")
        with page.expect_response(lambda r: "/offline/modules/" in r.url) as answer:
            button.click()
        manifest = answer.value.json()
        expect(page.get_by_text("Téléchargé :")).to_be_visible(timeout=120_000)
        size = page.evaluate(STORED_SIZE, str(module.pk))
        rows.append((module.title, len(manifest["lessons"]), len(manifest["urls"]), size))
    assert len(rows) == 5

    lesson = LessonPage.objects.live().child_of(ModulePage.objects.get(title=rows[0][0])).first()
    url = live_server.url + lesson.url
    page.context.set_offline(True)
    offline = [_open_time(page, url) for _ in range(3)]
    page.context.set_offline(False)

    # Online on the phone network, without the download (no worker in this context: the
    # throttling of DevTools applies to the page's own requests).
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", service_workers="block")
    online_page = context.new_page()
    sign_in_browser(online_page, live_server, learner)
    cdp = context.new_cdp_session(online_page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
    online = [_open_time(online_page, url) for _ in range(3)]
    cold = online[0]
    context.close()

    print("\nmodule | lessons | files | size")
    for title, lessons, files, size in rows:
        print(f"{title} | {lessons} | {files} | {size / 1024:.0f} KB")
    print(f"lesson offline (downloaded): {', '.join(f'{t * 1000:.0f} ms' for t in offline)}")
    print(f"lesson online, throttled: {', '.join(f'{t * 1000:.0f} ms' for t in online)}")
    assert max(offline) < 2 and cold > 0.8
