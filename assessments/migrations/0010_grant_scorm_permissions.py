"""Editors upload SCORM packages; administrators may also delete them; managers, the committee
and administrators read the learners' attempts, scoped by people.access."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Rédacteurs": ["add_scormpackage", "change_scormpackage", "view_scormpackage"],
    "Administrateurs": [
        "add_scormpackage",
        "change_scormpackage",
        "delete_scormpackage",
        "view_scormpackage",
        "view_scormattempt",
    ],
    "Gestionnaires": ["view_scormattempt"],
    "Comité national": ["view_scormattempt"],
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
            *Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="assessments", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_add_scorm_packages"),
        ("people", "0006_french_names_of_wagtail_groups_and_workflow"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
