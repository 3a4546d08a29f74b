"""`make bench`: throughput and latency of the main pages against the stack's own ceiling.

    make bench          # or: .venv/bin/python bench/run.py [--duration 20] [--warmup 5]

1. Databases (PostgreSQL on 127.0.0.1): `bench_base` (migrated, `seed_demo`), then one seeded
   copy per size, `bench_seed_1000` and `bench_seed_50000` (`seed_load --people N`), kept
   between runs and reused when they hold the right number of people (migrations are applied
   to them each time). Each measured run works on `bench_run`, a fresh copy of the seeded
   database (CREATE DATABASE … TEMPLATE), so every run starts from the same data.
2. Server: gunicorn with the production settings (DEBUG off, secret key set, WhiteNoise's
   compressed static files after collectstatic, PostgreSQL, Redis cache and broker), 2 sync
   workers on 127.0.0.1:$BENCH_PORT (8103). Started for each size, always stopped.
3. Load: locust headless (bench/locustfile.py), one endpoint at a time, N users (20) for a
   warm-up (5 s) then a measured period (20 s). The ceiling (`/bench/ceiling/`, a constant
   response) is measured in the same server run; each endpoint's throughput is given as a
   share of it.
4. After the load: the database is compared with what locust sent (quiz attempts, answers,
   xAPI statements; the bench fails when they differ); SQL queries per request and the
   committee dashboard's server time are measured with Django's test client
   (bench/fixtures.py); bytes on the wire with one gzip-accepting request per page.
5. Report: bench/results.md and bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip  # noqa: F401  (documents that sizes are gzip sizes as sent)
import http.client
import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
PG = "postgresql://postgres@127.0.0.1:5432"
BASE_DB = "bench_base"
RUN_DB = os.environ.get("BENCH_RUN_DB", "bench_run")  # two runs at once: another name
SIZES = (1000, 50000)

# Scenario -> the name its requests carry in locust (the report's rows).
SCENARIOS = {
    "ceiling": "ceiling",
    "catalogue": "catalogue (anonymous)",
    "lesson": "lesson page",
    "lesson_anon": "lesson page (anonymous)",
    "my_training": "Ma formation",
    "quiz_save": "quiz answer save",
    "quiz_page": "quiz page during an attempt",
    "quiz_submit": "quiz submit",
    "xapi": "xAPI statement intake",
    "verify": "certificate verification",
    "dashboard": "committee dashboard",
    "matrix": "manager progress matrix",
}
GROWTH = ["lesson", "my_training", "dashboard"]
# The learners' hot path (issue 18): compared between worker settings with --configs.
HOT = ["lesson", "lesson_anon", "my_training", "quiz_save", "quiz_page", "xapi"]
# Issue 18's targets at 50,000 people: SQL queries of one request, share of the ceiling, p95.
TARGETS = {
    "lesson page": {"queries": 8, "ratio": 0.12, "p95_ms": 150},
    "lesson page (anonymous)": {"queries": 4, "ratio": 0.25},
    "Ma formation": {"queries": 8, "ratio": 0.12},
    "quiz answer save": {"queries": 6, "ratio": 0.25},
    "quiz page during an attempt": {"queries": 8, "ratio": 0.12},
    "xAPI statement intake": {"queries": 8, "ratio": 0.15},
}
DASHBOARD_BUDGET_MS = 100
# The gunicorn setting of the bench (and of the README): WORKERS x THREADS, threads > 1 meaning
# gthread workers. Chosen by measurement (bench/results-workers.md).
DEFAULT_CONFIG = "2x1"
CERTIFICATES = (
    "17.0 certificates/s end to end (1,000 issued and rendered by a Celery worker, "
    "concurrency 2, quiet machine), PDF median 18.7 KB — bench/results-certificates.md "
    "(`make bench-certificates`, not re-run here: it takes about a minute of its own)"
)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def environment(database: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/6"),
        CELERY_RESULT_BACKEND="",
        CACHE_URL=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7"),
        DJANGO_SECRET_KEY="bench-only-" + "x" * 40,
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # 20 learners posting as fast as they can would be refused by the per-learner limit of
        # 60 a minute (tested in tests/assessments/test_h5p_xapi.py): the bench measures the
        # intake, not the limiter's 429.
        H5P_STATEMENTS_PER_MINUTE="1000000",
        DJANGO_MEDIA_ROOT=str(Path(tempfile.gettempdir()) / "formation-bench-media"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(Path(tempfile.gettempdir()) / "formation-bench-private"),
        EMAIL_URL="dummymail://",
        # Behind a proxy in production: rate limits read the client from X-Forwarded-For.
        ALLAUTH_TRUSTED_PROXY_COUNT="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        # Each response says its CPU time and SQL queries (config/bench_timing.py).
        DJANGO_BENCH_TIMING="1",
        WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
    )
    return env


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def manage(env: dict[str, str], *args: str, quiet: bool = False) -> None:
    run(
        [PYTHON, "manage.py", *args],
        env,
        stdout=subprocess.DEVNULL if quiet else None,
    )


# --- databases ---------------------------------------------------------------------------------


def _sql(statement: str, database: str = "postgres"):
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as db:
        cursor = db.execute(statement)
        return cursor.fetchall() if cursor.description else None


def _exists(database: str) -> bool:
    return bool(_sql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"))


def _copy(source: str, target: str) -> None:
    _sql(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
    _sql(f"CREATE DATABASE {target} TEMPLATE {source}")


def _load_people(database: str) -> int:
    try:
        rows = _sql(
            "SELECT count(*) FROM people_user WHERE email LIKE 'personne%%@charge.%%'", database
        )
    except Exception:
        return -1
    return rows[0][0]


def seeded_database(size: int, port: int, fresh: bool = False) -> str:
    """A database with the demo and `size` load people, reused when it already holds them."""
    name = f"bench_seed_{size}"
    if not fresh and _exists(name) and _load_people(name) == size:
        log(f"{name}: reused ({size} people); applying any new migrations")
        manage(environment(name, port), "migrate", "--noinput", "-v0")
        return name
    started = time.perf_counter()
    if fresh:
        _sql(f"DROP DATABASE IF EXISTS {BASE_DB} WITH (FORCE)")
    if not _exists(BASE_DB):
        _sql(f"CREATE DATABASE {BASE_DB}")
    env = environment(BASE_DB, port)
    log(f"{BASE_DB}: migrate and seed_demo")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", quiet=True)
    _copy(BASE_DB, name)
    log(f"{name}: seed_load --people {size}")
    manage(environment(name, port), "seed_load", "--people", str(size))
    log(f"{name}: ready in {time.perf_counter() - started:.0f} s")
    return name


# --- the server --------------------------------------------------------------------------------


def parse_config(text: str) -> tuple[int, int]:
    """ "2x4" -> (2 workers, 4 threads); "2" or "2x1" -> 2 sync workers."""
    workers, _, threads = text.partition("x")
    return int(workers), int(threads or 1)


def describe_config(text: str) -> str:
    workers, threads = parse_config(text)
    if threads == 1:
        return f"{workers} sync workers"
    return f"{workers} gthread workers × {threads} threads"


def gunicorn_args(text: str) -> list[str]:
    workers, threads = parse_config(text)
    args = ["--workers", str(workers)]
    if threads > 1:
        args += ["--worker-class", "gthread", "--threads", str(threads)]
    return args


_TICK = os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the gunicorn master and its workers, in seconds."""
    total = 0.0
    for process in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    return total


