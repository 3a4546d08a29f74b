from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from courses import localize, receivers

        receivers.connect()
        localize.install()
