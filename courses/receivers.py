"""Receivers of the courses app, connected in `CoursesConfig.ready()`."""

from people.signals import cohort_member_added


def give_newcomer_the_cohort_assignments(sender, cohort, user, **kwargs):
    from courses.assignments import give_cohort_assignments

    give_cohort_assignments(cohort=cohort, user=user)


def connect() -> None:
    cohort_member_added.connect(
        give_newcomer_the_cohort_assignments, dispatch_uid="courses.cohort_assignments"
    )
