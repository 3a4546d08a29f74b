"""Receivers of the assessments app, connected in `AssessmentsConfig.ready()`."""

from contextlib import suppress

from courses import services as course_services


def complete_lesson_on_h5p_result(sender, *, user, lesson, activity, statement, **kwargs):
    """An H5P result may complete the lesson (practice evidence: never a certificate alone)."""
    # Not enrolled, or the lesson is locked: the result stays recorded, nothing completes.
    with suppress(course_services.ProgressRefused):
        course_services.evaluate_lesson(user=user, lesson=lesson.specific)


def complete_lesson_on_scorm_result(sender, *, user, lesson, package, attempt, **kwargs):
    """A SCORM attempt completed or passed may complete the lesson (practice evidence)."""
    with suppress(course_services.ProgressRefused):
        course_services.evaluate_lesson(user=user, lesson=lesson.specific)
