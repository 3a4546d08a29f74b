from django.db import migrations

REGIONS = [
    "District de Bamako", "Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao",
    "Kidal", "Taoudénit", "Ménaka", "Nioro du Sahel", "Kita", "Dioïla", "Nara", "Bougouni",
    "Koutiala", "San", "Douentza", "Bandiagara",
]


def seed_regions(apps, schema_editor):
    Region = apps.get_model("people", "Region")
    for name in REGIONS:
        Region.objects.get_or_create(name=name)


def unseed_regions(apps, schema_editor):
    apps.get_model("people", "Region").objects.filter(name__in=REGIONS).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed_regions, unseed_regions)]
