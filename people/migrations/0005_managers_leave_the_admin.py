"""Managers work in the manager area: the « Gestionnaires » group no longer opens the Wagtail
admin (a manager who also edits content gets it from the Editors group)."""

from django.db import migrations

MANAGERS = "Gestionnaires"


def withdraw_admin_access(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MANAGERS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )


def restore_admin_access(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MANAGERS).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_add_roster_import"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(withdraw_admin_access, restore_admin_access)]
