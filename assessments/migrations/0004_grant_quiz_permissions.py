"""Editors write question banks, questions, case scenarios and quizzes and read the item
statistics; administrators may also delete them; learners' attempts are read by administrators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
ADMINISTRATORS = "Administrateurs"

GRANTS = {
    EDITORS: [
        "add_questionbank",
        "change_questionbank",
        "view_questionbank",
        "add_question",
        "change_question",
        "view_question",
        "add_casescenario",
        "change_casescenario",
        "view_casescenario",
        "add_quiz",
        "change_quiz",
        "view_quiz",
    ],
    ADMINISTRATORS: [
        "add_questionbank",
        "change_questionbank",
        "delete_questionbank",
        "view_questionbank",
        "add_question",
        "change_question",
        "delete_question",
        "view_question",
        "add_casescenario",
        "change_casescenario",
        "delete_casescenario",
        "view_casescenario",
        "add_quiz",
        "change_quiz",
        "delete_quiz",
        "view_quiz",
        "view_attempt",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="assessments", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="assessments", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_add_quizzes"),
        ("people", "0003_create_role_groups"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
