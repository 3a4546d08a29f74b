"""Benchmark: the manager area on PostgreSQL — a 5,000-row roster import (dry run, then the
confirmed import, invitations excluded) and the progress matrix of a 300-person cohort on a
12-module course (queries and time per render).

    .venv/bin/python bench/manager.py

Uses its own database `bench_manager` on 127.0.0.1 (emptied first); tasks run eagerly; e-mail
goes nowhere. Writes nothing outside that database.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "bench_manager"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE}")
os.environ["CELERY_BROKER_URL"] = ""
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DATABASE}")


def main() -> None:
    _recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.test.utils import override_settings

    # No collectstatic here: serve static names as they are.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from courses import assignments
    from people.manager import importing
    from people.models import Cohort, RosterImport, RosterImportStatus
    from tests.factories import InstitutionFactory, course_with_lessons, manager_of, members_of

    school = InstitutionFactory(name="École nationale de police")
    manager = manager_of(school)

    rows = [
        {
            "full_name": f"Élève {i}",
            "email": f"eleve{i}@exemple.ml",
            "matricule": f"P-{i}",
            "profession": "policier",
            "sex": "F" if i % 2 else "M",
            "cohort": "Promotion 2026",
        }
        for i in range(5000)
    ]
    started = time.perf_counter()
    plans = importing.plan_rows(institution=school, rows=rows)
    dry_run = time.perf_counter() - started
    assert importing.summarise(plans)["create"] == 5000
    roster_import = RosterImport.objects.create(
        institution=school,
        uploaded_by=manager,
        file_name="bench.csv",
        rows=rows,
        status=RosterImportStatus.QUEUED,
    )
    started = time.perf_counter()
    importing.apply_import(roster_import=roster_import)
    applied = time.perf_counter() - started
    started = time.perf_counter()
    again = importing.summarise(importing.plan_rows(institution=school, rows=rows))
    second_dry_run = time.perf_counter() - started
    print(f"roster import, 5,000 rows: dry run {dry_run:.2f} s, import {applied:.2f} s")
    print(f"  re-import dry run {second_dry_run:.2f} s: {again['unchanged']} unchanged")

    course, _modules, lessons = course_with_lessons(modules=12, lessons=2)
    client = Client()
    client.force_login(manager)
    for size in (10, 300):
        cohort = Cohort.objects.create(institution=school, name=f"Bench {size}")
        people = members_of(school, size)
        cohort.members.add(*people)
        assignment = assignments.assign(
            assigned_by=manager,
            institution=school,
            course=course,
            cohort=cohort,
            due_on=timezone.localdate(),
        )
        url = reverse("manager_assignment", args=[assignment.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200
        print(
            f"progress matrix, {size} people x 12 modules: {len(queries)} queries, "
            f"{elapsed * 1000:.0f} ms, {len(response.content) // 1024} KB"
        )


if __name__ == "__main__":
    main()