class Server:
    def __init__(self, env: dict[str, str], port: int, log_path: Path, config: str):
        self.env, self.port, self.log_path, self.config = env, port, log_path, config
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        try:
            return self._start()
        except BaseException:
            self.__exit__()  # a server that did not come up is stopped all the same
            raise

    def _start(self) -> Server:
        try:
            fetch(self.port, "/healthz")
        except OSError:
            pass  # nothing listens there: the port is ours
        else:
            raise RuntimeError(f"port {self.port} is already in use: set BENCH_PORT")
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                *gunicorn_args(self.config),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        # A loaded machine takes a while to import Django and Wagtail in each worker.
        deadline = time.monotonic() + 240
        status = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up: see {self.log_path}")
            try:
                status, _body, _headers = fetch(self.port, "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz with 200 within 240 s ({status})")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if getattr(self, "log", None) is not None:
            self.log.close()


def fetch(port: int, url: str, cookie: str = "") -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Encoding": "gzip", "Accept": "text/html,application/json"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", url, headers=headers)
    response = connection.getresponse()
    body = response.read()  # as sent: gzip-compressed when the server compressed it
    connection.close()
    return response.status, body, dict(response.getheaders())


def wire_sizes(port: int, plan: dict) -> dict[str, int]:
    learner = f"sessionid={plan['learners'][0]['session']}"
    pages = {
        "ceiling": (plan["ceiling_url"], ""),
        "catalogue (anonymous)": (plan["catalogue_url"], ""),
        "lesson page": (plan["lesson_url"], learner),
        "Ma formation": (plan["my_training_url"], learner),
        "certificate verification": (plan["verify_urls"][-1], ""),
        "manager progress matrix": (plan["matrix_url"], f"sessionid={plan['manager_session']}"),
    }
    if plan["dashboard_url"]:
        pages["committee dashboard"] = (
            plan["dashboard_url"],
            f"sessionid={plan['committee_session']}",
        )
    sizes = {}
    for name, (url, cookie) in pages.items():
        status, body, _headers = fetch(port, url, cookie)
        sizes[name] = len(body) if status == 200 else -status
    return sizes


