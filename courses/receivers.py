"""Receivers of the courses app, connected in `CoursesConfig.ready()`."""

from people.signals import cohort_members_added


def give_newcomers_the_cohort_assignments(sender, cohort, users, **kwargs):
    from courses.assignments import give_cohort_assignments

    give_cohort_assignments(cohort=cohort, users=users)


def connect() -> None:
    cohort_members_added.connect(
        give_newcomers_the_cohort_assignments, dispatch_uid="courses.cohort_assignments"
    )
