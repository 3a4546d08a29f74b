"""Factories for the whole test suite (never define factories inside test modules)."""

import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from people.choices import InstitutionKind, MembershipRole, MembershipStatus, Profession
from people.models import Cohort, Institution, Membership, Region, User

PASSWORD = "Motdepasse-solide-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.ml")
    full_name = factory.Faker("name", locale="fr_FR")
    profession = Profession.POLICE_OFFICER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # allauth requires a verified address to sign in; pass verified=False to skip it.
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "District de Bamako"


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = InstitutionKind.POLICE_SCHOOL
    region = factory.SubFactory(RegionFactory)
    appeal_jurisdiction = "bamako"


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Promotion {2000 + n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = MembershipRole.LEARNER
    status = MembershipStatus.ACTIVE


# --- Course pages (issue 3) ----------------------------------------------------------------


def _french_home():
    from courses.models import HomePage

    return HomePage.objects.get(locale__language_code="fr")


class _PageFactory(DjangoModelFactory):
    """Creates a published page under `parent` (a page instance)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))

    @classmethod
    def _create(cls, model_class, *args, parent, **kwargs):
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page


class CourseIndexPageFactory(_PageFactory):
    class Meta:
        model = "courses.CourseIndexPage"

    title = "Catalogue des cours"
    slug = "cours"
    intro = "Les cours de recyclage."
    parent = factory.LazyFunction(_french_home)


def _french_catalogue():
    from courses.models import CourseIndexPage

    return (
        CourseIndexPage.objects.filter(locale__language_code="fr").first()
        or CourseIndexPageFactory()
    )


class CoursePageFactory(_PageFactory):
    class Meta:
        model = "courses.CoursePage"

    title = factory.Sequence(lambda n: f"Cours de recyclage {n}")
    code = factory.Sequence(lambda n: f"TIP-{n:03d}")
    summary = "Un cours sur la traite des personnes."
    audience = factory.LazyFunction(lambda: [Profession.JUDGE, Profession.PROSECUTOR])
    estimated_hours = 2
    learning_objectives = "<ul><li>Qualifier les faits de traite.</li></ul>"
    parent = factory.LazyFunction(_french_catalogue)


class ModulePageFactory(_PageFactory):
    class Meta:
        model = "courses.ModulePage"

    title = factory.Sequence(lambda n: f"Module {n}")
    objectives = "<p>Connaître la loi.</p>"
    estimated_minutes = 45
    parent = factory.SubFactory(CoursePageFactory)


class LessonPageFactory(_PageFactory):
    class Meta:
        model = "courses.LessonPage"

    title = factory.Sequence(lambda n: f"Leçon {n}")
    summary = "Ce que dit la loi n° 2012-023."
    estimated_minutes = 15
    body = factory.LazyFunction(
        lambda: [{"type": "rich_text", "value": "<p>Le texte de la leçon.</p>"}]
    )
    parent = factory.SubFactory(ModulePageFactory)


def translate_page(page, language_code: str = "en", **fields):
    """The Wagtail translation of `page` in `language_code` (its parent must be translated
    already), with `fields` set, published."""
    from wagtail.models import Locale

    locale, _created = Locale.objects.get_or_create(language_code=language_code)
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


class ImageFactory(DjangoModelFactory):
    class Meta:
        model = "wagtailimages.Image"

    title = factory.Sequence(lambda n: f"Image {n}")
    description = "Une salle d'audience"
    file = factory.django.ImageField(width=1200, height=800, color="green")


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = "wagtaildocs.Document"

    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.django.FileField(filename="guide.pdf", data=b"%PDF-1.4\n" + b"0" * 2048)


def every_block_body(*, image, document, video, poster) -> list[dict]:
    """Raw StreamField data for a lesson that uses every block once."""
    return [
        {"type": "rich_text", "value": "<h2>Introduction</h2><p>La traite des personnes.</p>"},
        {
            "type": "callout",
            "value": {
                "kind": "good_practice",
                "title": "Bonne pratique",
                "text": "<p>Entendre la victime dans un lieu sûr.</p>",
            },
        },
        {
            "type": "legal_excerpt",
            "value": {
                "text": "L'esclavage et les pratiques assimilées sont interdits.",
                "instrument": "Loi n° 2024-027 portant Code pénal",
                "article": "324-11",
                "source_url": "https://example.org/code-penal",
            },
        },
        {
            "type": "case_study",
            "value": {
                "title": "L'atelier de couture",
                "facts": "<p>Une adolescente travaille sans salaire.</p>",
                "questions": ["Quels éléments de la traite sont réunis ?"],
                "discussion": "<p>L'acte, le moyen et le but sont réunis.</p>",
            },
        },
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Audience"}},
        {"type": "document", "value": {"document": document.pk, "title": "Guide pratique"}},
        {
            "type": "video",
            "value": {
                "video": video.pk,
                "poster": poster.pk,
                "title": "Témoignage d'une magistrate",
                "transcript": "<p>Les formations ont changé ma pratique.</p>",
            },
        },
    ]
