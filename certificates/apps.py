from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from certificates.receivers import issue_on_course_completed
        from courses.signals import course_completed

        course_completed.connect(
            issue_on_course_completed, dispatch_uid="certificates.issue_on_course_completed"
        )
        # The course pages and « Ma formation » link a completed course to its certificate.
        from certificates.outcomes import current_certificates
        from courses import outcomes

        outcomes.register_certificates(current_certificates)

        from django.conf import settings
        from django.db.models.signals import post_init, post_save

        from certificates.receivers import issue_when_name_given, remember_loaded_name

        post_init.connect(
            remember_loaded_name,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="certificates.remember_loaded_name",
        )
        post_save.connect(
            issue_when_name_given,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="certificates.issue_when_name_given",
        )
