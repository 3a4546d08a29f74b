"""Roles beyond an institution, as groups with permissions (names in people/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMITTEE = "Comité national"
MANAGERS = "Gestionnaires"
ADMINISTRATORS = "Administrateurs"

PEOPLE_MODELS = ["user", "region", "institution", "cohort", "membership"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(codenames, app_label):
        return list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )

    access_admin = perms(["access_admin"], "wagtailadmin")

    committee, _ = Group.objects.get_or_create(name=COMMITTEE)
    committee.permissions.add(*perms([f"view_{m}" for m in PEOPLE_MODELS], "people"))

    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    managers.permissions.add(*access_admin)

    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.add(
        *access_admin,
        *perms(
            [f"{action}_{m}" for m in PEOPLE_MODELS for action in ("add", "change", "delete", "view")],
            "people",
        ),
        *perms(["add_user", "change_user", "delete_user", "view_user"], "people"),
        *list(Permission.objects.filter(content_type__app_label="auth", codename__endswith="_group")),
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[COMMITTEE, MANAGERS, ADMINISTRATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_seed_regions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
