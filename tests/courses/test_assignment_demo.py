import pytest
from django.core.management import call_command

from courses.models import Assignment, Enrolment
from people.models import Cohort, User

pytestmark = pytest.mark.django_db


def test_demo_has_a_cohort_with_an_assigned_module_once():
    for _ in range(2):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cohort = Cohort.objects.get(
        name="Promotion 2026", institution__name="École nationale de police"
    )
    learner = User.objects.get(email__startswith="aminata.traore@")
    assert list(cohort.members.all()) == [learner]
    assignment = Assignment.objects.get(cohort=cohort)
    assert assignment.module is not None
    assert assignment.assigned_by.email.startswith("gestionnaire@")
    assert Enrolment.objects.filter(user=learner, course=assignment.course).count() == 1