# --- load ----------------------------------------------------------------------------------


def locust(scenario: str, plan_path: Path, state_path: Path, port: int, args) -> dict:
    env = dict(os.environ)
    env.update(
        BENCH_SCENARIO=scenario,
        BENCH_PLAN=str(plan_path),
        BENCH_STATE=str(state_path),
        BENCH_WARMUP=str(args.warmup),
    )
    run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.users),
            "--run-time",
            f"{args.warmup + args.duration}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        env,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(state_path.read_text(encoding="utf-8"))


def prepared(size: int, args, work: Path) -> tuple[dict[str, str], Path, dict]:
    """A fresh copy of the seeded database, an empty cache, the sessions and attempts."""
    seed = seeded_database(size, args.port, fresh=args.fresh)
    args.fresh = False  # the base is rebuilt once per run
    _copy(seed, RUN_DB)
    env = environment(RUN_DB, args.port)
    subprocess.run(
        ["redis-cli", "-u", env["CACHE_URL"], "flushdb"], check=True, capture_output=True
    )
    plan_path = work / f"plan-{size}.json"
    log(f"{size} people: preparing sessions and attempts")
    run([PYTHON, "bench/fixtures.py", "prepare", str(plan_path), str(args.users)], env)
    return env, plan_path, json.loads(plan_path.read_text(encoding="utf-8"))


def profiles(size: int, args, work: Path) -> None:
    """pyinstrument profiles of one request of each hot endpoint: bench/profiles/*.txt."""
    env, plan_path, _plan = prepared(size, args, work)
    log(f"{size} people: profiles of one request per hot endpoint")
    only = [n.replace("_", "-") for n in args.only] if args.only else []
    run(
        [PYTHON, "bench/fixtures.py", "profile", str(plan_path), str(ROOT / "bench" / "profiles")]
        + only,
        env,
    )


