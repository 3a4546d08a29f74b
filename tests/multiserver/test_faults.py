"""Faults a deployment on several servers meets, caused for real: a server that loses its
database, PostgreSQL restarted under load, Redis restarted, the worker killed mid-task."""

from __future__ import annotations

import hashlib
import threading
import time

import psycopg
import pytest
import requests

from tests.multiserver.cluster import wait_until
from tests.multiserver.visitor import Visitor

pytestmark = pytest.mark.multiserver

UNAVAILABLE = "Service momentanément indisponible"


@pytest.fixture(autouse=True)
def _everything_running_again(deployment):
    """A fault test that fails half-way leaves the next one a whole deployment."""
    yield
    try:
        deployment.sql("SELECT 1")
    except psycopg.OperationalError:
        deployment.postgres.start()
    deployment.sql("ALTER ROLE app_b LOGIN")
    if not deployment.redis.ping():
        deployment.redis.start()
    if deployment.worker is None or not deployment.worker.running:
        deployment.start_worker()


def _direct(deployment, name: str, path: str) -> requests.Response:
    port = deployment.app_ports[deployment.app_names.index(name)]
    return requests.get(f"http://127.0.0.1:{port}{path}", timeout=10, allow_redirects=False)


def _upstreams(deployment, lines: int) -> list[str]:
    """The app servers nginx tried for its last `lines` requests (access log)."""
    log = (deployment.nginx.folder / "access.log").read_text().splitlines()[-lines:]
    return [line.split("upstream=", 1)[1].split(" ", 1)[0] for line in log]


def _clean_failure(response) -> bool:
    return (
        response.status_code == 503
        and UNAVAILABLE in response.text
        and "Traceback" not in response.text
        and response.headers.get("Retry-After") == "10"
    )


def test_a_server_whose_database_refuses_it_answers_503_and_nginx_sends_to_the_other(
    deployment, visitor
):
    b_port = deployment.app_ports[1]
    deployment.sql("ALTER ROLE app_b NOLOGIN")
    deployment.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app_b'")
    try:
        health = _direct(deployment, "app-b", "/healthz")
        assert health.status_code == 503 and health.json()["database"] == "down"
        # A query string: rendered, never sent from the kept copy of the page, so it needs the
        # database (courses.routing._public_copy_key).
        rendered = "/fr/?depuis=panne"
        assert _clean_failure(_direct(deployment, "app-b", rendered))
        pages = [visitor.get(rendered) for _ in range(12)]
        assert [page.status_code for page in pages] == [200] * 12
        assert {page.headers["X-Served-By"] for page in pages} == {"app-a"}
        # After max_fails, app-b is left out: the last requests did not even try it.
        assert not any(str(b_port) in tried for tried in _upstreams(deployment, 6))
        # A visitor's page already kept in the shared cache is still sent by app-b itself.
        # (Kept per host: asked of app-b under the host the visitors use.)
        visitor.get("/fr/")
        port = deployment.app_ports[deployment.app_names.index("app-b")]
        kept = requests.get(
            f"http://127.0.0.1:{port}/fr/",
            headers={"Host": deployment.nginx.url.split("://", 1)[1]},
            timeout=10,
            allow_redirects=False,
        )
        assert kept.status_code == 200 and kept.headers["X-Served-By"] == "app-b"
    finally:
        deployment.sql("ALTER ROLE app_b LOGIN")
    # Once fail_timeout (5 s) has passed, app-b gets its turn again.
    wait_until(
        lambda: visitor.get("/fr/").headers.get("X-Served-By") == "app-b",
        seconds=20,
        step=0.5,
        what="nginx sending to app-b again",
    )


