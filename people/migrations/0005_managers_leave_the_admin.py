"""Managers work in the manager area: the « Gestionnaires » group no longer opens the Wagtail
admin (a manager who also edits content gets it from the Editors group)."""

from django.db import migrations

MANAGERS = "Gestionnaires"


def _admin_access(apps, change: str):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MANAGERS).first()
    if group is not None:
        permissions = Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        getattr(group.permissions, change)(*permissions)


def withdraw_admin_access(apps, schema_editor):
    _admin_access(apps, "remove")


def restore_admin_access(apps, schema_editor):
    _admin_access(apps, "add")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_add_roster_import"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(withdraw_admin_access, restore_admin_access)]
