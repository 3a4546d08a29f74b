"""Signals of the assessments app: documented extension points for the apps above it.

h5p_result_recorded
    Sent once, right after a new top-level H5P result (verb `completed` or `answered`, without
    `context.contextActivities.parent`) is stored for a learner in a lesson. Replayed statements,
    sub-question statements, statements without a lesson (staff previews) never send it.

    Keyword arguments:
      sender     `assessments.models.XAPIStatement`
      user       the learner (`people.User`), always the signed-in person, never the xAPI actor
      lesson     the lesson page (a `wagtail.models.Page`, the specific one when the intake
                 sends it) the result belongs to
      activity   the `assessments.models.H5PActivity`
      statement  the stored `XAPIStatement` (its `score_scaled` may be None)

    The lesson-completion rule plugs in here: a receiver calls
    `assessments.h5p.services.lesson_h5p_requirements_met(user=user, lesson=lesson)` and, when it
    is True (and the lesson's other requirements are met), completes the lesson. Connect it in the
    receiving app's `AppConfig.ready()`. H5P results are practice evidence: they may complete
    lessons, never alone earn a certificate.

scorm_result_recorded
    Sent after a commit of the SCORM runtime changed an attempt's status to completed or
    passed (the lesson-completion rule may now be met).

    Keyword arguments:
      sender     `assessments.models.ScormAttempt`
      user       the learner the runtime's token names
      lesson     the lesson page (`wagtail.models.Page`) the package is played in
      package    the `assessments.models.ScormPackage`
      attempt    the stored `ScormAttempt`

    Practice evidence, like H5P: it may complete lessons, never alone earn a certificate.
"""

from django.dispatch import Signal

h5p_result_recorded = Signal()
scorm_result_recorded = Signal()
