from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = _("People and institutions")

    def ready(self):
        # The deployment checks of the whole site (`manage.py check --deploy`).
        import config.checks  # noqa: F401
