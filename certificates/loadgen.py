"""Load data for the benchmark and the register's budgets (`manage.py seed_load --people N`).

Builds, on top of the demo catalogue (`seed_demo`), a national population of N people spread over
institutions in every region, with cohorts and assignments, enrolments on the demo courses,
lesson progress, module completions, quiz attempts with their answers, certificates (some
expired, revoked or superseded) and in-person sessions with their attendance lists, dated
across 2023–2026 so that calendar and TIP years all have data. At N = 50,000: about 500,000
lesson-progress rows and 30,000 certificates.

Rows are written in bulk: PostgreSQL's COPY (psycopg), or batched INSERTs on other databases,
with ids given here so that related rows can point at them without reading them back. The load
people are recognised by their e-mail domain (`LOAD_DOMAIN`): running again with the same N
changes nothing, `reset()` removes everything the load added.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Locale

from assessments.models import Answer, Attempt, AttemptStatus, Choice, Question, Quiz
from certificates.codes import new_code
from certificates.models import Attendance, Certificate, TrainingSession
from courses.models import (
    Assignment,
    CoursePage,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
)
from people.choices import AppealJurisdiction, InstitutionKind, Profession, Sex
from people.models import Cohort, Institution, Membership, MembershipRole, MembershipStatus, User
from people.roles import COMMITTEE_GROUP, MANAGERS_GROUP

LOAD_DOMAIN = "charge.formation-traite.invalid"
START = dt.date(2023, 1, 2)
COMMITTEE_MEMBERS = 3

# (kind, name pattern, professions with weights, share of the region's people)
INSTITUTION_KINDS = [
    (
        InstitutionKind.TRIBUNAL,
        "Tribunal de grande instance de {region}",
        [
            (Profession.JUDGE, 5),
            (Profession.INVESTIGATING_JUDGE, 2),
            (Profession.COURT_CLERK, 3),
        ],
        0.16,
    ),
    (
        InstitutionKind.PROSECUTION,
        "Parquet du tribunal de grande instance de {region}",
        [(Profession.PROSECUTOR, 4), (Profession.COURT_CLERK, 1)],
        0.08,
    ),
    (
        InstitutionKind.BRIGADE,
        "Brigade territoriale de gendarmerie de {region}",
        [(Profession.GENDARME, 6), (Profession.JUDICIAL_POLICE_OFFICER, 2)],
        0.28,
    ),
    (
        InstitutionKind.OTHER,
        "Commissariat de police de {region}",
        [(Profession.POLICE_OFFICER, 6), (Profession.JUDICIAL_POLICE_OFFICER, 3)],
        0.34,
    ),
    (
        InstitutionKind.MINISTRY,
        "Direction régionale du travail de {region}",
        [(Profession.LABOUR_INSPECTOR, 1)],
        0.05,
    ),
    (
        InstitutionKind.NGO,
        "Services sociaux et de protection de l'enfance de {region}",
        [(Profession.SOCIAL_WORKER, 3), (Profession.OTHER, 1)],
        0.09,
    ),
]
# Share of women by profession (the committee's report is disaggregated by sex).
WOMEN = {
    Profession.JUDGE: 0.3,
    Profession.INVESTIGATING_JUDGE: 0.25,
    Profession.PROSECUTOR: 0.25,
    Profession.COURT_CLERK: 0.45,
    Profession.GENDARME: 0.1,
    Profession.JUDICIAL_POLICE_OFFICER: 0.12,
    Profession.POLICE_OFFICER: 0.15,
    Profession.LABOUR_INSPECTOR: 0.35,
    Profession.SOCIAL_WORKER: 0.6,
    Profession.OTHER: 0.4,
}
JURISDICTION = {
    "District de Bamako": AppealJurisdiction.BAMAKO,
    "Koulikoro": AppealJurisdiction.BAMAKO,
    "Sikasso": AppealJurisdiction.BAMAKO,
    "Kayes": AppealJurisdiction.KAYES,
    "Nioro du Sahel": AppealJurisdiction.KAYES,
    "Kita": AppealJurisdiction.KAYES,
}
FIRST_NAMES = {
    Sex.FEMALE: [
        "Aminata",
        "Fatoumata",
        "Mariam",
        "Kadiatou",
        "Awa",
        "Oumou",
        "Aïssata",
        "Djénéba",
        "Hawa",
        "Rokia",
        "Assétou",
        "Bintou",
        "Fanta",
        "Nana",
        "Salimata",
        "Ramata",
        "Korotoumou",
        "Safiatou",
        "Maïmouna",
        "Adama",
    ],
    Sex.MALE: [
        "Moussa",
        "Mamadou",
        "Amadou",
        "Ibrahim",
        "Oumar",
        "Seydou",
        "Boubacar",
        "Souleymane",
        "Abdoulaye",
        "Modibo",
        "Bakary",
        "Lassina",
        "Drissa",
        "Sékou",
        "Youssouf",
        "Adama",
        "Cheick",
        "Mahamadou",
        "Issa",
        "Hamidou",
    ],
}
LAST_NAMES = [
    "Traoré",
    "Keïta",
    "Diarra",
    "Coulibaly",
    "Konaté",
    "Touré",
    "Sangaré",
    "Diallo",
    "Cissé",
    "Koné",
    "Dembélé",
    "Sidibé",
    "Doumbia",
    "Maïga",
    "Camara",
    "Sylla",
    "Kanté",
    "Bagayoko",
    "Tangara",
    "Sanogo",
    "Ballo",
    "Dicko",
    "Guindo",
    "Togo",
    "Samaké",
]
ORGANISERS = [
    ("ONUDC", "Union européenne"),
    ("OIM", "Union européenne"),
    ("Institut national de formation judiciaire", "État malien"),
    ("Comité national de lutte contre la traite", "État malien"),
    ("École nationale de police", "Coopération allemande (GIZ)"),
    ("ONUDC", "Département d'État des États-Unis"),
]
SESSION_TITLES = [
    "Atelier de formation sur la loi n° 2012-023",
    "Atelier : identification et orientation des victimes",
    "Séminaire : enquêtes et poursuites en matière de traite",
    "Atelier régional sur la coopération judiciaire",
]
REVOCATION_REASON = "Attestation délivrée par erreur (données de charge)."
SESSION_MARK = "Données de charge"  # the `trainers` field of the load's sessions starts with it


# --- writing rows in bulk ----------------------------------------------------------------------


class Report:
    """A progress bar on one line (a line per step when the output is not a terminal)."""

    def __init__(self, out: Callable[[str], None] | None = None, total: int = 1):
        self.out = out
        self.total = max(1, total)
        self.done = 0
        self.started = time.perf_counter()
        self.tty = out is None and sys.stdout.isatty()

    def advance(self, label: str, units: int = 1) -> None:
        self.done = min(self.total, self.done + units)
        width = 30
        filled = width * self.done // self.total
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {100 * self.done // self.total:3d}% "
            f"{time.perf_counter() - self.started:6.1f} s  {label}"
        )
        if self.out is not None:
            self.out(line)
        elif self.tty:
            sys.stdout.write("\r" + line.ljust(110))
            sys.stdout.flush()
        else:
            print(line, flush=True)

    def close(self) -> None:
        if self.tty:
            sys.stdout.write("\n")


class BulkWriter:
    """Inserts rows with the ids given by `next_id`: COPY on PostgreSQL, INSERT elsewhere."""

    BATCH = 2000

    def __init__(self) -> None:
        self.next_ids: dict[type[models.Model], int] = {}
        self.touched: set[type[models.Model]] = set()

    def next_id(self, model: type[models.Model]) -> int:
        if model not in self.next_ids:
            self.next_ids[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        value = self.next_ids[model]
        self.next_ids[model] = value + 1
        return value

    def write(self, model: type[models.Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
        rows = list(rows)  # a generator may ask for ids: not while COPY holds the connection
        fields = [model._meta.get_field(name) for name in names]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        count = 0
        self.touched.add(model)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        if json_columns:
                            row = list(row)
                            for i in json_columns:
                                row[i] = json.dumps(row[i])
                        copy.write_row(row)
                        count += 1
                return count
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            batch: list[list] = []
            for row in rows:
                batch.append(
                    [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
                )
                if len(batch) >= self.BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.touched))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- the catalogue ---------------------------------------------------------------------------


@dataclass
class CourseInfo:
    page: CoursePage
    modules: list[ModulePage]
    lessons_by_module: dict[int, list[int]]  # module id -> lesson ids in order
    quizzes: dict[int, QuizInfo] = field(default_factory=dict)  # module id -> its assessment

    @property
    def lessons(self) -> list[int]:
        return [pk for module in self.modules for pk in self.lessons_by_module[module.pk]]


@dataclass
class QuizInfo:
    quiz_id: int
    pass_mark: int
    questions: list[tuple[int, list[str], str]]  # (question id, choice keys, right key)


def catalogue() -> list[CourseInfo]:
    """The live French (original) courses of the catalogue, with their modules, lessons and
    module assessments. Empty when `seed_demo` has not run."""
    french = Locale.objects.filter(language_code="fr").first()
    if french is None:
        return []
    courses = []
    for course in CoursePage.objects.live().filter(locale=french).order_by("path"):
        modules = list(ModulePage.objects.live().child_of(course).order_by("path"))
        lessons = {
            module.pk: list(
                LessonPage.objects.live()
                .child_of(module)
                .order_by("path")
                .values_list("pk", flat=True)
            )
            for module in modules
        }
        modules = [module for module in modules if lessons[module.pk]]
        if modules:
            courses.append(CourseInfo(course, modules, lessons))
    quizzes = Quiz.objects.originals().filter(module__isnull=False)
    for info in courses:
        for module in info.modules:
            quiz = quizzes.filter(module=module).order_by("pk").first()
            if quiz is None:
                continue
            questions = Question.objects.originals().filter(bank_id=quiz.bank_id)
            if quiz.category:
                questions = questions.filter(category=quiz.category)
            items = []
            for question in questions.order_by("pk"):
                choices = list(
                    Choice.objects.filter(question=question)
                    .order_by("sort_order", "pk")
                    .values_list("key", "is_correct")
                )
                right = next((str(k) for k, ok in choices if ok), None)
                if right:
                    items.append((question.pk, [str(k) for k, _ok in choices], right))
            if items:
                info.quizzes[module.pk] = QuizInfo(quiz.pk, quiz.pass_mark, items)
    return courses


# --- the generator ---------------------------------------------------------------------------


def load_people():
    return User.objects.filter(email__endswith=f"@{LOAD_DOMAIN}")


def existing_count() -> int:
    return load_people().filter(email__startswith="personne").count()


def _aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(rng.randint(7, 18), rng.randint(0, 59), rng.randint(0, 59)), dt.UTC
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _pick(rng: random.Random, weighted: Sequence[tuple[object, float]]):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


class LoadGenerator:
    def __init__(
        self,
        people: int,
        *,
        seed: int = 2012,
        password: str | None = None,
        out: Callable[[str], None] | None = None,
    ):
        self.people = people
        self.rng = random.Random(seed)
        self.writer = BulkWriter()
        self.today = timezone.localdate()
        self.password = make_password(password)  # one hash for everyone: unusable if None
        self.report = Report(out, total=12)
        self.counts: dict[str, int] = {}

    # Each step writes one kind of rows and advances the bar.
    def run(self, courses: list[CourseInfo]) -> dict[str, int]:
        self.courses = courses
        with transaction.atomic():
            self._institutions()
            self._people()
            self._staff()
            self._cohorts()
            self._enrolments()
            self._progress()
            self._attempts()
            self._certificates()
            self._sessions()
            self._assignments()
            self.writer.reset_sequences()
            self.report.advance("sequences")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.report.advance("analyse")
        self.report.close()
        return self.counts

    def _count(self, name: str, value: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + value

    def _institutions(self) -> None:
        from people.models import Region

        regions = list(Region.objects.filter(is_active=True).order_by("pk"))
        # Bamako holds about a quarter of the country's staff; the rest is spread by region.
        weights = [6 if r.name == "District de Bamako" else 1 for r in regions]
        # Enough institutions for ~400 people each, at least one kind per region.
        per_region = max(1, min(len(INSTITUTION_KINDS), self.people // (400 * len(regions))))
        self.institutions: list[tuple[Institution, list, float]] = []
        for region, weight in zip(regions, weights, strict=True):
            kinds = INSTITUTION_KINDS if per_region == len(INSTITUTION_KINDS) else None
            if kinds is None:
                start = region.pk % len(INSTITUTION_KINDS)
                kinds = [
                    INSTITUTION_KINDS[(start + i) % len(INSTITUTION_KINDS)]
                    for i in range(per_region)
                ]
            share = sum(k[3] for k in kinds)
            for kind, pattern, professions, part in kinds:
                institution, _created = Institution.objects.get_or_create(
                    name=pattern.format(region=region.name),
                    defaults={
                        "kind": kind,
                        "region": region,
                        "appeal_jurisdiction": JURISDICTION.get(
                            region.name, AppealJurisdiction.MOPTI
                        ),
                    },
                )
                self.institutions.append((institution, professions, weight * part / share))
        self._count("institutions", len(self.institutions))
        self.report.advance(f"{len(self.institutions)} institutions")

    def _people(self) -> None:
        rng = self.rng
        weights = [w for _i, _p, w in self.institutions]
        self.members: dict[int, list[int]] = defaultdict(list)  # institution id -> user ids
        self.person: dict[int, tuple[str, str]] = {}  # user id -> (profession, sex)
        self.names: dict[int, str] = {}  # user id -> full name (certificates keep it as issued)
        self.region_of: dict[int, int] = {}
        users, memberships = [], []
        indexes = rng.choices(range(len(self.institutions)), weights=weights, k=self.people)
        for n, index in enumerate(indexes):
            institution, professions, _w = self.institutions[index]
            profession = _pick(rng, professions)
            sex = Sex.FEMALE if rng.random() < WOMEN[profession] else Sex.MALE
            pk = self.writer.next_id(User)
            joined = _aware(START + dt.timedelta(days=rng.randint(0, 400)), rng)
            name = f"{rng.choice(FIRST_NAMES[sex])} {rng.choice(LAST_NAMES)}"
            users.append(
                (
                    pk,
                    self.password,
                    False,
                    f"personne{n:06d}@{LOAD_DOMAIN}",
                    name,
                    f"M-{n:06d}",
                    profession,
                    sex,
                    "en" if rng.random() < 0.05 else "fr",
                    False,
                    True,
                    joined,
                )
            )
            memberships.append(
                (
                    self.writer.next_id(Membership),
                    pk,
                    institution.pk,
                    MembershipRole.LEARNER,
                    MembershipStatus.ACTIVE,
                    joined,
                )
            )
            self.members[institution.pk].append(pk)
            self.person[pk] = (profession, sex)
            self.names[pk] = name
            self.region_of[pk] = institution.region_id
        self._write_users(users)
        self._count("people", len(users))
        self._write_memberships(memberships)
        self.report.advance(f"{len(users)} people")

    def _write_users(self, users: list[tuple]) -> None:
        self.writer.write(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "email",
                "full_name",
                "matricule",
                "profession",
                "sex",
                "preferred_language",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            users,
        )

    def _write_memberships(self, rows: list[tuple]) -> None:
        self.writer.write(
            Membership, ["id", "user_id", "institution_id", "role", "status", "created_at"], rows
        )

    def _staff(self) -> None:
        """A manager per institution and a few committee members, each with a TOTP device
        (their roles require a second factor)."""
        managers_group = Group.objects.get(name=MANAGERS_GROUP)
        committee_group = Group.objects.get(name=COMMITTEE_GROUP)
        joined = _aware(START, self.rng)
        users, memberships, groups = [], [], []
        self.manager_of: dict[int, int] = {}
        for institution, _p, _w in self.institutions:
            pk = self.writer.next_id(User)
            users.append(
                (
                    pk,
                    self.password,
                    False,
                    f"gestionnaire{institution.pk:04d}@{LOAD_DOMAIN}",
                    f"Gestionnaire — {institution.name}"[:200],
                    "",
                    Profession.OTHER,
                    Sex.FEMALE if institution.pk % 3 == 0 else Sex.MALE,
                    "fr",
                    False,
                    True,
                    joined,
                )
            )
            memberships.append(
                (
                    self.writer.next_id(Membership),
                    pk,
                    institution.pk,
                    MembershipRole.MANAGER,
                    MembershipStatus.ACTIVE,
                    joined,
                )
            )
            groups.append((pk, managers_group.pk))
            self.manager_of[institution.pk] = pk
        for n in range(COMMITTEE_MEMBERS):
            pk = self.writer.next_id(User)
            users.append(
                (
                    pk,
                    self.password,
                    False,
                    f"comite{n:02d}@{LOAD_DOMAIN}",
                    f"Membre du comité national n° {n + 1}",
                    "",
                    Profession.OTHER,
                    Sex.FEMALE if n % 2 else Sex.MALE,
                    "fr",
                    False,
                    True,
                    joined,
                )
            )
            groups.append((pk, committee_group.pk))
        self._write_users(users)
        self._write_memberships(memberships)
        through = User.groups.through
        self.writer.write(
            through,
            ["id", "user_id", "group_id"],
            ((self.writer.next_id(through), *g) for g in groups),
        )
        for user in User.objects.filter(pk__in=[u[0] for u in users]):
            TOTP.activate(user, generate_totp_secret())
        self._count("managers", len(self.institutions))
        self._count("committee members", COMMITTEE_MEMBERS)
        self.report.advance(f"{len(users)} managers and committee members (with TOTP)")

    def _cohorts(self) -> None:
        """Two cohorts per institution (last year's and this year's intake), a fifth of its
        people in each."""
        rng = self.rng
        cohorts, members = [], []
        self.cohorts: list[tuple[int, int, list[int], dt.date]] = []  # (id, institution, members)
        through = Cohort.members.through
        for institution, _p, _w in self.institutions:
            people = self.members[institution.pk]
            if not people:
                continue
            chosen = rng.sample(people, len(people) * 2 // 5)
            for i, year in enumerate((2025, 2026)):
                pk = self.writer.next_id(Cohort)
                created = dt.date(year, 1, 15)
                cohorts.append((pk, institution.pk, f"Promotion {year}", _aware(created, rng)))
                group = chosen[i::2]
                members.extend((self.writer.next_id(through), pk, user) for user in group)
                self.cohorts.append((pk, institution.pk, group, created))
        self.writer.write(Cohort, ["id", "institution_id", "name", "created_at"], cohorts)
        self.writer.write(through, ["id", "cohort_id", "user_id"], members)
        self._count("cohorts", len(cohorts))
        self.report.advance(f"{len(cohorts)} cohorts")

    def _enrolments(self) -> None:
        """Most people follow the law course, fewer the others. A third of the enrolments are
        completed, nearly half in progress."""
        rng = self.rng
        self.assigned = {
            user: created for _pk, _i, group, created in self.cohorts for user in group
        }
        chances = [0.85, 0.45, 0.3, 0.2, 0.2]
        self.enrolments: list[tuple] = []
        latest = self.today - dt.timedelta(days=20)
        span = (latest - START).days
        for user in self.person:
            for index, info in enumerate(self.courses):
                assigned = index == 0 and user in self.assigned
                if not assigned and rng.random() >= chances[min(index, len(chances) - 1)]:
                    continue
                if assigned:
                    enrolled = self.assigned[user] + dt.timedelta(days=rng.randint(0, 30))
                else:
                    enrolled = START + dt.timedelta(days=int(span * rng.random() ** 0.8))
                draw = rng.random()
                if draw < 0.32:
                    status = EnrolmentStatus.COMPLETED
                elif draw < 0.76:
                    status = EnrolmentStatus.IN_PROGRESS
                elif draw < 0.98:
                    status = EnrolmentStatus.ENROLLED
                else:
                    status = EnrolmentStatus.WITHDRAWN
                self.enrolments.append(
                    (
                        self.writer.next_id(Enrolment),
                        user,
                        info,
                        status,
                        EnrolmentSource.ASSIGNMENT if assigned else EnrolmentSource.SELF,
                        min(enrolled, latest),
                    )
                )
        self.report.advance(f"{len(self.enrolments)} enrolments (planned)")

    def _progress(self) -> None:
        """Lessons done in order; a module is completed when its lessons are and its assessment
        passed (the attempts are written by `_attempts`)."""
        rng = self.rng
        enrolment_rows, progress, completions = [], [], []
        self.passed_modules: list[tuple[int, CourseInfo, int, dt.datetime]] = []
        self.completed: list[tuple[int, int, CourseInfo, dt.date]] = []
        for pk, user, info, status, source, enrolled in self.enrolments:
            lessons = info.lessons
            started = _aware(enrolled, rng)
            if status == EnrolmentStatus.COMPLETED:
                done = len(lessons)
                days = rng.randint(3, 120)
            elif status == EnrolmentStatus.IN_PROGRESS:
                done = rng.randint(1, len(lessons) - 1)
                days = rng.randint(1, 200)
            elif status == EnrolmentStatus.WITHDRAWN:
                done = rng.randint(0, 2)
                days = rng.randint(1, 30)
            else:
                done, days = 0, 0
            finish = min(started + dt.timedelta(days=days), timezone.now() - dt.timedelta(hours=1))
            step = (finish - started) / max(1, done)
            last = None
            finished = set()
            for i, lesson in enumerate(lessons[:done]):
                at = started + step * i
                # The last lesson reached is sometimes opened, not finished.
                unfinished = status != EnrolmentStatus.COMPLETED and i == done - 1 and i % 2
                progress.append(
                    (
                        self.writer.next_id(LessonProgress),
                        user,
                        lesson,
                        at,
                        None if unfinished else at + step / 2,
                    )
                )
                if not unfinished:
                    finished.add(lesson)
                last = (lesson, at)
            for module in info.modules:
                if set(info.lessons_by_module[module.pk]) <= finished:
                    at = started + step * (lessons.index(info.lessons_by_module[module.pk][-1]) + 1)
                    completions.append((self.writer.next_id(ModuleCompletion), user, module.pk, at))
                    self.passed_modules.append((user, info, module.pk, at))
            completed_at = finish if status == EnrolmentStatus.COMPLETED else None
            if completed_at is not None:
                self.completed.append((pk, user, info, timezone.localdate(completed_at)))
            enrolment_rows.append(
                (
                    pk,
                    user,
                    info.page.pk,
                    status,
                    source,
                    started,
                    completed_at,
                    finish if status == EnrolmentStatus.WITHDRAWN else None,
                    last[0] if last else None,
                    last[1] if last else None,
                )
            )
        self.writer.write(
            Enrolment,
            [
                "id",
                "user_id",
                "course_id",
                "status",
                "source",
                "enrolled_at",
                "completed_at",
                "withdrawn_at",
                "last_lesson_id",
                "last_visited_at",
            ],
            enrolment_rows,
        )
        self._count("enrolments", len(enrolment_rows))
        self.report.advance(f"{len(enrolment_rows)} enrolments")
        self.writer.write(
            LessonProgress, ["id", "user_id", "lesson_id", "started_at", "completed_at"], progress
        )
        self._count("lesson progress", len(progress))
        self.report.advance(f"{len(progress)} lesson-progress rows")
        self.writer.write(
            ModuleCompletion, ["id", "user_id", "module_id", "completed_at"], completions
        )
        self._count("module completions", len(completions))

    def _attempts(self) -> None:
        """For each completed module with an assessment: a passed attempt, after a failed one
        for a quarter of the people, with graded answers."""
        rng = self.rng
        attempts, answers = [], []
        for user, info, module, at in self.passed_modules:
            quiz = info.quizzes.get(module)
            if quiz is None:
                continue
            outcomes = [False, True] if rng.random() < 0.25 else [True]
            for number, passed in enumerate(outcomes, start=1):
                pk = self.writer.next_id(Attempt)
                questions = list(quiz.questions)
                rng.shuffle(questions)
                total = len(questions)
                needed = -(-quiz.pass_mark * total // 100)
                right = rng.randint(needed, total) if passed else rng.randint(0, needed - 1)
                started = at - dt.timedelta(hours=2 * (len(outcomes) - number) + 1)
                submitted = started + dt.timedelta(minutes=rng.randint(4, 25))
                for i, (question, keys, key) in enumerate(questions):
                    ok = i < right
                    wrong = [k for k in keys if k != key] or [key]
                    answers.append(
                        (
                            self.writer.next_id(Answer),
                            pk,
                            question,
                            [key if ok else rng.choice(wrong)],
                            submitted,
                            Decimal(1 if ok else 0),
                            ok,
                        )
                    )
                layout = [{"q": q, "c": rng.sample(keys, len(keys))} for q, keys, _k in questions]
                attempts.append(
                    (
                        pk,
                        user,
                        quiz.quiz_id,
                        number,
                        AttemptStatus.SUBMITTED,
                        layout,
                        started,
                        submitted,
                        Decimal(right),
                        (Decimal(right * 100) / Decimal(total)).quantize(Decimal("0.01")),
                        passed,
                    )
                )
        self.writer.write(
            Attempt,
            [
                "id",
                "user_id",
                "quiz_id",
                "attempt_number",
                "status",
                "layout",
                "started_at",
                "submitted_at",
                "points",
                "score_percent",
                "passed",
            ],
            attempts,
        )
        self.writer.write(
            Answer,
            ["id", "attempt_id", "question_id", "selected", "saved_at", "points", "is_correct"],
            answers,
        )
        self._count("quiz attempts", len(attempts))
        self._count("quiz answers", len(answers))
        self.report.advance(f"{len(attempts)} quiz attempts, {len(answers)} answers")

    def _certificate_row(self, pk: int, **values) -> tuple:
        course: CoursePage = values["course"]
        issued: dt.date = values["issued_on"]
        months = course.certificate_validity_months
        return (
            pk,
            values.get("enrolment"),
            values["holder"],
            self.names.get(values["holder"], ""),
            course.pk,
            course.version or "",
            new_code(),
            issued,
            _add_months(issued, months) if months else None,
            values.get("manual_reason", ""),
            _aware(issued, self.rng),
            values.get("revoked_at"),
            REVOCATION_REASON if values.get("revoked_at") else "",
            None,
            None,
            "",  # no PDF: rendering 30,000 of them is the certificates benchmark's business
            "",
        )

    CERTIFICATE_FIELDS = [
        "id",
        "enrolment_id",
        "holder_id",
        "holder_name",
        "course_id",
        "course_version",
        "code",
        "issued_on",
        "valid_until",
        "manual_reason",
        "created_at",
        "revoked_at",
        "revocation_reason",
        "superseded_by_id",
        "superseded_at",
        "pdf",
        "pdf_sha256",
    ]

    def _certificates(self) -> None:
        """One per completed enrolment (1.5 % revoked later); expiry follows from the issue
        date and the course's validity."""
        rng = self.rng
        rows = []
        self.online_certificate: dict[tuple[int, int], tuple[int, dt.date]] = {}
        for enrolment, user, info, day in self.completed:
            pk = self.writer.next_id(Certificate)
            revoked = None
            if rng.random() < 0.015:
                revoked = _aware(min(day + dt.timedelta(days=rng.randint(5, 60)), self.today), rng)
            rows.append(
                self._certificate_row(
                    pk,
                    enrolment=enrolment,
                    holder=user,
                    course=info.page,
                    issued_on=day,
                    revoked_at=revoked,
                )
            )
            if revoked is None:
                self.online_certificate[(user, info.page.pk)] = (pk, day)
        self.writer.write(Certificate, self.CERTIFICATE_FIELDS, rows)
        self._count("certificates (e-learning)", len(rows))
        self.report.advance(f"{len(rows)} certificates")

    def _sessions(self) -> None:
        """In-person workshops in every region, about one per 250 people, with attendance lists
        drawn from the region's people; most attendees of a workshop that corresponds to a
        course get an attendance certificate, superseded by the e-learning one when they
        completed the course online later."""
        rng = self.rng
        by_region: dict[int, list[int]] = defaultdict(list)
        for user, region in self.region_of.items():
            by_region[region].append(user)
        regions = sorted(by_region)
        sessions, attendances, certificates, supersede = [], [], [], []
        count = max(len(regions), self.people // 250)
        latest = self.today - dt.timedelta(days=3)
        for n in range(count):
            region = regions[n % len(regions)]
            starts = START + dt.timedelta(days=rng.randint(0, (latest - START).days))
            ends = min(starts + dt.timedelta(days=rng.randint(0, 4)), latest)
            organiser, funder = rng.choice(ORGANISERS)
            info = rng.choice(self.courses) if rng.random() < 0.7 else None
            pk = self.writer.next_id(TrainingSession)
            sessions.append(
                (
                    pk,
                    f"{rng.choice(SESSION_TITLES)} ({n + 1})",
                    info.page.pk if info else None,
                    starts,
                    ends,
                    f"Salle de conférence, {n + 1}",
                    region,
                    organiser,
                    funder,
                    f"{SESSION_MARK}\nFormateur n° {n % 7 + 1}",
                    _aware(ends, rng),
                )
            )
            people = by_region[region]
            for user in rng.sample(people, min(len(people), rng.randint(15, 40))):
                certificate = None
                if info is not None and rng.random() < 0.8:
                    certificate = self.writer.next_id(Certificate)
                    certificates.append(
                        self._certificate_row(
                            certificate,
                            holder=user,
                            course=info.page,
                            issued_on=ends,
                            manual_reason=f"Présence à l'atelier en présentiel n° {n + 1}.",
                        )
                    )
                    later = self.online_certificate.get((user, info.page.pk))
                    if later and later[1] > ends:
                        supersede.append((certificate, later))
                attendances.append(
                    (self.writer.next_id(Attendance), pk, user, certificate, _aware(ends, rng))
                )
        self.writer.write(
            TrainingSession,
            [
                "id",
                "title",
                "course_id",
                "starts_on",
                "ends_on",
                "place",
                "region_id",
                "organiser",
                "funder",
                "trainers",
                "created_at",
            ],
            sessions,
        )
        self.writer.write(Certificate, self.CERTIFICATE_FIELDS, certificates)
        self.writer.write(
            Attendance,
            ["id", "session_id", "person_id", "certificate_id", "created_at"],
            attendances,
        )
        for old, (new, day) in supersede:
            Certificate.objects.filter(pk=old).update(
                superseded_by_id=new, superseded_at=_aware(day, rng)
            )
        self._count("in-person sessions", len(sessions))
        self._count("attendances", len(attendances))
        self._count("certificates (attendance)", len(certificates))
        self._count("certificates superseded", len(supersede))
        self.report.advance(f"{len(sessions)} sessions, {len(attendances)} attendances")

    def _assignments(self) -> None:
        """Each cohort is assigned the first course by its institution's manager; due dates
        spread so that some are overdue."""
        if not self.courses:
            return
        rows = []
        for pk, institution, _group, created in self.cohorts:
            due = created + dt.timedelta(days=self.rng.randint(60, 400))
            rows.append(
                (
                    self.writer.next_id(Assignment),
                    institution,
                    self.courses[0].page.pk,
                    pk,
                    due,
                    self.manager_of[institution],
                    _aware(created, self.rng),
                )
            )
        self.writer.write(
            Assignment,
            [
                "id",
                "institution_id",
                "course_id",
                "cohort_id",
                "due_on",
                "assigned_by_id",
                "created_at",
            ],
            rows,
        )
        self._count("assignments", len(rows))
        self.report.advance(f"{len(rows)} assignments")


def generate(
    people: int,
    *,
    seed: int = 2012,
    password: str | None = None,
    out: Callable[[str], None] | None = None,
) -> dict[str, int]:
    courses = catalogue()
    if not courses:
        raise ValueError("the demo catalogue is missing: run `manage.py seed_demo` first")
    return LoadGenerator(people, seed=seed, password=password, out=out).run(courses)


def reset() -> None:
    """Remove everything the load added (its people and what hangs from them, its sessions,
    cohorts and the institutions left empty)."""
    people = load_people()
    with transaction.atomic():
        Attendance.objects.filter(person__in=people).delete()
        certificates = Certificate.objects.filter(holder__in=people)
        Certificate.objects.filter(superseded_by__in=certificates).update(superseded_by=None)
        certificates.update(superseded_by=None)
        certificates.delete()
        Assignment.objects.filter(assigned_by__in=people).delete()
        Answer.objects.filter(attempt__user__in=people).delete()
        Attempt.objects.filter(user__in=people).delete()
        LessonProgress.objects.filter(user__in=people).delete()
        ModuleCompletion.objects.filter(user__in=people).delete()
        Enrolment.objects.filter(user__in=people).delete()
        Cohort.members.through.objects.filter(user__in=people).delete()
        institutions = list(
            Membership.objects.filter(user__in=people)
            .values_list("institution", flat=True)
            .distinct()
        )
        Membership.objects.filter(user__in=people).delete()
        people.delete()
        TrainingSession.objects.filter(
            trainers__startswith=SESSION_MARK, attendances__isnull=True
        ).delete()
        Cohort.objects.filter(institution__in=institutions, members__isnull=True).delete()
        Institution.objects.filter(
            pk__in=institutions, memberships__isnull=True, cohorts__isnull=True
        ).exclude(assignments__isnull=False).delete()
