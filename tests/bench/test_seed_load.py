"""`manage.py seed_load`: the benchmark's population, written in bulk (COPY on PostgreSQL,
INSERT elsewhere), consistent, run once per size."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from assessments.models import Answer, Attempt
from certificates import loadgen
from certificates.models import Attendance, Certificate, TrainingSession
from courses.models import Assignment, Enrolment, EnrolmentStatus, LessonProgress
from people.models import Cohort, Institution, Membership, Region, User

pytestmark = pytest.mark.django_db

PEOPLE = 400


def _load(people: int, *extra: str) -> str:
    out = io.StringIO()
    call_command("seed_load", "--people", str(people), *extra, stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, int]:
    people = loadgen.load_people()
    return {
        "people": people.count(),
        "enrolments": Enrolment.objects.filter(user__in=people).count(),
        "progress": LessonProgress.objects.filter(user__in=people).count(),
        "attempts": Attempt.objects.filter(user__in=people).count(),
        "answers": Answer.objects.filter(attempt__user__in=people).count(),
        "certificates": Certificate.objects.filter(holder__in=people).count(),
        "attendances": Attendance.objects.filter(person__in=people).count(),
        "sessions": TrainingSession.objects.count(),
        "cohorts": Cohort.objects.count(),
        "assignments": Assignment.objects.count(),
    }


def test_seed_load_builds_a_consistent_national_population_once(django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    _load(PEOPLE)

    learners = loadgen.load_people().filter(email__startswith="personne")
    assert learners.count() == PEOPLE
    # Institutions and in-person sessions in every active region.
    regions = set(Region.objects.filter(is_active=True).values_list("pk", flat=True))
    assert (
        set(
            Institution.objects.filter(memberships__user__in=learners).values_list(
                "region", flat=True
            )
        )
        == regions
    )
    assert set(TrainingSession.objects.values_list("region", flat=True)) == regions
    assert set(learners.values_list("sex", flat=True)) == {"F", "M"}
    assert len(set(learners.values_list("profession", flat=True))) >= 8
    # Every learner is an active member of one institution; each institution has a manager.
    assert Membership.objects.filter(user__in=learners, status="active").count() == PEOPLE
    assert (
        not Institution.objects.filter(memberships__user__in=learners)
        .exclude(memberships__role="manager")
        .exists()
    )

    enrolments = Enrolment.objects.filter(user__in=learners)
    statuses = set(enrolments.values_list("status", flat=True))
    assert {EnrolmentStatus.COMPLETED, EnrolmentStatus.IN_PROGRESS} <= statuses
    years = {d.year for d in enrolments.values_list("enrolled_at", flat=True)}
    assert {2023, 2024, 2025} <= years
    # About ten lesson-progress rows per person, each on a lesson of an enrolled course.
    progress = LessonProgress.objects.filter(user__in=learners)
    assert 6 * PEOPLE <= progress.count() <= 16 * PEOPLE
    assert (
        not progress.exclude(started_at__lte=F("completed_at"))
        .filter(completed_at__isnull=False)
        .exists()
    )

    # One certificate per completed enrolment, for its holder; attendance certificates are
    # manual; some expired, revoked, superseded.
    online = Certificate.objects.filter(enrolment__isnull=False, holder__in=learners)
    assert online.count() == enrolments.filter(status=EnrolmentStatus.COMPLETED).count()
    assert not online.exclude(holder=F("enrolment__user")).exists()
    manual = Certificate.objects.filter(enrolment__isnull=True, holder__in=learners)
    assert (
        manual.count()
        == Attendance.objects.filter(person__in=learners, certificate__isnull=False).count()
        > 0
    )
    assert online.filter(valid_until__lt=today).exists()
    assert online.filter(valid_until__gte=today).exists()
    assert Certificate.objects.filter(holder__in=learners, revoked_at__isnull=False).exists()
    superseded = Certificate.objects.filter(superseded_by__isnull=False, holder__in=learners)
    assert superseded.exists()
    assert not superseded.exclude(superseded_by__holder=F("holder")).exists()
    assert (
        len(set(Certificate.objects.values_list("code", flat=True))) == Certificate.objects.count()
    )

    # Passed module assessments with graded answers; attempts numbered from 1.
    attempts = Attempt.objects.filter(user__in=learners)
    assert attempts.filter(passed=True).exists() and attempts.filter(passed=False).exists()
    assert Answer.objects.filter(attempt__in=attempts).count() >= attempts.count()
    assert set(attempts.values_list("attempt_number", flat=True)) == {1, 2}
    assert Assignment.objects.filter(cohort__members__in=learners).exists()

    # Dated from 2023 to today, never in the future.
    first, now = dt.datetime(2023, 1, 1, tzinfo=dt.UTC), timezone.now()
    for model, field, owner in [
        (Enrolment, "enrolled_at", "user"),
        (LessonProgress, "completed_at", "user"),
        (Attempt, "submitted_at", "user"),
    ]:
        values = model.objects.filter(**{f"{owner}__in": learners}).exclude(**{field: None})
        assert not values.filter(**{f"{field}__lt": first}).exists()
        assert not values.filter(**{f"{field}__gt": now}).exists()
    assert not Certificate.objects.filter(holder__in=learners, issued_on__gt=today).exists()

    # The database's sequences follow the ids given by the load: the ORM creates rows after it.
    User.objects.create_user(email="apres.la.charge@exemple.ml", password=None)
    Enrolment.objects.create(
        user=User.objects.get(email="apres.la.charge@exemple.ml"),
        course=enrolments.first().course,
    )

    # Again with the same size: nothing changes.
    before = _snapshot()
    assert "nothing to do" in _load(PEOPLE)
    assert _snapshot() == before
    # Another size needs --reset, which replaces the load data.
    with pytest.raises(CommandError, match="--reset"):
        _load(PEOPLE // 2)
    assert _snapshot() == before
    _load(PEOPLE // 2, "--reset")
    after = _snapshot()
    assert learners.count() == PEOPLE // 2
    assert 0 < after["progress"] < before["progress"]
    # The sessions of the first load went with it; the second has its own.
    assert TrainingSession.objects.filter(trainers__startswith=loadgen.SESSION_MARK).count() == len(
        regions
    )
    assert (
        not Certificate.objects.filter(holder__in=learners, enrolment__user__isnull=False)
        .exclude(enrolment__user__in=learners)
        .exists()
    )


def test_seed_load_runs_seed_demo_when_the_catalogue_is_missing():
    _load(30)
    assert loadgen.catalogue()
    assert loadgen.load_people().filter(email__startswith="personne").count() == 30
