"""The Django side of `make bench`, run by bench/run.py in the bench database's environment.

    python bench/fixtures.py prepare PLAN.json    # sessions, attempts, the H5P lesson; the plan
    python bench/fixtures.py integrity PLAN.json STATE.json...   # database vs what locust sent
    python bench/fixtures.py queries PLAN.json OUT.json [--dashboard-timing]
    python bench/fixtures.py profile PLAN.json FOLDER [name...]   # pyinstrument, one request

`prepare` signs in the bench's people by creating their sessions in the database as Django and
allauth record them (a password sign-in, plus the TOTP step for the committee member and the
manager, who have a TOTP device), opens one quiz attempt per virtual user for the answer-save
scenario, and adds a lesson holding an H5P activity for the xAPI intake (the demo has none).
`queries` issues one request per endpoint with Django's test client and counts its SQL queries.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

LEARNERS = 240
H5P_LESSON_SLUG = "banc-essai-activite-h5p"


def _session(user, *, mfa: bool) -> str:
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    methods = [{"method": "password", "at": time.time(), "email": user.email}]
    if mfa:
        authenticator = user.authenticator_set.get(type="totp")
        methods.append({"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = methods
    # allauth reads the records only for the user they were written for.
    session["account_authentication_methods_user"] = str(user.pk)
    session.create()
    return session.session_key


def _h5p_lesson(module):
    """A published lesson under `module` holding an approved H5P activity (created once)."""
    from courses.models import LessonPage
    from tests.factories import h5p_activity, h5p_block

    lesson = LessonPage.objects.child_of(module).filter(slug=H5P_LESSON_SLUG).first()
    if lesson is None:
        activity = h5p_activity(title="Activité du banc d'essai")
        lesson = LessonPage(
            title="Activité interactive (banc d'essai)",
            slug=H5P_LESSON_SLUG,
            summary="Une activité H5P pour mesurer la réception des résultats xAPI.",
            estimated_minutes=5,
            body=[h5p_block(activity)],
        )
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
        lesson.refresh_from_db()
    return lesson


def prepare(plan_path: str, users: int) -> None:
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    from assessments.models import Quiz
    from assessments.quizzes import services as quiz_services
    from certificates import loadgen
    from certificates.codes import grouped
    from certificates.models import Certificate
    from courses.models import Assignment, CourseIndexPage, Enrolment, EnrolmentStatus
    from tests.factories import xapi_statement

    started_at = time.time()  # attempts and statements from here on are the bench's
    courses = loadgen.catalogue()
    first = courses[0]
    rng = random.Random(7)
    people = list(
        Enrolment.objects.filter(
            course=first.page,
            status=EnrolmentStatus.IN_PROGRESS,
            user__email__startswith="personne",
            user__email__endswith=f"@{loadgen.LOAD_DOMAIN}",
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    chosen = sorted(rng.sample(people, min(LEARNERS, len(people))))
    from people.models import User

    by_pk = User.objects.in_bulk(chosen)
    quizzes = [
        Quiz.objects.get(pk=info.quizzes[module.pk].quiz_id)
        for info in courses
        for module in info.modules
        if module.pk in info.quizzes
    ]
    save_quiz = quizzes[0]
    learners = []
    for index, pk in enumerate(chosen):
        user = by_pk[pk]
        entry = {"id": pk, "session": _session(user, mfa=False)}
        if index < users:  # one open attempt per virtual user for the answer-save scenario
            attempt = quiz_services.start_attempt(user=user, quiz=save_quiz)
            entry["attempt"] = {
                "id": attempt.pk,
                "save_url": reverse("quiz_autosave", args=[save_quiz.pk, attempt.pk]),
                "page_url": reverse("quiz_attempt", args=[save_quiz.pk, attempt.pk]),
                "questions": {str(item["q"]): item["c"] for item in attempt.layout},
            }
        learners.append(entry)
    # Every (person, quiz) once: the demo quizzes ask for a minute between two attempts.
    pairs = [
        {"learner": index, "start_url": reverse("quiz_start", args=[quiz.pk])}
        for quiz in quizzes[1:]
        for index in range(len(learners) - 1)  # the last one is kept for `queries`
    ]
    rng.shuffle(pairs)

    lesson_id = first.lessons[1]
    from wagtail.models import Page

    lesson = Page.objects.get(pk=lesson_id).specific
    h5p_lesson = _h5p_lesson(first.modules[0])
    activity = h5p_lesson.body[0].value["activity"]
    statement = xapi_statement(activity)
    statement["object"]["id"] = f"http://127.0.0.1/h5p/activities/{activity.uuid}"

    committee = loadgen.load_people().filter(email__startswith="comite").order_by("pk").first()
    from django.db.models import Count

    assignment = (
        Assignment.objects.filter(assigned_by__email__endswith=f"@{loadgen.LOAD_DOMAIN}")
        .annotate(size=Count("cohort__members"))
        .order_by("-size", "pk")
        .first()
    )
    try:
        dashboard_url = reverse("register_dashboard")
    except NoReverseMatch:
        dashboard_url = None
    codes = list(
        Certificate.objects.filter(
            holder__email__endswith=f"@{loadgen.LOAD_DOMAIN}", revoked_at__isnull=True
        )
        .order_by("pk")
        .values_list("code", flat=True)[:500]
    )
    catalogue = CourseIndexPage.objects.filter(locale__language_code="fr").first()
    plan = {
        "users": users,
        "people": loadgen.existing_count(),
        "started_at": started_at,
        "ceiling_url": reverse("bench_ceiling"),
        "catalogue_url": catalogue.url,
        "lesson_url": lesson.url,
        "lesson_title": lesson.title,
        "my_training_url": reverse("my_training"),
        "learners": learners,
        "prepared_attempts": [e["attempt"]["id"] for e in learners if "attempt" in e],
        "submit_pairs": pairs,
        "xapi": {
            "url": reverse("h5p_statements", args=[h5p_lesson.pk]),
            "statement": json.dumps(statement),
        },
        "committee_session": _session(committee, mfa=True),
        "dashboard_url": dashboard_url,
        "manager_session": _session(assignment.assigned_by, mfa=True),
        "matrix_url": reverse("manager_assignment", args=[assignment.pk]),
        "matrix_people": assignment.size,
        "verify_urls": [reverse("certificate_verify", args=[grouped(c)]) for c in codes],
    }
    Path(plan_path).write_text(json.dumps(plan), encoding="utf-8")


def integrity(plan_path: str, state_paths: list[str]) -> None:
    """What locust sent and the server accepted, against the database: printed as JSON, exit
    status 1 when they differ."""
    import datetime as dt

    import django

    django.setup()
    from assessments.models import Answer, Attempt, XAPIStatement

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    answers: dict[str, list[str]] = {}
    seen: set[int] = set(plan["prepared_attempts"])
    submitted: list[int] = []
    statements: list[str] = []
    for path in state_paths:
        sent = json.loads(Path(path).read_text(encoding="utf-8"))["sent"]
        answers.update(sent["answers"])
        seen.update(sent["attempts_seen"])
        submitted.extend(sent["attempts_submitted"])
        statements.extend(sent["xapi_statements"])
    since = dt.datetime.fromtimestamp(plan["started_at"] - 1, dt.UTC)
    learners = [e["id"] for e in plan["learners"]]
    attempts = Attempt.objects.filter(user_id__in=learners, started_at__gte=since)
    db_answers = {
        f"{a.attempt_id}:{a.question_id}": sorted(a.selected)
        for a in Answer.objects.filter(attempt__in=attempts)
    }
    db_submitted = set(attempts.filter(submitted_at__isnull=False).values_list("pk", flat=True))
    db_statements = set(
        str(s)
        for s in XAPIStatement.objects.filter(
            user_id__in=learners, received_at__gte=since
        ).values_list("statement_id", flat=True)
    )
    report = {
        "quiz attempts opened": {
            "sent": len(seen),
            "database": attempts.count(),
        },
        "quiz attempts submitted": {"sent": len(submitted), "database": len(db_submitted)},
        "quiz answers": {"sent": len(answers), "database": len(db_answers)},
        "quiz answers with the last choice sent": {
            "sent": len(answers),
            "database": sum(1 for k, v in answers.items() if db_answers.get(k) == sorted(v)),
        },
        "xAPI statements": {"sent": len(statements), "database": len(db_statements)},
    }
    ok = (
        set(attempts.values_list("pk", flat=True)) == seen
        and len(submitted) == len(set(submitted))
        and set(submitted) == db_submitted
        and set(answers) == set(db_answers)
        and report["quiz answers with the last choice sent"]["database"] == len(answers)
        and set(statements) == db_statements
        and len(statements) == len(set(statements))
    )
    report["ok"] = ok
    print(json.dumps(report))
    sys.exit(0 if ok else 1)


def queries(plan_path: str, out_path: str, dashboard_timing: bool) -> None:
    """One request per endpoint through Django's test client (after one to warm up): its SQL
    queries and status. With --dashboard-timing, the committee dashboard's server time too
    (median of 7)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.factories import xapi_statement  # noqa: F401  (imports the models once)

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    learner = next(e for e in plan["learners"] if "attempt" in e)
    spare = plan["learners"][-1]

    def client(session: str | None) -> Client:
        c = Client()
        if session:
            c.cookies["sessionid"] = session
        return c

    def count(c: Client, method: str, url: str, **kwargs) -> dict:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(c, method)(url, **kwargs)
        return {"queries": len(captured), "status": response.status_code}

    results: dict[str, dict] = {}
    gets = {
        "ceiling": (None, plan["ceiling_url"]),
        "catalogue (anonymous)": (None, plan["catalogue_url"]),
        "lesson page": (learner["session"], plan["lesson_url"]),
        "lesson page (anonymous)": (None, plan["lesson_url"]),
        "quiz page during an attempt": (learner["session"], learner["attempt"]["page_url"]),
        "Ma formation": (learner["session"], plan["my_training_url"]),
        "certificate verification": (None, plan["verify_urls"][0]),
        "manager progress matrix": (plan["manager_session"], plan["matrix_url"]),
    }
    if plan["dashboard_url"]:
        gets["committee dashboard"] = (plan["committee_session"], plan["dashboard_url"])
    for name, (session, url) in gets.items():
        c = client(session)
        c.get(url)
        results[name] = count(c, "get", url)
        # Server time of one request with nothing else running in this process: what the
        # page costs, without the load's queueing.
        times = []
        for _ in range(9):
            started_at = time.perf_counter()
            c.get(url)
            times.append((time.perf_counter() - started_at) * 1000)
        results[name]["server_ms"] = statistics.median(times)
    attempt = learner["attempt"]
    question, keys = next(iter(attempt["questions"].items()))
    c = client(learner["session"])
    c.post(attempt["save_url"], {"question": question, f"q{question}": keys[0]})
    results["quiz answer save"] = count(
        c, "post", attempt["save_url"], data={"question": question, f"q{question}": keys[-1]}
    )
    c = client(spare["session"])
    pair = {"start_url": plan["submit_pairs"][0]["start_url"]}
    started = count(c, "post", pair["start_url"])
    response = c.post(pair["start_url"])  # resumes the open attempt: gives its URL
    results["quiz start"] = started
    results["quiz submit"] = count(c, "post", response["Location"], data={"action": "submit"})
    statement = json.loads(plan["xapi"]["statement"])
    statement["object"]["id"] = statement["object"]["id"].replace("127.0.0.1", "testserver")
    c = client(learner["session"])
    for _ in range(2):
        statement["id"] = str(__import__("uuid").uuid4())
        result = count(
            c,
            "post",
            plan["xapi"]["url"],
            data=json.dumps(statement),
            content_type="application/json",
        )
    results["xAPI statement intake"] = result
    if dashboard_timing and plan["dashboard_url"]:
        c = client(plan["committee_session"])
        times = []
        for _ in range(7):
            started_at = time.perf_counter()
            c.get(plan["dashboard_url"])
            times.append((time.perf_counter() - started_at) * 1000)
        results["committee dashboard"]["server_ms_median_of_7"] = statistics.median(times)
        results["committee dashboard"]["server_ms_all"] = [round(t, 1) for t in times]
        # The first request after a change of the facts computes the aggregates again
        # (certificates/register/summary.py): a write the triggers see, changing nothing.
        cold = []
        for _ in range(3):
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE people_institution SET region_id = region_id "
                    "WHERE id = (SELECT MIN(id) FROM people_institution)"
                )
            started_at = time.perf_counter()
            c.get(plan["dashboard_url"])
            cold.append((time.perf_counter() - started_at) * 1000)
        results["committee dashboard"]["server_ms_after_change"] = [round(t, 1) for t in cold]
    Path(out_path).write_text(json.dumps(results), encoding="utf-8")


