"""Demo people: an administrator, a committee member, a manager of the École nationale de police
and three learners. Passwords (and, for privileged accounts, the TOTP secret and recovery codes)
are printed once, when the account is created; nothing is pre-enrolled outside the demo."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from people import services
from people.choices import InstitutionKind, MembershipRole, Profession, Sex
from people.models import Institution, Region, User
from people.roles import ADMINISTRATORS_GROUP, COMMITTEE_GROUP

DEMO_DOMAIN = "demo.formation-traite.ml"

INSTITUTIONS = [
    ("École nationale de police", InstitutionKind.POLICE_SCHOOL, "District de Bamako", "bamako"),
    (
        "Tribunal de grande instance de la Commune III de Bamako",
        InstitutionKind.TRIBUNAL,
        "District de Bamako",
        "bamako",
    ),
    (
        "Pôle judiciaire spécialisé de lutte contre la traite",
        InstitutionKind.SPECIALISED_POLE,
        "District de Bamako",
        "bamako",
    ),
    ("Tribunal de grande instance de Kayes", InstitutionKind.TRIBUNAL, "Kayes", "kayes"),
    ("Tribunal de grande instance de Mopti", InstitutionKind.TRIBUNAL, "Mopti", "mopti"),
    (
        "École de gendarmerie de Faladié",
        InstitutionKind.GENDARMERIE_SCHOOL,
        "District de Bamako",
        "bamako",
    ),
    (
        "Institut national de formation judiciaire (INFJ)",
        InstitutionKind.INFJ,
        "District de Bamako",
        "bamako",
    ),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    profession: str
    sex: str
    institution: str | None = None
    role: str = MembershipRole.LEARNER
    group: str | None = None
    superuser: bool = False

    @property
    def privileged(self) -> bool:
        return self.superuser or self.group is not None or self.role == MembershipRole.MANAGER


PEOPLE = [
    DemoPerson(
        f"admin@{DEMO_DOMAIN}",
        "Administrateur de la plateforme",
        Profession.OTHER,
        "",
        group=ADMINISTRATORS_GROUP,
        superuser=True,
    ),
    DemoPerson(
        f"comite@{DEMO_DOMAIN}",
        "Mariam Coulibaly",
        Profession.OTHER,
        Sex.FEMALE,
        group=COMMITTEE_GROUP,
    ),
    DemoPerson(
        f"gestionnaire@{DEMO_DOMAIN}",
        "Commissaire Bakary Sangaré",
        Profession.POLICE_OFFICER,
        Sex.MALE,
        institution="École nationale de police",
        role=MembershipRole.MANAGER,
    ),
    DemoPerson(
        f"aminata.traore@{DEMO_DOMAIN}",
        "Aminata Traoré",
        Profession.POLICE_OFFICER,
        Sex.FEMALE,
        institution="École nationale de police",
    ),
    DemoPerson(
        f"moussa.keita@{DEMO_DOMAIN}",
        "Moussa Keïta",
        Profession.JUDGE,
        Sex.MALE,
        institution="Tribunal de grande instance de la Commune III de Bamako",
    ),
    DemoPerson(
        f"fatoumata.diarra@{DEMO_DOMAIN}",
        "Fatoumata Diarra",
        Profession.PROSECUTOR,
        Sex.FEMALE,
        institution="Pôle judiciaire spécialisé de lutte contre la traite",
    ),
]


def _seed_institutions() -> None:
    for name, kind, region, jurisdiction in INSTITUTIONS:
        Institution.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "region": Region.objects.get(name=region),
                "appeal_jurisdiction": jurisdiction,
            },
        )


def _create_person(person: DemoPerson, out) -> None:
    password = secrets.token_urlsafe(9)
    user = User.objects.create_user(
        email=person.email,
        password=password,
        full_name=person.full_name,
        profession=person.profession,
        sex=person.sex,
        is_staff=person.superuser,
        is_superuser=person.superuser,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if person.group:
        user.groups.add(Group.objects.get(name=person.group))
    if person.institution:
        services.add_member(
            user=user,
            institution=Institution.objects.get(name=person.institution),
            role=person.role,
        )
    out(f"  {person.email}  mot de passe / password: {password}")
    if person.privileged:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user).get_unused_codes()
        out(f"    TOTP secret: {secret}")
        out(f"    codes de récupération / recovery codes: {' '.join(codes)}")


DEMO_COHORT = "Promotion 2026"
DEMO_COHORT_INSTITUTION = "École nationale de police"


def _seed_cohort() -> None:
    """The demo manager's cohort, with the school's demo learners (idempotent)."""
    from people.manager.services import add_cohort_members
    from people.models import Cohort

    institution = Institution.objects.get(name=DEMO_COHORT_INSTITUTION)
    cohort, _created = Cohort.objects.get_or_create(institution=institution, name=DEMO_COHORT)
    learners = [
        User.objects.get(email=p.email)
        for p in PEOPLE
        if p.institution == DEMO_COHORT_INSTITUTION and p.role == MembershipRole.LEARNER
    ]
    add_cohort_members(cohort=cohort, users=learners)


def seed(out=print) -> None:
    _seed_institutions()
    created = False
    for person in PEOPLE:
        if User.objects.filter(email=person.email).exists():
            continue
        if not created:
            out("Comptes de démonstration (affichés une seule fois) / demo accounts (shown once):")
            created = True
        _create_person(person, out)
    if not created:
        out("Comptes de démonstration déjà présents / demo accounts already exist.")
    _seed_cohort()


def reset_passwords(out=print) -> None:
    """Give the demo accounts new passwords and print them (for a newcomer who lost them)."""
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            continue
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save(update_fields=["password"])
        out(f"  {person.email}  mot de passe / password: {password}")
        if person.privileged:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
            codes = RecoveryCodes.activate(user).get_unused_codes()
            out(f"    codes de récupération / recovery codes: {' '.join(codes)}")
