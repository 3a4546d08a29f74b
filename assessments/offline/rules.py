"""Whether a learner may still act in a course: shared by the download and the sync."""

from __future__ import annotations

from django.utils.translation import gettext as _

from courses import progress
from courses import services as course_services
from courses.models import CoursePage, Enrolment, EnrolmentStatus, ModulePage


class OfflineRefused(Exception):
    """Refused; `message` is for the learner (shown on the phone)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def active_enrolment(*, user, course: CoursePage | None) -> Enrolment:
    if course is None:
        raise OfflineRefused(_("This page is not part of a course."))
    enrolment = Enrolment.objects.filter(
        user=user, course=course_services.canonical(course)
    ).first()
    if enrolment is None:
        raise OfflineRefused(_("Enrol in the course first."))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise OfflineRefused(
            _("You have withdrawn from this course: what you did offline was not recorded.")
        )
    return enrolment


def check_module_open(*, user, module: ModulePage) -> CoursePage:
    """The module's course, once the learner is enrolled in it and the module is not locked."""
    course = course_services.course_of(module)
    active_enrolment(user=user, course=course)
    if course.modules_in_order:
        modules = list(ModulePage.objects.outline_of(course))
        locked = progress.locked_module_keys(
            course, modules, progress.completed_module_keys(user, modules)
        )
        blocking = locked.get(module.translation_key)
        if blocking is not None:
            raise OfflineRefused(
                _("This module is locked: finish the module “%(module)s” first.")
                % {"module": blocking.title}
            )
    return course
