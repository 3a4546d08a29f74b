"""Locust scenarios of `make bench` (bench/run.py starts one headless run per scenario).

Environment: BENCH_SCENARIO (one of SCENARIOS), BENCH_PLAN (the JSON written by
bench/fixtures.py prepare: URLs, session keys, attempts), BENCH_STATE (where this run writes
its figures and what it sent), BENCH_WARMUP (seconds after which the statistics restart).

Signed-in virtual users carry a session created in the database by fixtures.py (one person per
virtual user), and a CSRF cookie with the same value in the X-CSRFToken header, as the pages'
JavaScript sends it. Every response that is not the expected one is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, constant, events, task

SCENARIO = os.environ.get("BENCH_SCENARIO", "ceiling")
PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
STATE_PATH = os.environ["BENCH_STATE"]
WARMUP = float(os.environ.get("BENCH_WARMUP", "5"))
ATTEMPT_URL = re.compile(r"/quiz/(\d+)/attempt/(\d+)/")

_numbers = itertools.count()
_forwarded = itertools.count()
# What the load sent and the server accepted: compared with the database afterwards.
SENT: dict = {
    "answers": {},  # "attempt:question" -> the choice keys last saved
    "attempts_seen": [],  # attempts that the start requests opened or resumed
    "attempts_submitted": [],
    "xapi_statements": [],
}
TIMES: dict = {}
FAILURES_ALL: dict[str, int] = {}  # warm-up included (the statistics restart after it)


# Per endpoint, over the measured period: the CPU time and SQL queries the server says each
# response cost (X-Bench-CPU-us, X-Bench-Queries: config/bench_timing.py).
COSTS: dict[str, dict] = {}
REQUESTS_ALL: dict[str, int] = {}  # warm-up included: divides the workers' CPU time


@events.request.add_listener
def _count(name, exception=None, response=None, **_kwargs) -> None:
    REQUESTS_ALL[name] = REQUESTS_ALL.get(name, 0) + 1
    if exception is not None:
        FAILURES_ALL[name] = FAILURES_ALL.get(name, 0) + 1
    if "measured_from" not in TIMES or response is None:
        return
    headers = getattr(response, "headers", None) or {}
    cpu, queries = headers.get("X-Bench-CPU-us"), headers.get("X-Bench-Queries")
    if cpu is None:
        return
    cost = COSTS.setdefault(name, {"n": 0, "cpu_us": [], "queries": {}})
    cost["n"] += 1
    cost["cpu_us"].append(int(cpu))
    cost["queries"][queries] = cost["queries"].get(queries, 0) + 1


class BenchUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret
        self.cookie = f"csrftoken={self.csrf}"
        if SCENARIO in {"lesson", "my_training", "quiz_save", "quiz_page", "quiz_submit", "xapi"}:
            learners = PLAN["learners"]
            self.learner = learners[self.number % len(learners)]
            self.cookie += f"; sessionid={self.learner['session']}"
        elif SCENARIO == "dashboard":
            self.cookie += f"; sessionid={PLAN['committee_session']}"
        elif SCENARIO == "matrix":
            self.cookie += f"; sessionid={PLAN['manager_session']}"
        if SCENARIO == "quiz_submit":
            pairs = PLAN["submit_pairs"]
            users = PLAN["users"]
            self.pairs = iter(pairs[self.number :: users])

    def _headers(self, **extra) -> dict:
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf, **extra}

    def _get(self, url: str, name: str, headers: dict | None = None) -> None:
        with self.client.get(
            url,
            name=name,
            headers=headers or self._headers(),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def act(self) -> None:
        getattr(self, f"scenario_{SCENARIO}")()

    # --- one method per scenario -----------------------------------------------------------

    def scenario_ceiling(self) -> None:
        self._get(PLAN["ceiling_url"], "ceiling", headers={})

    def scenario_catalogue(self) -> None:
        self._get(PLAN["catalogue_url"], "catalogue (anonymous)", headers={})

    def scenario_lesson(self) -> None:
        self._get(PLAN["lesson_url"], "lesson page")

    def scenario_lesson_anon(self) -> None:
        self._get(PLAN["lesson_url"], "lesson page (anonymous)", headers={})

    def scenario_quiz_page(self) -> None:
        # The page of an open attempt, as a learner reloads it between two answers.
        self._get(self.learner["attempt"]["page_url"], "quiz page during an attempt")

    def scenario_my_training(self) -> None:
        self._get(PLAN["my_training_url"], "Ma formation")

    def scenario_dashboard(self) -> None:
        self._get(PLAN["dashboard_url"], "committee dashboard")

    def scenario_matrix(self) -> None:
        self._get(PLAN["matrix_url"], "manager progress matrix")

    def scenario_verify(self) -> None:
        # Many visitors behind the proxy, each under the 30-lookups limit (X-Forwarded-For, as
        # the proxy sets it; addresses of the loopback range only).
        n = next(_forwarded) // 20
        headers = {"X-Forwarded-For": f"127.{1 + n // 65536 % 254}.{n // 256 % 256}.{n % 256}"}
        self._get(random.choice(PLAN["verify_urls"]), "certificate verification", headers)

    def scenario_quiz_save(self) -> None:
        attempt = self.learner["attempt"]
        question = random.choice(list(attempt["questions"]))
        keys = [random.choice(attempt["questions"][question])]
        with self.client.post(
            attempt["save_url"],
            data={"question": question, f"q{question}": keys[0]},
            headers=self._headers(),
            name="quiz answer save",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200 and b'"saved": true' in response.content:
                SENT["answers"][f"{attempt['id']}:{question}"] = keys
            else:
                response.failure(f"HTTP {response.status_code}")

    def scenario_quiz_submit(self) -> None:
        pair = next(self.pairs, None)
        if pair is None:  # this virtual user has used all its (person, quiz) pairs
            gevent.sleep(1)
            return
        learner = PLAN["learners"][pair["learner"]]
        headers = {
            "Cookie": f"csrftoken={self.csrf}; sessionid={learner['session']}",
            "X-CSRFToken": self.csrf,
        }
        with self.client.post(
            pair["start_url"],
            headers=headers,
            name="quiz start",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            match = ATTEMPT_URL.search(response.headers.get("Location") or "")
            if response.status_code != 302 or not match:
                response.failure(f"HTTP {response.status_code} {response.headers.get('Location')}")
                return
        SENT["attempts_seen"].append(int(match[2]))
        with self.client.post(
            response.headers["Location"],
            # Confirmed: the attempt has unanswered questions, which the page asks about first.
            data={"page": "1", "action": "submit", "confirm": "1"},
            headers=headers,
            name="quiz submit",
            allow_redirects=False,
            catch_response=True,
        ) as submitted:
            if submitted.status_code == 302 and "/result/" in (
                submitted.headers.get("Location") or ""
            ):
                SENT["attempts_submitted"].append(int(match[2]))
            else:
                submitted.failure(f"HTTP {submitted.status_code}")

    def scenario_xapi(self) -> None:
        statement = json.loads(PLAN["xapi"]["statement"])
        statement["id"] = str(uuid.uuid4())
        score = statement["result"]["score"]
        score["raw"] = random.randint(0, int(score.get("max", 10)))
        if "scaled" in score:  # the intake refuses a scaled score that raw/max contradicts
            score["scaled"] = round(score["raw"] / score["max"], 4) if score.get("max") else 0
        # The intake accepts activities of its own host only (the one locust talks to).
        path = urlsplit(statement["object"]["id"]).path
        statement["object"]["id"] = f"{self.host.rstrip('/')}{path}"
        with self.client.post(
            PLAN["xapi"]["url"],
            data=json.dumps(statement),
            headers=self._headers(**{"Content-Type": "application/json"}),
            name="xAPI statement intake",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                SENT["xapi_statements"].append(statement["id"])
            else:
                response.failure(f"HTTP {response.status_code}")


@events.test_start.add_listener
def _restart_statistics_after_warmup(environment, **_kwargs) -> None:
    TIMES["start"] = time.time()

    def reset() -> None:
        gevent.sleep(WARMUP)
        environment.runner.stats.reset_all()
        TIMES["measured_from"] = time.time()

    gevent.spawn(reset)


@events.quitting.add_listener
def _write_state(environment, **_kwargs) -> None:
    stopped = time.time()
    duration = stopped - TIMES.get("measured_from", TIMES.get("start", stopped))
    entries = {}
    for (name, _method), entry in environment.runner.stats.entries.items():
        cost = COSTS.get(name)
        cpu = sorted(cost["cpu_us"]) if cost else []
        entries[name] = {
            "cpu_ms_mean": sum(cpu) / len(cpu) / 1000 if cpu else None,
            "cpu_ms_p50": cpu[len(cpu) // 2] / 1000 if cpu else None,
            "cpu_ms_p95": cpu[int(len(cpu) * 0.95)] / 1000 if cpu else None,
            "queries_seen": cost["queries"] if cost else {},
            "requests_including_warmup": REQUESTS_ALL.get(name, 0),
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": entry.num_requests / duration if duration else 0.0,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "avg_bytes": entry.avg_content_length,
        }
    errors = [
        {"name": e.name, "error": str(e.error), "count": e.occurrences}
        for e in environment.runner.stats.errors.values()
    ]
    with open(STATE_PATH, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "scenario": SCENARIO,
                "measured_seconds": duration,
                "entries": entries,
                "errors": errors,
                "failures_including_warmup": FAILURES_ALL,
                "sent": SENT,
            },
            handle,
        )
