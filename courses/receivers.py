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


def content_changed(sender, **kwargs):
    """Published content may have changed: the shared cache of pages (`courses.cache`) starts
    again. Raised at once, and again once the transaction commits (a page's descendants get
    their new URL after its own row is saved; a request in between may have cached the old)."""
    from django.db import transaction

    from courses.cache import bump_content_version

    bump_content_version()
    transaction.on_commit(bump_content_version)


def _content_models() -> list:
    from django.apps import apps
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    pages = [model for model in apps.get_models() if issubclass(model, Page)]
    return [*pages, Site, Locale, PageViewRestriction, get_image_model(), get_document_model()]


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from courses.models import LessonPage

    for model in _content_models():
        label = model._meta.label_lower
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content.save.{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content.del.{label}")
    m2m_changed.connect(
        content_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="content.restriction_groups",
    )
    page_published.connect(content_changed, dispatch_uid="content.publish")
    page_unpublished.connect(content_changed, dispatch_uid="content.unpublish")
    post_page_move.connect(content_changed, dispatch_uid="content.move")

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
