"""Move the certificate PDFs and register exports out of the media folder into the private
storage, and rename the PDFs, which were named after their verification code
(`certificates/<CODE>.pdf`), to random names.

Row by row (not atomic): each file is copied, its row updated, then the old file deleted, so an
interrupted run leaves every row pointing at a file and can simply be run again. A file that is
missing (a database copied without its media) is left alone: its row is not changed. Reversing
moves the files back to the media folder, under their new names."""

import uuid

from django.core.files import File
from django.core.files.storage import storages
from django.db import migrations


def _private():
    from config.private_files import private_storage

    return private_storage()


def _move(source, target, old: str, new: str) -> str | None:
    """Copy `old` from `source` to `new` in `target`; None when it is missing."""
    if not source.exists(old):
        return None
    with source.open(old, "rb") as handle:
        saved = target.save(new, File(handle))
    return saved


def to_private(apps, schema_editor):
    public, private = storages["default"], _private()
    Certificate = apps.get_model("certificates", "Certificate")
    for pk, code, name in Certificate.objects.exclude(pdf="").values_list("pk", "code", "pdf"):
        new = f"certificates/{uuid.uuid4().hex}.pdf" if code in name else name
        if public.exists(name):
            source = public
        elif private.exists(name) and new != name:
            source = private  # moved by an earlier run of an older version: only renamed
        else:
            continue  # already private and random, or missing
        saved = _move(source, private, name, new)
        Certificate.objects.filter(pk=pk).update(pdf=saved)
        source.delete(name)
    RegisterExport = apps.get_model("certificates", "RegisterExport")
    for pk, name in RegisterExport.objects.exclude(file="").values_list("pk", "file"):
        if not public.exists(name):
            continue
        saved = _move(public, private, name, name)
        RegisterExport.objects.filter(pk=pk).update(file=saved)
        public.delete(name)


def to_public(apps, schema_editor):
    public, private = storages["default"], _private()
    for model, field in (("Certificate", "pdf"), ("RegisterExport", "file")):
        Model = apps.get_model("certificates", model)
        for pk, name in Model.objects.exclude(**{field: ""}).values_list("pk", field):
            saved = _move(private, public, name, name)
            if saved is None:
                continue
            Model.objects.filter(pk=pk).update(**{field: saved})
            private.delete(name)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("certificates", "0005_private_files")]
    operations = [migrations.RunPython(to_private, to_public)]
