"""Replace Wagtail's placeholder page by our home page, in French and in English."""

import uuid

from django.db import migrations

TITLES = {
    "fr": ("Formation judiciaire contre la traite des personnes",
           "Cours de recyclage sur la loi n° 2012-023 et l'enquête centrée sur la victime, "
           "pour les magistrats, les officiers de police judiciaire, les gendarmes et leurs partenaires."),
    "en": ("Judicial training against trafficking in persons",
           "Refresher courses on Law No. 2012-023 and victim-centred investigation, for "
           "magistrates, judicial police officers, gendarmes and their partners."),
}


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("courses.HomePage")

    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, depth=2, slug="home").delete()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="courses")
    root = Page.objects.get(depth=1)

    translation_key = uuid.uuid4()
    pages = {}
    for position, code in enumerate(["fr", "en"], start=1):
        locale, _ = Locale.objects.get_or_create(language_code=code)
        title, intro = TITLES[code]
        pages[code] = HomePage.objects.create(
            title=title,
            draft_title=title,
            slug="accueil" if code == "fr" else "home",
            intro=intro,
            content_type=home_type,
            path=f"{root.path}{position:04d}",
            depth=2,
            numchild=0,
            url_path="/accueil/" if code == "fr" else "/home/",
            live=True,
            locale=locale,
            translation_key=translation_key,
        )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": pages["fr"],
                  "site_name": TITLES["fr"][0]},
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("courses.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
