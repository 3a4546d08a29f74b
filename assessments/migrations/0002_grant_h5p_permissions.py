"""Editors upload H5P activities; administrators also see the libraries and approve them (the
approval itself is checked by role in assessments/h5p/permissions.py); managers and the
committee read the results, scoped by people.User.objects.visible_to."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
ADMINISTRATORS = "Administrateurs"
MANAGERS = "Gestionnaires"
COMMITTEE = "Comité national"

GRANTS = {
    EDITORS: ["add_h5pactivity", "change_h5pactivity", "view_h5pactivity", "view_h5plibrary"],
    ADMINISTRATORS: [
        "add_h5pactivity",
        "change_h5pactivity",
        "delete_h5pactivity",
        "view_h5pactivity",
        "view_h5plibrary",
        "view_xapistatement",
    ],
    MANAGERS: ["view_xapistatement"],
    COMMITTEE: ["view_xapistatement"],
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
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="assessments", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_add_h5p_packages"),
        ("people", "0003_create_role_groups"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
