"""Offline in a real browser (Chromium, service worker, Playwright's `set_offline`): download a
module, read and finish every lesson and answer its assessment with no connection, come back,
sync, and the server shows it all — lessons, graded attempt, module, course, certificate; a
replayed sync changes nothing; signing out clears the phone."""

import json
import time

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt, Choice, OfflineAction
from certificates.models import Certificate
from courses import services as course_services
from courses.models import EnrolmentStatus, LessonProgress, ModuleCompletion
from tests.clients import sign_in_browser
from tests.factories import ImageFactory, UserFactory, course_with_lessons, quiz_with_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE_CACHES = (
    """async () => (await caches.keys()).filter((n) => n.startsWith("formation-module-"))"""
)
QUEUE_LENGTH = """() => new Promise((resolve) => {
  const open = indexedDB.open("formation-offline", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readonly");
    const count = tx.objectStore("queue").count();
    count.onsuccess = () => resolve(count.result);
  };
})"""


def _controlled(page):
    page.evaluate("() => navigator.serviceWorker.ready")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")


def download_module(page, live_server, module):
    """Open `module` under the worker's control and « Télécharger » it, until the page says it
    can be read with no connection."""
    page.goto(live_server.url + module.url)
    _controlled(page)
    page.get_by_role("button", name="Télécharger pour lire hors connexion").click()
    expect(
        page.get_by_text("Téléchargé : vous pouvez lire ce module sans connexion.")
    ).to_be_visible(timeout=60_000)


def _until_sent(page, seconds=90):
    """The phone's queue is empty (every action answered by the server)."""
    deadline = time.monotonic() + seconds
    while page.evaluate(QUEUE_LENGTH) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert page.evaluate(QUEUE_LENGTH) == 0


def _module(live_server):
    course, modules, lessons = course_with_lessons(modules=1, lessons=2, title="Traite : bases")
    lesson = lessons[0]
    lesson.body = [
        {"type": "rich_text", "value": "<p>Acte, moyen, but : les trois éléments.</p>"},
        {"type": "image", "value": {"image": ImageFactory().pk, "alt_text": "Une salle"}},
    ]
    lesson.save_revision().publish()
    quiz = quiz_with_questions(questions=3, module=modules[0], offline_allowed=True)
    learner = UserFactory(full_name="Awa Traoré")
    course_services.enrol(user=learner, course=course)
    return course, modules[0], lessons, quiz, learner


def test_a_module_taken_offline_is_recorded_at_the_next_connection(page, live_server):
    course, module, lessons, quiz, learner = _module(live_server)
    sign_in_browser(page, live_server, learner)
    download_module(page, live_server, module)
    expect(page.locator("[data-offline-badge]")).to_contain_text("Disponible hors connexion —")
    expect(page.locator("[data-offline-storage]")).to_contain_text("Espace utilisé par le site")
    attempt = Attempt.objects.get(user=learner, quiz=quiz)  # fixed on the server at download

    page.context.set_offline(True)
    for lesson in lessons:
        page.goto(live_server.url + lesson.url)
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        page.get_by_role("button", name="J'ai terminé cette leçon").click()
        expect(page.get_by_text("Terminée sur ce téléphone")).to_be_visible()
    expect(page.locator("[data-offline-text]")).to_have_text(
        "2 leçons terminées en attente d’envoi"
    )
    page.goto(live_server.url + lessons[0].url)
    assert page.evaluate("() => document.querySelector('.lesson-image img').naturalWidth") > 0

    # A page not downloaded: our offline page, with what is on the phone.
    page.goto(live_server.url + "/fr/recherche/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pas de connexion")
    expect(page.locator("[data-offline-list]")).to_contain_text(module.title)

    # The assessment, answered offline (the right keys are read here, on the server side).
    page.goto(live_server.url + f"/quiz/{quiz.pk}/attempt/{attempt.pk}/")
    for fieldset in page.locator("fieldset[data-question]").all():
        keys = [i.get_attribute("value") for i in fieldset.locator("input[name^=q]").all()]
        right = str(Choice.objects.get(key__in=keys, is_correct=True).key)
        fieldset.locator(f"input[value='{right}']").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator("main .state-done")).to_have_text(
        "Réponses envoyées — résultat disponible à la prochaine connexion."
    )
    expect(page.locator("[data-offline-text]")).to_contain_text("3 réponses en attente d’envoi")
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
    assert page.evaluate(QUEUE_LENGTH) == 4

    page.context.set_offline(False)
    page.get_by_role("button", name="Synchroniser").click()
    _until_sent(page)
    attempt.refresh_from_db()
    applied = list(
        OfflineAction.objects.order_by("received_at").values_list("kind", "status", "reason")
    )
    assert attempt.passed and attempt.score_percent == 100, (applied, attempt.answers.count())
    assert LessonProgress.objects.filter(user=learner, completed_at__isnull=False).count() == 2
    assert ModuleCompletion.objects.filter(user=learner, module=module).exists()
    assert learner.enrolments.get().status == EnrolmentStatus.COMPLETED
    assert Certificate.objects.filter(holder=learner).count() == 1

    # A replay of the same sync (the phone sends it again): already applied, nothing changes.
    # The same actions as the phone sent them (its ids), sent again from the page.
    body = json.dumps(
        {
            "actions": [
                {"id": str(row.client_id), "kind": row.kind, "payload": {}}
                for row in OfflineAction.objects.filter(user=learner).order_by("received_at")
            ]
        }
    )
    answer = page.evaluate(
        """async (body) => {
          const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const r = await fetch("/fr/offline/sync/", {method: "POST", body,
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}});
          return r.json();
        }""",
        body,
    )
    assert {r["status"] for r in answer["results"]} == {"already_applied"}
    assert len(answer["results"]) == len(json.loads(body)["actions"]) == 4
    assert OfflineAction.objects.filter(user=learner).count() == 4
    assert Certificate.objects.filter(holder=learner).count() == 1

    # Signing out clears the phone: no module, no queue, no worker.
    page.goto(live_server.url + module.url)
    assert page.evaluate(MODULE_CACHES) == [f"formation-module-{module.pk}"]
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/fr/")
    assert page.evaluate(MODULE_CACHES) == []
    assert (
        page.evaluate(
            """() => new Promise((resolve) => {
          const open = indexedDB.open("formation-offline", 1);
          open.onsuccess = () => {
            const tx = open.result.transaction("modules", "readonly");
            const all = tx.objectStore("modules").getAll();
            all.onsuccess = () => resolve(all.result.length);
          };
          open.onupgradeneeded = () => {};
        })"""
        )
        == 0
    )


def test_a_sync_after_withdrawal_is_refused_with_a_reason(page, live_server):
    course, module, lessons, _quiz, learner = _module(live_server)
    sign_in_browser(page, live_server, learner)
    download_module(page, live_server, module)
    page.context.set_offline(True)
    page.goto(live_server.url + lessons[1].url)
    page.get_by_role("button", name="J'ai terminé cette leçon").click()
    expect(page.get_by_text("Terminée sur ce téléphone")).to_be_visible()
    course_services.withdraw(enrolment=learner.enrolments.get())
    page.context.set_offline(False)
    page.get_by_role("button", name="Synchroniser").click()
    _until_sent(page)
    assert OfflineAction.objects.get(user=learner).reason.startswith(
        "Vous vous êtes retiré de cette formation"
    )
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
