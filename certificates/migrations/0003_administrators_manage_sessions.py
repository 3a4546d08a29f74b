"""The Administrateurs group records in-person sessions and their attendance lists (the group
is created by people/0003; superusers need no permission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administrateurs"
MODELS = ["trainingsession", "attendance"]
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _created = Group.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="certificates",
            codename__in=[f"{action}_{model}" for model in MODELS for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ADMINISTRATORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="certificates",
                codename__in=[f"{action}_{model}" for model in MODELS for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_add_sessions_and_register_exports"),
        ("people", "0003_create_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
