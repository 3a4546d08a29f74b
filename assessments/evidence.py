"""Does a course's completion rest on evidence graded on the server?

H5P activities grade in the learner's browser: any script in the player's frame can forge a
result. They may complete lessons, never alone earn a certificate. The rule, decided in issue 15:
a course that H5P activities help complete (at least one H5P activity that counts for
completion) must also hold at least one quiz graded on the server (a module's assessment or a
quiz block in a lesson). Without one, the course still completes, but **no certificate is
issued**; the editor is told so in the admin. Courses without H5P activities are not concerned.

SCORM modules (issue 21) report their status and score from the browser too: a SCORM module that
counts for completion weighs exactly as an H5P activity does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CourseEvidence:
    counting_h5p_activities: int
    server_graded_quizzes: int
    counting_scorm_modules: int = 0

    @property
    def earns_certificate(self) -> bool:
        browser_graded = self.counting_h5p_activities + self.counting_scorm_modules
        return not browser_graded or self.server_graded_quizzes > 0

    def warning(self) -> str:
        """What the editor should be told, or "" when the course may earn certificates."""
        if self.earns_certificate:
            return ""
        if self.counting_scorm_modules:
            return _(
                "This course will not issue certificates: SCORM modules or H5P activities count "
                "toward completing it but it holds no quiz graded on the server. Their scores are "
                "computed in the learner's browser and can be forged. Add a quiz (a module's "
                "assessment or a quiz block in a lesson) for its completion to earn a certificate."
            )
        return _(
            "This course will not issue certificates: H5P activities count toward completing it "
            "but it holds no quiz graded on the server. H5P scores are computed in the learner's "
            "browser and can be forged. Add a quiz (a module's assessment or a quiz block in a "
            "lesson) for its completion to earn a certificate."
        )


def course_evidence(course) -> CourseEvidence:
    """Count, in the published lessons and modules of `course` (in its own language), the H5P
    activities that count for completion and, when there are some, the quizzes graded on the
    server (a course without H5P or SCORM needs no count: one query)."""
    from assessments.h5p.services import lesson_h5p_activities
    from assessments.models import Quiz
    from assessments.quizzes.services import lesson_quizzes
    from assessments.scorm.services import lesson_scorm_modules
    from courses.models import LessonPage, ModulePage

    lessons = LessonPage.objects.live().descendant_of(course)
    h5p = scorm = 0
    for lesson in lessons.filter(
        Q(body__icontains="h5p_activity") | Q(body__icontains="scorm_module")
    ):
        h5p += sum(placed.counts_for_completion for placed in lesson_h5p_activities(lesson))
        scorm += sum(placed.counts_for_completion for placed in lesson_scorm_modules(lesson))
    if not h5p and not scorm:
        return CourseEvidence(counting_h5p_activities=0, server_graded_quizzes=0)
    quizzes = sum(len(lesson_quizzes(lesson)) for lesson in lessons.filter(body__icontains="quiz"))
    modules = ModulePage.objects.live().child_of(course).values("translation_key")
    quizzes += Quiz.objects.originals().filter(module__translation_key__in=modules).count()
    return CourseEvidence(
        counting_h5p_activities=h5p, server_graded_quizzes=quizzes, counting_scorm_modules=scorm
    )
