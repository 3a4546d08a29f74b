from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments import receivers
        from assessments.h5p.services import lesson_h5p_requirements_met
        from assessments.quizzes.services import (
            best_passed_scores,
            lesson_quizzes_passed,
            module_assessment_states,
            modules_with_passed_assessment,
        )
        from assessments.scorm.services import lesson_scorm_requirements_met
        from assessments.signals import h5p_result_recorded, scorm_result_recorded
        from courses import completion, outcomes, reports

        completion.register_activity_rule(
            "h5p_activity",
            lambda user, lesson: lesson_h5p_requirements_met(user=user, lesson=lesson),
        )
        completion.register_activity_rule(
            "scorm_module",
            lambda user, lesson: lesson_scorm_requirements_met(user=user, lesson=lesson),
        )
        # A lesson with a quiz block is completed once its quizzes are passed; a module with an
        # assessment once its lessons are done and the assessment passed.
        completion.register_activity_rule("quiz", lesson_quizzes_passed)
        completion.register_module_rule("assessment", modules_with_passed_assessment)
        # The learner's pages of courses show each module's assessment and where they stand.
        outcomes.register_module_assessments(module_assessment_states)
        # The managers' progress report shows the score of a passed module assessment.
        reports.register_score_provider(best_passed_scores)
        h5p_result_recorded.connect(
            receivers.complete_lesson_on_h5p_result, dispatch_uid="complete_lesson_on_h5p"
        )
        scorm_result_recorded.connect(
            receivers.complete_lesson_on_scorm_result, dispatch_uid="complete_lesson_on_scorm"
        )
