"""Signals of the courses app: documented extension points for the apps above it.

`course_completed(sender=Enrolment, enrolment=<Enrolment>)`
    Sent exactly once per enrolment, after the transaction that completed the course has
    committed (so receivers that enqueue tasks see the committed rows). The certificates app
    receives it to issue the certificate.

`lesson_completed(sender=LessonProgress, progress=<LessonProgress>)`
    Sent after commit when a lesson becomes complete for a learner (once per learner and lesson).
"""

from django.dispatch import Signal

course_completed = Signal()
lesson_completed = Signal()
