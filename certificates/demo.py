"""Demo data of the national training register, loaded by `seed_demo` after the people and
course demos: 40 more learners (no password: they never sign in) across institutions, regions,
professions and sexes; four in-person sessions of 2025–2026 with their attendance lists and
attendance certificates; and past e-learning certificates from 2024 to 2026 (some expired, one
revoked), so that the register's charts are not empty and its calendar-year and TIP-year
(1 April–31 March) boundaries have people on both sides.

Idempotent: people are found by e-mail, sessions by title, certificates by enrolment or
attendance; running it again changes nothing.

Demo back-dating: the certificate service stamps today's date on an e-learning certificate (a
real one is issued when the course is completed). To show past years, this module issues each
certificate through the service and then moves its dates into the past with a queryset update —
only here, never in the application. Attendance certificates need no back-dating: the service
dates them from the session's last day."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.utils import timezone

from certificates.models import Certificate, TrainingSession, add_months
from certificates.pdf import RENDERER_INSTALL_COMMAND, pdf_renderer_problem
from certificates.services import issue_certificate, pdf_rendering_deferred, revoke_certificate
from certificates.sessions import services as sessions
from courses.models import CoursePage, Enrolment, EnrolmentSource, EnrolmentStatus
from people import services as people_services
from people.choices import InstitutionKind, MembershipRole, Profession, Sex
from people.demo import DEMO_DOMAIN
from people.models import Institution, Region, User

P = Profession
MORE_INSTITUTIONS = [
    ("Tribunal de grande instance de Sikasso", InstitutionKind.TRIBUNAL, "Sikasso", "bamako"),
    (
        "Brigade territoriale de gendarmerie de Ségou",
        InstitutionKind.BRIGADE,
        "Ségou",
        "bamako",
    ),
    (
        "Direction régionale du développement social de Mopti",
        InstitutionKind.MINISTRY,
        "Mopti",
        "mopti",
    ),
    ("Inspection régionale du travail de Kayes", InstitutionKind.MINISTRY, "Kayes", "kayes"),
]
# Who works where: the professions drawn for the learners of each institution.
STAFF = [
    ("École nationale de police", (P.POLICE_OFFICER, P.JUDICIAL_POLICE_OFFICER)),
    (
        "Tribunal de grande instance de la Commune III de Bamako",
        (P.JUDGE, P.PROSECUTOR, P.COURT_CLERK),
    ),
    ("Pôle judiciaire spécialisé de lutte contre la traite", (P.PROSECUTOR, P.INVESTIGATING_JUDGE)),
    ("Tribunal de grande instance de Kayes", (P.JUDGE, P.PROSECUTOR, P.COURT_CLERK)),
    ("Tribunal de grande instance de Mopti", (P.JUDGE, P.INVESTIGATING_JUDGE, P.PROSECUTOR)),
    ("École de gendarmerie de Faladié", (P.GENDARME, P.JUDICIAL_POLICE_OFFICER)),
    ("Institut national de formation judiciaire (INFJ)", (P.JUDGE, P.PROSECUTOR)),
    ("Tribunal de grande instance de Sikasso", (P.JUDGE, P.PROSECUTOR)),
    ("Brigade territoriale de gendarmerie de Ségou", (P.GENDARME, P.JUDICIAL_POLICE_OFFICER)),
    ("Direction régionale du développement social de Mopti", (P.SOCIAL_WORKER,)),
    ("Inspection régionale du travail de Kayes", (P.LABOUR_INSPECTOR,)),
]
WOMEN = [
    "Aïssata", "Awa", "Kadiatou", "Mariam", "Oumou", "Djénéba", "Assitan", "Fanta",
    "Hawa", "Rokia", "Salimata", "Nana", "Bintou", "Korotoum", "Safiatou", "Maïmouna",
]  # fmt: skip
MEN = [
    "Amadou", "Boubacar", "Ibrahim", "Seydou", "Mamadou", "Souleymane", "Adama", "Modibo",
    "Oumar", "Lassana", "Youssouf", "Cheick", "Drissa", "Hamidou", "Abdoulaye", "Bakary",
    "Sidiki", "Issa", "Yacouba", "Moctar", "Tiémoko", "Alassane", "Daouda", "Siaka",
]  # fmt: skip
FAMILY = [
    "Coulibaly", "Diarra", "Traoré", "Keïta", "Sidibé", "Touré", "Maïga", "Cissé", "Konaté",
    "Dembélé", "Sanogo", "Diallo", "Kanté", "Doumbia", "Samaké", "Bagayoko", "Togola",
    "Guindo", "Haïdara", "Sangaré",
]  # fmt: skip
LEARNER_COUNT = 40


@dataclass(frozen=True)
class DemoLearner:
    index: int
    email: str
    full_name: str
    sex: str
    profession: str
    institution: str


def _slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def learners() -> list[DemoLearner]:
    """The 40 demo learners, the same on every run (about 40 % women)."""
    result = []
    women = iter(WOMEN)
    men = iter(MEN)
    for i in range(LEARNER_COUNT):
        sex = Sex.FEMALE if i % 5 in (1, 3) else Sex.MALE
        first = next(women) if sex == Sex.FEMALE else next(men)
        family = FAMILY[(i * 7) % len(FAMILY)]
        institution, professions = STAFF[i % len(STAFF)]
        result.append(
            DemoLearner(
                index=i,
                email=f"{_slug(first)}.{_slug(family)}@{DEMO_DOMAIN}",
                full_name=f"{first} {family}",
                sex=sex,
                profession=professions[(i // len(STAFF)) % len(professions)],
                institution=institution,
            )
        )
    return result


@dataclass(frozen=True)
class DemoSession:
    title: str
    course_code: str | None
    starts_on: datetime.date
    ends_on: datetime.date
    place: str
    region: str
    organiser: str
    funder: str
    trainers: str
    attendees: tuple[int, ...]  # indexes into learners()
    certificates: bool


D = datetime.date
SESSIONS = [
    DemoSession(
        "Atelier ONUDC : enquêter et juger la traite selon la loi n° 2012-023",
        "TIP-LOI-2012",
        D(2025, 3, 25),
        D(2025, 3, 27),
        "Hôtel Salam, Bamako",
        "District de Bamako",
        "ONUDC",
        "Union européenne",
        "Juge Mahamadou Bah\nMe Aminata Touré (ONUDC)",
        (1, 2, 5, 12, 13, 16, 23, 24, 27, 34, 35, 38),
        True,
    ),
    DemoSession(
        "Session OIM : identifier, protéger et orienter les victimes",
        "TIP-VICTIME",
        D(2025, 4, 1),
        D(2025, 4, 3),
        "Gouvernorat de Mopti",
        "Mopti",
        "OIM",
        "Coopération suisse",
        "Dr Kadiatou Maïga (OIM)\nCommissaire Sidi Diakité",
        (0, 4, 5, 9, 15, 19, 20, 26, 31, 37),
        True,
    ),
    DemoSession(
        "Session INFJ : esclavage par ascendance et Code pénal de 2024",
        "ESCL-ASC-2024",
        D(2025, 12, 16),
        D(2025, 12, 18),
        "INFJ, Bamako",
        "District de Bamako",
        "INFJ",
        "",
        "Pr Fatoumata Dembélé\nJuge Oumar Sanogo",
        (1, 3, 6, 7, 14, 17, 18, 25, 28, 29),
        True,
    ),
    DemoSession(
        "Atelier OIM à Sikasso : le mécanisme national de référence",
        None,
        D(2026, 2, 10),
        D(2026, 2, 11),
        "Maison de la femme, Sikasso",
        "Sikasso",
        "OIM",
        "Union européenne",
        "Mme Rokia Koné (OIM)",
        (7, 8, 9, 10, 18, 19, 30, 31),
        False,
    ),
]

# (learner index, course code, issue date): e-learning certificates, back-dated.
PAST_CERTIFICATES = [
    (0, "TIP-LOI-2012", D(2024, 1, 15)),
    (2, "TIP-LOI-2012", D(2024, 3, 29)),
    (4, "TIP-VICTIME", D(2024, 6, 12)),
    (6, "TIP-LOI-2012", D(2024, 9, 3)),
    (8, "TIP-LOI-2012", D(2024, 11, 20)),
    (10, "TIP-VICTIME", D(2024, 12, 10)),
    (11, "TIP-LOI-2012", D(2025, 1, 22)),
    (12, "TIP-VICTIME", D(2025, 2, 14)),
    (14, "TIP-LOI-2012", D(2025, 3, 31)),
    (15, "TIP-LOI-2012", D(2025, 4, 1)),
    (16, "ESCL-ASC-2024", D(2025, 5, 20)),
    (17, "TIP-LOI-2012", D(2025, 6, 18)),
    (19, "TIP-VICTIME", D(2025, 8, 7)),
    (20, "TIP-LOI-2012", D(2025, 10, 2)),
    (21, "ESCL-ASC-2024", D(2025, 11, 26)),
    (22, "TIP-LOI-2012", D(2025, 12, 31)),
    (24, "TIP-VICTIME", D(2026, 1, 1)),
    (26, "TIP-LOI-2012", D(2026, 2, 17)),
    (30, "ESCL-ASC-2024", D(2026, 3, 31)),
    (32, "TIP-LOI-2012", D(2026, 4, 1)),
    (33, "TIP-VICTIME", D(2026, 5, 12)),
    (34, "TIP-LOI-2012", D(2026, 6, 30)),
    (36, "ESCL-ASC-2024", D(2026, 8, 19)),
    (38, "TIP-VICTIME", D(2026, 9, 22)),
    (39, "TIP-LOI-2012", D(2026, 10, 14)),
]
# One of them was issued by mistake and revoked (the register never counts it).
REVOKED = (17, "TIP-LOI-2012")
REVOCATION_REASON = "Démonstration : attestation délivrée par erreur (mauvaise personne)."
# Enrolled and still working on it (the register's "in progress").
IN_PROGRESS = [(1, "TIP-VICTIME"), (3, "TIP-LOI-2012"), (5, "TIP-LOI-2012"), (9, "ESCL-ASC-2024")]
IN_PROGRESS += [(13, "TIP-LOI-2012"), (18, "TIP-VICTIME"), (25, "TIP-LOI-2012")]


def _courses() -> dict[str, CoursePage]:
    """The demo courses (French originals) by code; empty if the course demo is missing."""
    return {
        course.code: course
        for course in CoursePage.objects.filter(locale__language_code="fr").order_by("-pk")
    }


def _seed_institutions() -> None:
    for name, kind, region, jurisdiction in MORE_INSTITUTIONS:
        Institution.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "region": Region.objects.get(name=region),
                "appeal_jurisdiction": jurisdiction,
            },
        )


def _seed_learners() -> tuple[list[User], int]:
    institutions = {i.name: i for i in Institution.objects.all()}
    existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    people, created = [], 0
    for learner in learners():
        user = existing.get(learner.email)
        if user is None:
            user = User(
                email=learner.email,
                full_name=learner.full_name,
                matricule=f"DEMO-{learner.index + 1:03}",
                profession=learner.profession,
                sex=learner.sex,
            )
            # No password: demo learners of the register never sign in.
            user.set_unusable_password()
            user.save()
            people_services.add_member(
                user=user,
                institution=institutions[learner.institution],
                role=MembershipRole.LEARNER,
            )
            created += 1
        people.append(user)
    return people, created


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _seed_sessions(people: list[User], courses: dict[str, CoursePage], staff: User | None):
    new_sessions = issued = 0
    for demo in SESSIONS:
        session = TrainingSession.objects.filter(title=demo.title).first()
        if session is None:
            session = sessions.record_session(
                recorded_by=staff,
                title=demo.title,
                course=courses.get(demo.course_code) if demo.course_code else None,
                starts_on=demo.starts_on,
                ends_on=demo.ends_on,
                place=demo.place,
                region=Region.objects.get(name=demo.region),
                organiser=demo.organiser,
                funder=demo.funder,
                trainers=demo.trainers,
            )
            new_sessions += 1
        sessions.add_attendees(
            session=session, people=[people[i] for i in demo.attendees], added_by=staff
        )
        if demo.certificates and session.course_id:
            outcome = sessions.issue_attendance_certificates(session=session, issued_by=staff)
            issued += outcome.issued
    return new_sessions, issued


def _seed_past_certificates(people: list[User], courses: dict[str, CoursePage], staff):
    issued = 0
    for index, code, day in PAST_CERTIFICATES:
        course = courses.get(code)
        if course is None:
            continue
        enrolment = Enrolment.objects.filter(user=people[index], course=course).first()
        if enrolment is not None and Certificate.objects.filter(enrolment=enrolment).exists():
            continue
        if enrolment is None:
            enrolment = Enrolment.objects.create(
                user=people[index], course=course, source=EnrolmentSource.ADMINISTRATOR
            )
        # Demo back-dating (see the module's docstring).
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status=EnrolmentStatus.COMPLETED,
            enrolled_at=_at(day - datetime.timedelta(days=21)),
            completed_at=_at(day),
        )
        enrolment.refresh_from_db()
        certificate = issue_certificate(enrolment=enrolment)
        months = certificate.course.certificate_validity_months
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=day, valid_until=add_months(day, months) if months else None
        )
        issued += 1
        if (index, code) == REVOKED and staff is not None:
            certificate.refresh_from_db()
            revoke_certificate(certificate=certificate, revoked_by=staff, reason=REVOCATION_REASON)
    for index, code in IN_PROGRESS:
        course = courses.get(code)
        if course is None:
            continue
        enrolment, created = Enrolment.objects.get_or_create(
            user=people[index], course=course, defaults={"source": EnrolmentSource.ADMINISTRATOR}
        )
        if created:
            Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.IN_PROGRESS)
    return issued


# « Paramètres › Attestations »: who signs the demo certificates (a fictitious person), so that
# the signature line is not blank. Only empty fields are filled: an administrator's choice stays.
DEMO_SIGNATORY = {
    "signatory_name": "Fatoumata Diakité",
    "signatory_title": "Directrice de l’Institut national de formation judiciaire",
    "institution_name": "Institut national de formation judiciaire (INFJ)",
}


def _seed_certificate_settings() -> bool:
    from wagtail.models import Site

    from certificates.models import CertificateSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return False
    settings = CertificateSettings.for_site(site)
    empty = [name for name, value in DEMO_SIGNATORY.items() if not getattr(settings, name)]
    for name in empty:
        setattr(settings, name, DEMO_SIGNATORY[name])
    if empty:
        settings.save(update_fields=empty)
    return bool(empty)


def seed(out=print) -> None:
    problem = pdf_renderer_problem()
    if problem is None:
        _seed(out)
        return
    # A machine without Pango still gets the whole demo; its certificates wait for their PDF.
    out(
        "Attestations sans PDF : le moteur PDF (WeasyPrint) ne trouve pas la bibliothèque Pango "
        f"({problem}). Installez-la avec « {RENDERER_INSTALL_COMMAND} » (en root, sinon avec "
        "sudo) : les PDF seront alors produits au téléchargement ou par la tâche périodique. / "
        "Certificates without PDF: the PDF renderer (WeasyPrint) cannot find the Pango library. "
        f"Install it with `{RENDERER_INSTALL_COMMAND}` (as root, or with sudo); the PDFs are "
        "then rendered on download or by the periodic sweep."
    )
    with pdf_rendering_deferred():
        _seed(out)


def _seed(out) -> None:
    if _seed_certificate_settings():
        out("Signataire des attestations de démonstration défini / demo certificate signatory set.")
    _seed_institutions()
    people, new_people = _seed_learners()
    courses = _courses()
    staff = User.objects.filter(is_superuser=True, email__endswith=f"@{DEMO_DOMAIN}").first()
    new_sessions, attendance_certificates = _seed_sessions(people, courses, staff)
    past = _seed_past_certificates(people, courses, staff)
    # The demo addresses receive nothing: mark the new certificates as already announced, so
    # the PDF rendering after commit does not print dozens of e-mails to the console.
    Certificate.objects.filter(
        holder__in=people, notified_at__isnull=True, revoked_at__isnull=True
    ).update(notified_at=timezone.now())
    if new_people or new_sessions or attendance_certificates or past:
        out(
            f"Registre de démonstration : {new_people} apprenants, {new_sessions} sessions en "
            f"présentiel, {attendance_certificates} attestations de présence, {past} attestations "
            "passées / demo register data created."
        )
    else:
        out("Registre de démonstration déjà présent / demo register data already exist.")
