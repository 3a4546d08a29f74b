"""The register's token follows the names the dashboard shows too: an institution renamed, a
region added, renamed or removed (the dashboard's rendered page is kept under the token:
certificates/register/summary.py). Same triggers as 0008, on more columns and one more table."""

from django.db import migrations

# table -> the columns whose change moves what the dashboard shows (None: every column).
WATCHED = {
    "people_institution": ["region_id", "name"],
    "people_region": None,
}
BEFORE = {"people_institution": ["region_id"]}
VERSION = "certificates_registerversion"


def _postgresql(table: str, columns) -> list[str]:
    update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    delete = "DELETE" if columns else "DELETE OR TRUNCATE"
    return [
        f"DROP TRIGGER IF EXISTS register_version ON {table}",
        f"CREATE TRIGGER register_version AFTER INSERT OR {update} OR {delete} ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION register_new_version()",
    ]


def _sqlite(table: str, columns) -> list[str]:
    statements = []
    events = {
        "update": f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE",
        "delete": "DELETE",
        "insert": "INSERT",
    }
    for name, event in events.items():
        statements += [
            f"DROP TRIGGER IF EXISTS register_version_{table}_{name}",
            f"CREATE TRIGGER register_version_{table}_{name} AFTER {event} ON {table} "
            f"BEGIN UPDATE {VERSION} SET token = lower(hex(randomblob(16))) WHERE id = 1; END",
        ]
    return statements


def _apply(schema_editor, watched: dict) -> None:
    vendor = schema_editor.connection.vendor
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if build is None:
        return
    for table, columns in watched.items():
        for statement in build(table, columns):
            schema_editor.execute(statement)


def follow_names(apps, schema_editor):
    _apply(schema_editor, WATCHED)


def back_to_0008(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS register_version ON people_region")
    elif vendor == "sqlite":
        for name in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS register_version_people_region_{name}")
    _apply(schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0008_register_version")]

    operations = [migrations.RunPython(follow_names, back_to_0008)]
