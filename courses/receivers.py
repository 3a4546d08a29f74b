"""Receivers of the courses app, connected in `CoursesConfig.ready()`."""

from people.signals import cohort_members_added


def give_newcomers_the_cohort_assignments(sender, cohort, users, **kwargs):
    from courses.assignments import give_cohort_assignments

    give_cohort_assignments(cohort=cohort, users=users)


def recompute_module_minutes(sender, instance, **kwargs):
    """A lesson saved, published, unpublished or deleted: its module's duration follows."""
    from courses.models import ModulePage

    if instance.path:
        ModulePage.recompute_minutes(instance.path[: -instance.steplen])


def recompute_module_minutes_after_move(
    sender, instance, parent_page_before, parent_page_after, **kwargs
):
    from courses.models import LessonPage, ModulePage

    if sender is LessonPage or isinstance(instance, LessonPage):
        for parent in {parent_page_before.path, parent_page_after.path}:
            ModulePage.recompute_minutes(parent)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_unpublished, post_page_move

    from courses.models import LessonPage

    for name, signal in [
        ("save", post_save),
        ("delete", post_delete),
        ("unpublish", page_unpublished),
    ]:
        signal.connect(
            recompute_module_minutes, sender=LessonPage, dispatch_uid=f"courses.minutes.{name}"
        )
    post_page_move.connect(
        recompute_module_minutes_after_move, dispatch_uid="courses.module_minutes.move"
    )
    cohort_members_added.connect(
        give_newcomers_the_cohort_assignments, dispatch_uid="courses.cohort_assignments"
    )
