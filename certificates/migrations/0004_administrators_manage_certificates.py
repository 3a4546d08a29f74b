"""The Administrateurs group issues certificates by hand, revokes them and sees the list
(no delete: certificates are official, append-only records)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administrateurs"
CODENAMES = ["add_certificate", "change_certificate", "view_certificate"]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="certificates", codename__in=CODENAMES)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    administrators, _created = Group.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=ADMINISTRATORS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_administrators_manage_sessions")]
    operations = [migrations.RunPython(grant, revoke)]
