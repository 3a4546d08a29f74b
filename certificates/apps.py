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
