"""Factories for the whole test suite (never define factories inside test modules)."""

import factory
from allauth.account.models import EmailAddress
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
