"""The register's version token and the triggers that change it (see RegisterVersion)."""

from django.db import migrations, models

# table -> the columns whose change moves a figure (None: every column).
WATCHED = {
    "certificates_certificate": None,
    "certificates_attendance": None,
    "certificates_trainingsession": ["course_id", "ends_on"],
    "people_membership": None,
    "people_institution": ["region_id"],
    "people_user": ["profession", "sex"],
}
VERSION = "certificates_registerversion"


def _postgresql(table: str, columns) -> list[str]:
    update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    delete = "DELETE" if columns else "DELETE OR TRUNCATE"
    insert = "INSERT OR " if table != "people_user" else ""
    return [
        f"DROP TRIGGER IF EXISTS register_version ON {table}",
        # One new token per statement, however many rows it wrote (bulk loads, COPY).
        f"CREATE TRIGGER register_version AFTER {insert}{update} OR {delete} ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION register_new_version()",
    ]


def _sqlite(table: str, columns) -> list[str]:
    statements = []
    events = {
        "update": f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE",
        "delete": "DELETE",
    }
    if table != "people_user":
        events["insert"] = "INSERT"
    for name, event in events.items():
        statements += [
            f"DROP TRIGGER IF EXISTS register_version_{table}_{name}",
            f"CREATE TRIGGER register_version_{table}_{name} AFTER {event} ON {table} "
            f"BEGIN UPDATE {VERSION} SET token = lower(hex(randomblob(16))) WHERE id = 1; END",
        ]
    return statements


def add_triggers(apps, schema_editor):
    apps.get_model("certificates", "RegisterVersion").objects.create(pk=1, token="initial")
    vendor = schema_editor.connection.vendor
    statements = []
    if vendor == "postgresql":
        statements.append(
            "CREATE OR REPLACE FUNCTION register_new_version() RETURNS trigger AS $$ BEGIN "
            f"UPDATE {VERSION} SET token = md5(random()::text || clock_timestamp()::text) "
            "WHERE id = 1; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for table, columns in WATCHED.items():
            statements += _postgresql(table, columns)
    elif vendor == "sqlite":
        for table, columns in WATCHED.items():
            statements += _sqlite(table, columns)
    for statement in statements:
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in WATCHED:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS register_version ON {table}")
        elif vendor == "sqlite":
            for name in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS register_version_{table}_{name}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS register_new_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0007_holder_name_as_issued"),
        ("people", "0006_french_names_of_wagtail_groups_and_workflow"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "register version",
                "verbose_name_plural": "register versions",
            },
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
