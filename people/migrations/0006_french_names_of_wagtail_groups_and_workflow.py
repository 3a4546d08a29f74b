"""Wagtail's migrations create the groups « Editors » and « Moderators », the workflow and task
« Moderators approval » and the tree's « Root » page in English; the admin shows these names as
they are (« Soumettre à Moderators approval »). They get French names here, after every
migration that looks the groups up by their English names (Wagtail's, wagtail-localize's and
ours): a later migration must use people.roles' names, never the English ones."""

from django.db import migrations

GROUPS = {"Editors": "Rédacteurs", "Moderators": "Modérateurs"}
APPROVAL = {"Moderators approval": "Validation par les modérateurs"}
ROOT = {"Root": "Racine"}


def rename(apps, reverse: bool = False) -> None:
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Page = apps.get_model("wagtailcore", "Page")
    pairs = {
        Group: ("name", GROUPS),
        Workflow: ("name", APPROVAL),
        Task: ("name", APPROVAL),
    }
    for model, (field, mapping) in pairs.items():
        for old, new in mapping.items():
            if reverse:
                old, new = new, old
            if not model.objects.filter(**{field: new}).exists():
                model.objects.filter(**{field: old}).update(**{field: new})
    for old, new in ROOT.items():
        if reverse:
            old, new = new, old
        Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)


def to_french(apps, schema_editor):
    rename(apps)


def to_english(apps, schema_editor):
    rename(apps, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_managers_leave_the_admin"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtailimages", "0001_squashed_0021"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
        ("assessments", "0002_grant_h5p_permissions"),
        ("assessments", "0004_grant_quiz_permissions"),
    ]
    operations = [migrations.RunPython(to_french, to_english)]