def measure(size: int, scenarios: list[str], args, work: Path, config: str) -> dict:
    env, plan_path, plan = prepared(size, args, work)
    if "dashboard" in scenarios and not plan["dashboard_url"]:
        scenarios = [s for s in scenarios if s != "dashboard"]
    results: dict = {
        "people": plan["people"],
        "matrix_people": plan["matrix_people"],
        "config": config,
    }
    states = []
    with Server(env, args.port, work / f"gunicorn-{size}-{config}.log", config) as server:
        for scenario in scenarios:
            log(
                f"{size} people, {describe_config(config)}: {scenario} "
                f"({args.warmup}+{args.duration} s)"
            )
            state_path = work / f"state-{size}-{config}-{scenario}.json"
            cpu_before = cpu_seconds(server.process.pid)
            state = locust(scenario.removesuffix("_end"), plan_path, state_path, args.port, args)
            # The workers' own CPU time over the whole run (warm-up included), divided by the
            # requests served in it: gunicorn's share included, beside the per-request timer.
            state["worker_cpu_s"] = cpu_seconds(server.process.pid) - cpu_before
            results.setdefault("scenarios", {})[scenario] = state
            states.append(state_path)
        results["wire_bytes"] = wire_sizes(args.port, plan)
    log(f"{size} people: integrity and query counts")
    check = subprocess.run(
        [PYTHON, "bench/fixtures.py", "integrity", str(plan_path), *map(str, states)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check.stdout.strip():
        results["integrity"] = json.loads(check.stdout.strip().splitlines()[-1])
    else:
        results["integrity"] = {"ok": False, "error": check.stderr[-2000:]}
    queries_path = work / f"queries-{size}.json"
    run(
        [
            PYTHON,
            "bench/fixtures.py",
            "queries",
            str(plan_path),
            str(queries_path),
            *(["--dashboard-timing"] if "dashboard" in scenarios else []),
        ],
        env,
        stderr=subprocess.DEVNULL,
    )
    results["queries"] = json.loads(queries_path.read_text(encoding="utf-8"))
    return results


# --- report ----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024 // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = {
        name: importlib.metadata.version(name)
        for name in ("Django", "wagtail", "gunicorn", "locust", "psycopg")
    }
    versions["Python"] = platform.python_version()
    versions["PostgreSQL"] = _sql("SHOW server_version")[0][0]
    info = subprocess.run(
        ["redis-cli", "INFO", "server"], capture_output=True, text=True, check=False
    ).stdout
    versions["Redis"] = next(
        (line.split(":", 1)[1].strip() for line in info.splitlines() if "redis_version" in line),
        "?",
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": memory,
        "load_average_at_start": os.getloadavg(),
        "versions": versions,
    }


def ceiling_rps(result: dict) -> float:
    """The mean of the ceiling measured at the start and at the end of the server run."""
    values = [
        result["scenarios"][name]["entries"]["ceiling"]["rps"]
        for name in ("ceiling", "ceiling_end")
        if name in result["scenarios"] and "ceiling" in result["scenarios"][name]["entries"]
    ]
    return sum(values) / len(values) if values else 0.0


def _load_queries(entry: dict) -> str | None:
    """The SQL queries of the requests under load, as the server counted them: "8", or
    "8–9" when they differ from one request to the next."""
    seen = sorted(int(k) for k in entry.get("queries_seen", {}) if k is not None)
    if not seen:
        return None
    return str(seen[0]) if seen[0] == seen[-1] else f"{seen[0]}–{seen[-1]}"


def rows(result: dict) -> list[dict]:
    ceiling = ceiling_rps(result)
    table = []
    for scenario, state in result["scenarios"].items():
        if scenario == "ceiling_end":
            continue
        names = (
            ["quiz start", "quiz submit"] if scenario == "quiz_submit" else [SCENARIOS[scenario]]
        )
        served = sum(e.get("requests_including_warmup", 0) for e in state["entries"].values())
        worker_ms = (
            state["worker_cpu_s"] * 1000 / served if served and "worker_cpu_s" in state else None
        )
        for name in names:
            entry = state["entries"].get(name)
            if entry is None:
                continue
            q = result["queries"].get(name, {})
            table.append(
                {
                    "endpoint": name,
                    "rps": entry["rps"],
                    "p50_ms": entry["p50_ms"],
                    "p95_ms": entry["p95_ms"],
                    "p99_ms": entry["p99_ms"],
                    "requests": entry["requests"],
                    "errors": state["failures_including_warmup"].get(name, 0),
                    "queries": q.get("queries"),
                    "queries_load": _load_queries(entry),
                    "cpu_ms": entry.get("cpu_ms_mean"),
                    "cpu_ms_p95": entry.get("cpu_ms_p95"),
                    "worker_cpu_ms": worker_ms,
                    "server_ms": q.get("server_ms"),
                    "bytes": result["wire_bytes"].get(name, round(entry["avg_bytes"])),
                    "ratio": entry["rps"] / ceiling if ceiling else 0.0,
                }
            )
            if name == "ceiling":
                table[-1]["rps"] = ceiling
                table[-1]["ratio"] = 1.0
    return table


def _ms(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(result: dict) -> list[str]:
    lines = [
        "| endpoint | req/s | % of ceiling | p50 ms | p95 ms | p99 ms | errors | "
        "CPU ms/request | worker CPU ms/request | SQL queries | bytes | server ms, unloaded |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows(result):
        queries = "–" if row["queries"] is None else str(row["queries"])
        if row["queries_load"] is not None and row["queries_load"] != queries:
            queries += f" ({row['queries_load']} under load)"
        lines.append(
            f"| {row['endpoint']} | {row['rps']:.1f} | {row['ratio']:.1%} | "
            f"{row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | "
            f"{row['errors']} | {_ms(row['cpu_ms'], 2)} | {_ms(row['worker_cpu_ms'], 2)} | "
            f"{queries} | {row['bytes']} | {_ms(row.get('server_ms'))} |"
        )
    return lines


def _people(size) -> str:
    return f"{int(size):,}".replace(",", " ")


def markdown(report: dict) -> str:
    m = report["machine"]
    v = m["versions"]
    config = report["config"]
    lines = [
        "# Benchmark: the main pages against the stack's own ceiling",
        "",
        f"`make bench` (bench/run.py{' ' + report['argv'] if report['argv'] else ''}), "
        f"{report['date']}, {report['total_seconds']:.0f} s in all.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; load average at "
        f"start {m['load_average_at_start'][0]:.2f}.",
        "- Versions: "
        + ", ".join(
            f"{k} {v[k]}"
            for k in (
                "Python",
                "Django",
                "wagtail",
                "PostgreSQL",
                "Redis",
                "gunicorn",
                "locust",
                "psycopg",
            )
        )
        + ".",
        f"- Server: gunicorn, {describe_config(config)}, production settings (DEBUG off, "
        f"WhiteNoise compressed static files, PostgreSQL, Redis cache and broker), on the same "
        f"machine as locust. Load: {report['users']} concurrent signed-in users (20 distinct "
        f"people), {report['warmup']} s warm-up then {report['duration']} s measured, one "
        f"endpoint at a time.",
        "- **% of ceiling**: the endpoint's requests per second divided by the ceiling's "
        "(`/bench/ceiling/`, a constant response through the same middleware, no database, no "
        "session) in the same server run.",
        "- **CPU ms/request**: the CPU time (user + system) of the worker thread that served "
        "the request, from the first middleware to the last byte of the body built "
        "(`DJANGO_BENCH_TIMING=1`, config/bench_timing.py), mean over the measured requests: "
        "stable on a shared machine where req/s is not. **Worker CPU ms/request**: the "
        "gunicorn processes' user + system time over the whole locust run (warm-up included) "
        "divided by the requests served — gunicorn's own share included. Neither counts the "
        "database server's CPU.",
        "- **SQL queries**: of one request through Django's test client on the same database "
        "(the tests assert the same counts); «under load» when the server's own count "
        "(X-Bench-Queries) differs. Bytes: the response as sent (gzip when the server "
        "compresses it). Server ms, unloaded: median of 9 requests through the test client "
        "with no load running.",
        "",
    ]
    for size, result in report["sizes"].items():
        lines += [f"## {_people(size)} people", "", *_table(result), ""]
        scenarios = result["scenarios"]
        if "ceiling" in scenarios and "ceiling_end" in scenarios:
            first, last = (
                scenarios[n]["entries"]["ceiling"]["rps"] for n in ("ceiling", "ceiling_end")
            )
            lines += [
                f"Ceiling: {first:.0f} req/s at the start of the run, {last:.0f} at the end; "
                "the ratios use their mean."
                + (
                    f" The manager's matrix is the largest cohort's assignment "
                    f"({result['matrix_people']} people × the course's modules)."
                    if "matrix" in scenarios
                    else ""
                ),
                "",
            ]
        integrity = result["integrity"]
        if "quiz answers" in integrity:
            lines += [
                "Integrity (what locust sent and the server accepted, against the database):",
                "",
            ]
            lines += ["| kind | sent | in the database |", "|---|---:|---:|"]
            for kind, counts in integrity.items():
                if isinstance(counts, dict):
                    lines.append(f"| {kind} | {counts['sent']} | {counts['database']} |")
            lines += ["", f"**{'Equal' if integrity['ok'] else 'DIFFERENT'}.**", ""]
        else:
            lines += [f"Integrity check failed to run: {integrity}", ""]
    sizes = report["sizes"]
    if str(max(SIZES)) in sizes and str(min(SIZES)) in sizes:
        large, small = sizes[str(max(SIZES))], sizes[str(min(SIZES))]
        lines += [
            "## Growth: 1 000 → 50 000 people",
            "",
            "Each size runs on its own server start, minutes apart: the growth is the ratio to "
            "the ceiling at 50 000 people divided by the ratio to the ceiling at 1 000 (raw req/s "
            "shown too; on a shared machine they drift with the load of other processes).",
            "",
            "| endpoint | req/s at 1 000 | req/s at 50 000 | % of ceiling at 1 000 | at 50 000 "
            "| growth (50k / 1k, normalised) | raw req/s ratio | CPU ms at 1 000 | at 50 000 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        small_rows = {r["endpoint"]: r for r in rows(small)}
        for row in rows(large):
            other = small_rows.get(row["endpoint"])
            if other is None or row["endpoint"] == "ceiling":
                continue
            lines.append(
                f"| {row['endpoint']} | {other['rps']:.1f} | {row['rps']:.1f} | "
                f"{other['ratio']:.1%} | {row['ratio']:.1%} | "
                f"**{row['ratio'] / other['ratio'] if other['ratio'] else 0:.2f}** | "
                f"{row['rps'] / other['rps'] if other['rps'] else 0:.2f} | "
                f"{_ms(other['cpu_ms'], 2)} | {_ms(row['cpu_ms'], 2)} |"
            )
        lines.append("")
    largest = sizes[max(sizes, key=int)] if sizes else None
    dashboard = (largest or {}).get("queries", {}).get("committee dashboard", {})
    if "server_ms_median_of_7" in dashboard:
        lines += [
            "## Committee dashboard",
            "",
            f"Server time of the dashboard (default period) on the "
            f"{_people(max(sizes, key=int))}-person database, through Django's test client "
            f"with no load: median **{dashboard['server_ms_median_of_7']:.0f} ms** of 7 "
            f"requests ({', '.join(str(t) for t in dashboard['server_ms_all'])} ms), "
            f"{dashboard['queries']} SQL queries. Target: ≤ {DASHBOARD_BUDGET_MS} ms. The "
            "aggregates are computed once per state of the facts (certificates, attendance, "
            "memberships: certificates/register/summary.py); the first request after a change "
            "computes them again: "
            f"{', '.join(str(t) for t in dashboard.get('server_ms_after_change', []))} ms "
            "(three changes), unless the periodic task (every minute) got there first.",
            "",
        ]
    if report.get("configs"):
        lines += [
            "## gunicorn: sync workers against gthread workers",
            "",
            f"The learners' endpoints at {_people(max(SIZES))} people under each setting, each in "
            "its own server run (its own ceiling). The bench and the README keep "
            f"**{describe_config(config)}**.",
            "",
            "| endpoint | setting | req/s | % of ceiling | p50 ms | p95 ms | CPU ms/request | "
            "worker CPU ms/request |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        by_config = {
            c: {r["endpoint"]: r for r in rows(res)} for c, res in report["configs"].items()
        }
        endpoints = list(next(iter(by_config.values())))
        for endpoint in endpoints:
            for c, table in by_config.items():
                row = table.get(endpoint)
                if row is None:
                    continue
                lines.append(
                    f"| {endpoint} | {describe_config(c)} | {row['rps']:.1f} | "
                    f"{row['ratio']:.1%} | "
                    f"{row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {_ms(row['cpu_ms'], 2)} | "
                    f"{_ms(row['worker_cpu_ms'], 2)} |"
                )
        lines.append("")
    lines += ["## Certificates", "", f"{CERTIFICATES}.", ""]
    if largest is not None:
        lines += [f"## Targets (issue 18, at {_people(max(sizes, key=int))} people)", ""]
        lines += ["| endpoint | target | measured | |", "|---|---|---|---|"]
        by_name = {r["endpoint"]: r for r in rows(largest)}
        for name, target in TARGETS.items():
            row = by_name.get(name)
            if row is None:
                continue
            wanted = [f"≤ {target['queries']} queries", f"≥ {target['ratio']:.0%} of ceiling"]
            got = [f"{row['queries']} queries", f"{row['ratio']:.1%}"]
            ok = row["queries"] is not None and row["queries"] <= target["queries"]
            ok = ok and row["ratio"] >= target["ratio"]
            if "p95_ms" in target:
                wanted.append(f"p95 < {target['p95_ms']} ms")
                got.append(f"p95 {row['p95_ms']:.0f} ms")
                ok = ok and row["p95_ms"] < target["p95_ms"]
            got.append(f"{_ms(row['cpu_ms'], 2)} CPU ms")
            lines.append(
                f"| {name} | {', '.join(wanted)} | {', '.join(got)} | "
                f"{'met' if ok else '**missed**'} |"
            )
        if "server_ms_median_of_7" in dashboard:
            ms = dashboard["server_ms_median_of_7"]
            lines.append(
                f"| committee dashboard | server time ≤ {DASHBOARD_BUDGET_MS} ms | {ms:.0f} ms | "
                f"{'met' if ms <= DASHBOARD_BUDGET_MS else '**missed**'} |"
            )
        errors = sum(r["errors"] for s in sizes.values() for r in rows(s))
        lines.append(
            f"| no errors under load | 0 | {errors} | {'met' if not errors else '**missed**'} |"
        )
        ok = all(s["integrity"].get("ok") for s in sizes.values())
        lines.append(
            f"| the database holds exactly what was sent | equal | "
            f"{'equal' if ok else 'different'} | {'met' if ok else '**missed**'} |"
        )
    return "\n".join(lines) + "\n"


def _names(text: str, known) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown: {', '.join(unknown)} (known: {', '.join(known)})")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="measured seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per endpoint")
    parser.add_argument("--users", type=int, default=20, help="concurrent users")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8103)))
    parser.add_argument("--output", default=str(ROOT / "bench"), help="folder of the report")
    parser.add_argument(
        "--fresh", action="store_true", help="rebuild the seeded databases (after seed changes)"
    )
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="people, e.g. --sizes 50000"
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"endpoints (the ceiling is always measured): {', '.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--configs",
        default=DEFAULT_CONFIG,
        help="gunicorn WORKERSxTHREADS, the first for the whole run, others compared on the "
        "learners' endpoints at the largest size (e.g. --configs 2x1,2x4)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also write bench/profiles/*.txt (pyinstrument)"
    )
    parser.add_argument("--profile-only", action="store_true", help="only the profiles")
    parser.add_argument(
        "--skip-collectstatic",
        action="store_true",
        help="reuse the collected static files of an earlier run (while developing)",
    )
    parser.add_argument(
        "--keep", default="", help="keep the plans, locust states and server logs in this folder"
    )
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.sizes.split(","))
    args.only = _names(args.only, SCENARIOS) if args.only else []
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    for c in configs:
        parse_config(c)
    partial = bool(args.only) or sizes != sorted(SIZES)
    # A stop request ends the run through the `finally` clauses: the server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    if not args.skip_collectstatic:
        log("collectstatic")
        manage(environment(BASE_DB, args.port), "collectstatic", "--noinput", "-v0")
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        work = Path(args.keep or folder)
        work.mkdir(parents=True, exist_ok=True)
        if args.profile_only:
            profiles(max(sizes), args, work)
            log(f"profiles in {ROOT / 'bench' / 'profiles'}")
            return 0
        report = {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "argv": " ".join(sys.argv[1:]),
            "machine": machine(),
            "users": args.users,
            "warmup": args.warmup,
            "duration": args.duration,
            "config": configs[0],
            "sizes": {},
            "configs": {},
        }
        for size in sizes:
            if args.only:
                measured = ["ceiling", *[s for s in args.only if s != "ceiling"]]
            else:
                measured = list(SCENARIOS) if size == max(sizes) else ["ceiling", *GROWTH]
            # The ceiling again at the end: the ratio uses the mean of both (drift).
            scenarios = [*measured, "ceiling_end"]
            report["sizes"][str(size)] = measure(size, scenarios, args, work, configs[0])
        if len(configs) > 1:
            hot = [s for s in HOT if not args.only or s in args.only]
            report["configs"][configs[0]] = {
                **report["sizes"][str(max(sizes))],
                "scenarios": {
                    k: v
                    for k, v in report["sizes"][str(max(sizes))]["scenarios"].items()
                    if k in ("ceiling", "ceiling_end", *hot)
                },
            }
            for c in configs[1:]:
                report["configs"][c] = measure(
                    max(sizes), ["ceiling", *hot, "ceiling_end"], args, work, c
                )
        if args.profile:
            profiles(max(sizes), args, work)
    report["total_seconds"] = time.perf_counter() - started
    output = Path(args.output)
    stem = "results-partial" if partial else "results"
    report["rows"] = {size: rows(result) for size, result in report["sizes"].items()}
    for result in [*report["sizes"].values(), *report["configs"].values()]:
        for state in result["scenarios"].values():  # ids and keys sent: counted in "integrity"
            if isinstance(state.get("sent"), dict):
                state["sent"] = {
                    kind: len(values) if isinstance(values, list | dict) else values
                    for kind, values in state["sent"].items()
                }
    (output / f"{stem}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (output / f"{stem}.md").write_text(markdown(report), encoding="utf-8")
    log(f"done in {report['total_seconds']:.0f} s: {output / (stem + '.md')}")
    ok = all(s["integrity"].get("ok") for s in report["sizes"].values())
    if not ok:
        log("the database does not hold exactly what locust sent: see the report")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