def test_postgresql_restarted_under_load_fails_cleanly_recovers_and_loses_no_answer(deployment):
    load = deployment.people["load"]
    visitors = []
    for learner in load["learners"]:
        visitor = Visitor(deployment)
        visitor.sign_in(learner["email"])
        visitors.append(visitor)
    responses: list[tuple[float, str, requests.Response]] = []
    errors: list[str] = []
    acknowledged: dict[tuple[int, int], str] = {}
    stop = threading.Event()

    def learn(visitor: Visitor, learner: dict) -> None:
        attempt, pending = learner["attempt"], list(learner["answers"])
        save = f"/quiz/{load['quiz']}/attempt/{attempt}/save/"
        while not stop.is_set() and pending:
            try:
                page = visitor.get(load["lesson_url"])
                responses.append((time.monotonic(), "lesson", page))
                question, key = pending[0]
                saved = visitor.post(save, {"question": question, f"q{question}": key})
                responses.append((time.monotonic(), "answer", saved))
                if saved.status_code == 200 and saved.json()["saved"]:
                    acknowledged[(attempt, question)] = key
                    pending.pop(0)
            except requests.RequestException as error:
                errors.append(repr(error))
            time.sleep(0.05)

    threads = [
        threading.Thread(target=learn, args=pair)
        for pair in zip(visitors, load["learners"], strict=True)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        before = len(acknowledged)
        deployment.postgres.stop("immediate")  # a crash: no shutdown checkpoint
        down = time.monotonic()
        time.sleep(2)
        deployment.postgres.start()
        up = time.monotonic()

        def both_answer():
            return all(
                _direct(deployment, name, "/healthz").status_code == 200
                for name in deployment.app_names
            )

        wait_until(both_answer, seconds=10, step=0.1, what="both servers recovering")
        recovered = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors[:5]
    assert 0 < before < len(acknowledged)
    failed = [response for _at, _kind, response in responses if response.status_code != 200]
    # Requests met the outage, and every one that failed got our page, not a traceback.
    assert failed
    assert all(_clean_failure(response) for response in failed), [
        (response.status_code, response.text[:300]) for response in failed
    ]
    assert {kind for at, kind, response in responses if down <= at} >= {"lesson", "answer"}
    # By themselves, within 10 s of PostgreSQL being back; everything after answers.
    assert recovered - up <= 10
    late = [r for at, _kind, r in responses if at > recovered + 0.5 and r.status_code != 200]
    assert not late, [(r.status_code, r.text[:300]) for r in late]
    # Every answer acknowledged to a learner is in the database, as it was acknowledged.
    attempts = [learner["attempt"] for learner in load["learners"]]
    stored = {
        (attempt, question): selected
        for attempt, question, selected in deployment.sql(
            "SELECT attempt_id, question_id, selected FROM assessments_answer "
            "WHERE attempt_id = ANY(%s)",
            attempts,
        )
    }
    assert {pair: stored.get(pair) for pair in acknowledged} == {
        pair: [key] for pair, key in acknowledged.items()
    }


def _certificates(deployment, course_id: int) -> list[tuple]:
    return deployment.sql(
        "SELECT id, pdf, pdf_sha256 FROM certificates_certificate WHERE course_id = %s ORDER BY id",
        course_id,
    )


def _rendered(deployment, course_id: int) -> int:
    return sum(1 for _id, _pdf, sha256 in _certificates(deployment, course_id) if sha256)


def _queued(deployment) -> int:
    return int(deployment.redis.command("-n", "0", "LLEN", "celery").strip() or 0)


def test_redis_restarted_sign_ins_and_pages_recover_and_queued_tasks_are_kept(deployment):
    people = deployment.people
    deployment.worker.stop()  # warm shutdown: what is queued waits in Redis
    course = deployment.world("certificates", "3")["course"]
    assert _queued(deployment) >= 3
    during = Visitor(deployment)
    during.csrf_token()  # the sign-in page, before: its form's token
    deployment.redis.kill()  # SIGKILL: no shutdown, what is on disk is what there is
    try:
        refused = during.post(
            "/fr/accounts/login/",
            {"login": people["learner"]["email"], "password": people["password"]},
        )
        assert _clean_failure(refused), (refused.status_code, refused.text[:500])
    finally:
        deployment.redis.start()
    restarted = time.monotonic()

    def signs_in():
        try:
            Visitor(deployment).sign_in(people["load"]["learners"][1]["email"])
            return True
        except AssertionError:
            return False

    wait_until(signs_in, seconds=10, step=0.5, what="a sign-in after Redis restarted")
    assert time.monotonic() - restarted <= 10
    assert _queued(deployment) >= 3  # the tasks queued before the restart are still there
    deployment.start_worker()
    wait_until(lambda: _rendered(deployment, course) == 3, seconds=90, what="the queued PDFs")

    # The web servers' connections to the broker came back too: a course completed now.
    learner = Visitor(deployment)
    learner.sign_in(people["load"]["learners"][2]["email"])
    done = learner.post(f"/fr/learning/lessons/{people['load']['lesson']}/complete/")
    assert done.status_code == 302
    load_course = deployment.sql(
        "SELECT course_id FROM courses_enrolment e JOIN people_user u ON u.id = e.user_id "
        "WHERE u.email = %s",
        people["load"]["learners"][2]["email"],
    )[0][0]
    wait_until(
        lambda: _rendered(deployment, load_course) >= 1, seconds=60, what="the new PDF rendered"
    )


def test_tasks_lost_with_a_redis_without_its_queue_are_done_by_the_sweep(deployment):
    deployment.worker.stop()
    course = deployment.world("certificates", "2")["course"]
    deployment.redis.command("-n", "0", "FLUSHDB")  # the queue is gone (a Redis without disk)
    # Older than the sweep's grace (5 min): their render is taken as lost.
    deployment.sql(
        "UPDATE certificates_certificate SET created_at = now() - interval '10 minutes' "
        "WHERE course_id = %s",
        course,
    )
    deployment.start_worker()
    # Beat sends the sweep every 5 s here (CERTIFICATE_PDF_SWEEP_SECONDS): it renders them.
    wait_until(lambda: _rendered(deployment, course) == 2, seconds=60, what="the sweep")


def test_the_worker_killed_mid_render_loses_nothing_and_duplicates_nothing(deployment):
    deployment.worker.stop()
    count = 10
    course = deployment.world("certificates", str(count))["course"]
    deployment.start_worker()
    wait_until(lambda: _rendered(deployment, course) >= 2, seconds=60, what="renders starting")
    deployment.worker.kill()  # SIGKILL to the worker and its pool: nothing gets to clean up
    at_kill = _rendered(deployment, course)
    assert at_kill < count  # it died in the middle of the batch
    deployment.start_worker()
    wait_until(
        lambda: _rendered(deployment, course) == count, seconds=120, what="every PDF rendered"
    )
    certificates = _certificates(deployment, course)
    assert len(certificates) == count  # one per learner
    for _id, name, sha256 in certificates:
        data = deployment.private_file(name)
        assert hashlib.sha256(data).hexdigest() == sha256
    # No second file for a certificate rendered twice (the one the kill interrupted).
    stored = {name for (name,) in deployment.sql("SELECT pdf FROM certificates_certificate")}
    folder = certificates[0][1].split("/", 1)[0]
    assert deployment.private_files(f"{folder}/") <= stored


def test_the_worker_killed_mid_export_loses_nothing_and_duplicates_nothing(deployment, member):
    deployment.world("register", "3000")
    deployment.worker.stop()
    asked = member.post(
        "/fr/registre/exporter/",
        {"format": "xlsx", "period": "range", "start": "2020-01-01", "end": "2026-12-01"},
    )
    assert asked.status_code == 302, asked.text[:2000]
    export_id = int(asked.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    deployment.start_worker()

    def state():
        return deployment.sql(
            "SELECT status, progress FROM certificates_registerexport WHERE id = %s", export_id
        )[0]

    wait_until(lambda: state()[1] > 0, seconds=60, step=0.01, what="the export starting")
    deployment.worker.kill()
    status, progress = state()
    assert status == "pending" and progress < 100  # killed half-way
    deployment.start_worker()
    wait_until(lambda: state()[0] == "done", seconds=120, what="the export built again")
    download = member.get(f"/fr/registre/exports/{export_id}/fichier/")
    assert download.status_code == 200 and download.content.startswith(b"PK")
    [(name, rows)] = deployment.sql(
        "SELECT file, row_count FROM certificates_registerexport WHERE id = %s", export_id
    )
    assert rows >= 3000
    folder = name.split("/", 1)[0]
    stored = {file for (file,) in deployment.sql("SELECT file FROM certificates_registerexport")}
    assert deployment.private_files(f"{folder}/") <= stored