# The hot endpoints profiled by `make bench-profile` (file name, endpoint).
PROFILED = {
    "ceiling": "ceiling",
    "lesson": "lesson page",
    "lesson-anon": "lesson page (anonymous)",
    "my-training": "Ma formation",
    "quiz-save": "quiz answer save",
    "quiz-page": "quiz page during an attempt",
    "xapi": "xAPI statement intake",
    "dashboard": "committee dashboard",
}


def profile(plan_path: str, out_dir: str, only: list[str]) -> None:
    """One request of each hot endpoint under pyinstrument (after three to warm the caches),
    written as text to OUT_DIR/<name>.txt: where the time of one request goes."""
    import uuid

    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    learner = next(e for e in plan["learners"] if "attempt" in e)
    attempt = learner["attempt"]
    question, keys = next(iter(attempt["questions"].items()))
    statement = json.loads(plan["xapi"]["statement"])

    # The intake accepts activities of its own host only: the test client's.
    statement["object"]["id"] = statement["object"]["id"].replace("127.0.0.1", "testserver")

    def xapi() -> dict:
        statement["id"] = str(uuid.uuid4())
        return {"data": json.dumps(statement), "content_type": "application/json"}

    requests = {
        "ceiling": (None, "get", plan["ceiling_url"], dict),
        "lesson page": (learner["session"], "get", plan["lesson_url"], dict),
        "lesson page (anonymous)": (None, "get", plan["lesson_url"], dict),
        "Ma formation": (learner["session"], "get", plan["my_training_url"], dict),
        "quiz answer save": (
            learner["session"],
            "post",
            attempt["save_url"],
            lambda: {"data": {"question": question, f"q{question}": random.choice(keys)}},
        ),
        "quiz page during an attempt": (learner["session"], "get", attempt["page_url"], dict),
        "xAPI statement intake": (learner["session"], "post", plan["xapi"]["url"], xapi),
        "committee dashboard": (plan["committee_session"], "get", plan["dashboard_url"], dict),
    }
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for filename, name in PROFILED.items():
        if only and filename not in only:
            continue
        session, method, url, kwargs = requests[name]
        if url is None:
            continue
        c = Client()
        if session:
            c.cookies["sessionid"] = session
        for _ in range(3):
            getattr(c, method)(url, **kwargs())
        arguments = kwargs()
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        response = getattr(c, method)(url, **arguments)
        profiler.stop()
        elapsed = (time.perf_counter() - started) * 1000
        header = (
            f"# {name}: {method.upper()} {url} -> HTTP {response.status_code}\n"
            f"# one request through Django's test client after three warm-up requests, "
            f"production settings, {plan['people']} people; {elapsed:.1f} ms under the "
            f"profiler (sampling every 0.5 ms inflates it). `make bench-profile` writes it.\n\n"
        )
        text = profiler.output_text(unicode=True, color=False, show_all=False, timeline=False)
        (folder / f"{filename}.txt").write_text(header + text, encoding="utf-8")
        print(f"{filename}: {elapsed:.1f} ms", flush=True)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "prepare":
        prepare(args[0], int(args[1]))
    elif command == "integrity":
        integrity(args[0], args[1:])
    elif command == "queries":
        queries(args[0], args[1], "--dashboard-timing" in args)
    elif command == "profile":
        profile(args[0], args[1], args[2:])
    else:
        raise SystemExit(__doc__)
