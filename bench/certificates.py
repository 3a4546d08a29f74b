"""Benchmark: issue and render N certificates (default 1,000) through a real Celery worker.

    make bench-certificates            # or: .venv/bin/python bench/certificates.py --count 1000

Runs against PostgreSQL and Redis on 127.0.0.1 (its own database `bench_certificates` and Redis
database 13, both emptied first), starts `celery worker` as a separate process (prefork, one
process per core), issues the certificates of N completed enrolments through the service the
`course_completed` receiver calls, and waits until every PDF is rendered. Prints certificates per
second, PDF size and writes nothing outside its database, Redis database and a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "bench_certificates"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE}")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("CELERY_RESULT_BACKEND", "")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("EMAIL_URL", "dummymail://")
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-certificates-"))
os.environ.setdefault(
    "DJANGO_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-certificates-private-")
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DATABASE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    _recreate_database()
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "-n", "13", "flushdb"],
        check=True,
        capture_output=True,
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.db import connection
    from django.utils import timezone

    from certificates.models import Certificate
    from certificates.services import issue_certificate
    from courses.models import Enrolment, EnrolmentStatus
    from people.models import Membership, User
    from tests.factories import CoursePageFactory, InstitutionFactory

    course = CoursePageFactory(
        title="La loi n° 2012-023 relative à la lutte contre la traite des personnes",
        estimated_hours=6,
        certificate_validity_months=24,
    )
    institution = InstitutionFactory(name="Tribunal de grande instance de la Commune III")
    users = User.objects.bulk_create(
        User(
            email=f"magistrat{i}@justice.ml",
            full_name=f"Magistrat n° {i} Traoré",
            matricule=f"MAG-{i:05d}",
        )
        for i in range(args.count)
    )
    Membership.objects.bulk_create(Membership(user=u, institution=institution) for u in users)
    now = timezone.now()
    Enrolment.objects.bulk_create(
        Enrolment(user=u, course=course, status=EnrolmentStatus.COMPLETED, completed_at=now)
        for u in users
    )
    enrolments = list(Enrolment.objects.select_related("user", "course"))
    connection.close()

    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={args.concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    try:
        time.sleep(4)  # worker start-up is not what we measure
        started = time.perf_counter()
        for enrolment in enrolments:
            issue_certificate(enrolment=enrolment)
        issued = time.perf_counter()
        while True:
            left = Certificate.objects.filter(pdf_sha256="").count()
            if not left:
                break
            if worker.poll() is not None:
                raise SystemExit("the worker stopped")
            time.sleep(0.2)
        finished = time.perf_counter()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)

    sizes = [c.pdf.size for c in Certificate.objects.all()]
    total = finished - started
    lines = [
        f"certificates: {len(sizes)} (one per enrolment: {len(sizes) == args.count})",
        f"worker: celery prefork, concurrency {args.concurrency}, on {os.cpu_count()} cores",
        f"issue (service, enqueue): {issued - started:.1f} s",
        f"issue + render, end to end: {total:.1f} s -> {len(sizes) / total:.1f} certificates/s",
        f"PDF size: median {statistics.median(sizes) / 1024:.1f} KB,"
        f" max {max(sizes) / 1024:.1f} KB",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
