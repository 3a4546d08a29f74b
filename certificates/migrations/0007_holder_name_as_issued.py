"""The holder's name as issued, stored on the certificate.

Existing rows take their holder's current full name. A holder without one keeps an empty name
(never the e-mail address): the page and the PDF then say « nom non renseigné », and the name is
recorded when the holder gives it (certificates.services.record_holder_names). Those rows' PDFs
printed the e-mail address in the name's place: their render time is cleared, so the periodic
sweep renders them again (certificates.tasks.sweep_missing_pdfs_task)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Trim


def fill_holder_names(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    User = apps.get_model("people", "User")
    names = User.objects.filter(pk=OuterRef("holder_id")).annotate(name=Trim("full_name"))
    Certificate.objects.update(holder_name=Subquery(names.values("name")[:1]))
    Certificate.objects.filter(holder_name="", revoked_at__isnull=True).exclude(pdf="").update(
        pdf_rendered_at=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0006_move_private_files"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="holder_name",
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name="holder's name as issued"
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="name_corrected_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="holder's name corrected at"
            ),
        ),
        migrations.RunPython(fill_holder_names, migrations.RunPython.noop, elidable=True),
    ]
