"""Roster import: read a CSV or XLSX file, plan each row (dry run), then apply the plan in one
transaction. Messages are in French first (they are shown to the manager who uploaded)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from people import services as people_services
from people.choices import MembershipRole, MembershipStatus, Profession, Sex
from people.manager import services as cohort_services
from people.models import Cohort, Institution, Membership, RosterImport, RosterImportStatus, User
from people.roles import PRIVILEGED_GROUPS
from people.spreadsheets import (
    SpreadsheetError,
    XlsxBook,
    csv_bytes,
    fitted_widths,
    fold,
    read_rows,
    sheet_range,
)

COLUMNS = ["nom complet", "e-mail", "matricule", "profession", "sexe", "cohorte"]
FIELDS = ["full_name", "email", "matricule", "profession", "sex", "cohort"]
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024


# A file that cannot be read, or a roster that cannot be applied; `message` is for the manager.
RosterFileError = SpreadsheetError


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowPlan:
    line: int
    full_name: str = ""
    email: str = ""
    matricule: str = ""
    profession: str = ""
    sex: str = ""
    cohort: str = ""
    action: str = Action.UNCHANGED
    new_cohort: bool = False  # its cohort does not exist yet: the import would create it
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


_HEADERS = {fold(column): name for column, name in zip(COLUMNS, FIELDS, strict=True)}
_HEADERS.update({"email": "email", "e mail": "email", "courriel": "email", "nom": "full_name"})


def _choices_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[fold(value)] = value
        for language in ("fr", "en"):
            with override(language):
                lookup[fold(str(label))] = value
    return lookup


def _sex_lookup() -> dict[str, str]:
    lookup = _choices_lookup(Sex.choices)
    lookup.update({"femme": Sex.FEMALE, "homme": Sex.MALE, "feminin": Sex.FEMALE})
    lookup.update({"masculin": Sex.MALE, "h": Sex.MALE})
    return lookup


# --- Reading ----------------------------------------------------------------------------------


def read_roster(uploaded) -> list[dict]:
    """The rows of an uploaded CSV or XLSX file as dicts of FIELDS (strings)."""
    return read_rows(
        uploaded,
        headers=_HEADERS,
        fields=FIELDS,
        required_any=["email"],
        missing_columns_message=_(
            "The first line must hold the column names of the template: %(columns)s."
        )
        % {"columns": ", ".join(COLUMNS)},
        max_rows=MAX_ROWS,
        max_bytes=MAX_BYTES,
    )


TEMPLATE_EXAMPLE = [
    "Awa Diallo",
    "awa.diallo@example.ml",
    "P-2026-001",
    "Policier",
    "F",
    "Promotion 2026",
]


def template_csv() -> bytes:
    return csv_bytes(COLUMNS, [])


def template_xlsx() -> bytes:
    """The roster sheet (one example row; profession and sex offer their allowed values as a
    drop-down list) and a second sheet listing those values. Only the first sheet is read back."""
    with override("fr"):
        professions = [str(label) for _value, label in Profession.choices]
        sexes = [(value, str(label)) for value, label in Sex.choices]
        roster_title, values_title = _("Roster"), _("Allowed values")
        values_header = [
            _("profession (write one of these)"),
            _("sex (F or M)"),
            _("meaning"),
        ]
        warning = _("Use a value of the sheet “%(sheet)s”.") % {"sheet": values_title}
    book = XlsxBook()
    widths = fitted_widths([COLUMNS, TEMPLATE_EXAMPLE], least=14)
    roster = book.sheet(roster_title, COLUMNS, widths=widths)
    roster.append(TEMPLATE_EXAMPLE)
    last_row = MAX_ROWS + 1
    roster.choose_from(
        FIELDS.index("profession") + 1,
        sheet_range(values_title, 1, 2, len(professions) + 1),
        last_row=last_row,
        title=values_title,
        message=warning,
    )
    roster.choose_from(
        FIELDS.index("sex") + 1,
        sheet_range(values_title, 2, 2, len(sexes) + 1),
        last_row=last_row,
        title=values_title,
        message=warning,
    )
    rows = [
        [profession, *(sexes[index] if index < len(sexes) else ("", ""))]
        for index, profession in enumerate(professions)
    ]
    values = book.sheet(values_title, values_header, widths=fitted_widths([values_header, *rows]))
    for row in rows:
        values.append(row)
    return book.save()


# --- Planning (the dry run) -------------------------------------------------------------------


def column_lengths() -> dict[str, int]:
    """The longest value each text column may hold: the max_length of the model field it is
    saved in (what the database would refuse, checked in the dry run instead)."""
    fields = {
        "full_name": User._meta.get_field("full_name"),
        "email": User._meta.get_field("email"),
        "matricule": User._meta.get_field("matricule"),
        "cohort": Cohort._meta.get_field("name"),
    }
    return {name: field.max_length for name, field in fields.items()}


_COLUMN_OF = dict(zip(FIELDS, COLUMNS, strict=True))


def plan_rows(*, institution: Institution, rows: list[dict]) -> list[RowPlan]:
    """What importing `rows` into `institution` would do, row by row; writes nothing. A constant
    number of queries whatever the number of rows."""
    professions = _choices_lookup(Profession.choices)
    sexes = _sex_lookup()
    plans = [
        RowPlan(line=i + 2, **{k: row.get(k, "") for k in FIELDS}) for i, row in enumerate(rows)
    ]
    emails = {p.email.lower() for p in plans if p.email}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    memberships: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(user__in=users.values()):
        memberships.setdefault(m.user_id, []).append(m)
    # Accounts with powers (people.access) are never changed by an import.
    privileged = set(
        User.groups.through.objects.filter(
            user__in=users.values(), group__name__in=PRIVILEGED_GROUPS
        ).values_list("user_id", flat=True)
    )
    for user in users.values():
        if (
            user.is_superuser
            or user.is_staff
            or any(
                m.role == MembershipRole.MANAGER and m.status == MembershipStatus.ACTIVE
                for m in memberships.get(user.pk, [])
            )
        ):
            privileged.add(user.pk)
    cohort_names = {p.cohort for p in plans if p.cohort}
    cohorts = {
        c.name: c for c in Cohort.objects.filter(institution=institution, name__in=cohort_names)
    }
    in_cohort = set(
        Cohort.members.through.objects.filter(
            cohort__in=cohorts.values(), user__in=users.values()
        ).values_list("cohort_id", "user_id")
    )
    seen: dict[str, int] = {}
    lengths = column_lengths()
    for plan in plans:
        _check_lengths(plan, lengths)
        _plan_row(
            plan,
            institution,
            professions,
            sexes,
            users,
            memberships,
            cohorts,
            in_cohort,
            seen,
            privileged,
        )
    return plans


def _check_lengths(plan: RowPlan, lengths: dict[str, int]) -> None:
    for name, most in lengths.items():
        length = len(getattr(plan, name))
        if length > most:
            plan.errors.append(
                _("The column “%(column)s” holds %(length)s characters: %(max)s at most.")
                % {"column": _COLUMN_OF[name], "length": length, "max": most}
            )


def _plan_row(
    plan, institution, professions, sexes, users, memberships, cohorts, in_cohort, seen, privileged
):
    errors = plan.errors
    plan.email = plan.email.lower()
    if not plan.email:
        errors.append(_("The e-mail address is missing."))
    else:
        try:
            validate_email(plan.email)
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": plan.email})
        if plan.email in seen:
            errors.append(
                _("This e-mail address is already on line %(line)s of the file.")
                % {"line": seen[plan.email]}
            )
        else:
            seen[plan.email] = plan.line
    if not plan.full_name:
        errors.append(_("The full name is missing."))
    if plan.profession:
        value = professions.get(fold(plan.profession))
        if value is None:
            errors.append(_("Unknown profession “%(value)s”.") % {"value": plan.profession})
        plan.profession = value or plan.profession
    if plan.sex:
        value = sexes.get(fold(plan.sex))
        if value is None:
            errors.append(_("Unknown sex “%(value)s” (F or M).") % {"value": plan.sex})
        plan.sex = value or plan.sex
    plan.new_cohort = bool(plan.cohort) and plan.cohort not in cohorts
    user = users.get(plan.email)
    own = []
    if user is not None:
        # An import creates people and updates its own institution's members (and those who
        # asked to join it); it never takes over another account.
        own = [m for m in memberships.get(user.pk, []) if m.institution_id == institution.pk]
        if user.pk in privileged:
            errors.append(
                _(
                    "This e-mail address belongs to an account with staff powers: an import "
                    "never changes it."
                )
            )
        elif not own:
            errors.append(
                _(
                    "This e-mail address belongs to an existing account: invite the person to "
                    "request to join your institution from their profile."
                )
            )
    if errors:
        plan.action = Action.ERROR
        return
    if user is None:
        plan.action = Action.CREATE
        return
    changes = plan.changes
    for name, label in (
        ("full_name", _("full name")),
        ("matricule", _("staff number")),
        ("profession", _("profession")),
        ("sex", _("sex")),
    ):
        new = getattr(plan, name)
        if new and new != getattr(user, name):
            changes.append(label)
    if not own or own[0].status != MembershipStatus.ACTIVE:
        changes.append(_("membership"))
    if plan.cohort:
        cohort = cohorts.get(plan.cohort)
        if cohort is None or (cohort.pk, user.pk) not in in_cohort:
            changes.append(_("cohort"))
    plan.action = Action.UPDATE if changes else Action.UNCHANGED


def summarise(plans: list[RowPlan]) -> dict[str, int]:
    counts = dict.fromkeys([Action.CREATE, Action.UPDATE, Action.UNCHANGED, Action.ERROR], 0)
    for plan in plans:
        counts[plan.action] += 1
    return counts


def cohorts_to_create(plans: list[RowPlan]) -> list[str]:
    """The cohorts the file names that do not exist yet: the import creates them only once the
    manager has confirmed each (a misspelt cohort would otherwise appear silently)."""
    return sorted({p.cohort for p in plans if p.new_cohort and p.action != Action.ERROR})


# --- Applying ---------------------------------------------------------------------------------


def progress_key(roster_import_id: int) -> str:
    return f"roster-import-progress-{roster_import_id}"


def apply_import(*, roster_import: RosterImport) -> dict:
    """Write every row of a confirmed import, or none: the plan is made again inside the
    transaction and any error stops it. Returns the summary (with the ids of the new people,
    who get an invitation)."""
    institution = roster_import.institution
    with transaction.atomic():
        plans = plan_rows(institution=institution, rows=roster_import.rows)
        counts = summarise(plans)
        if counts[Action.ERROR]:
            raise RosterFileError(
                _("The file has errors: nothing was imported. Correct them and upload it again.")
            )
        total = len(plans)
        cache.set(progress_key(roster_import.pk), 0, 3600)
        created = _create_people([p for p in plans if p.action == Action.CREATE])
        cache.set(progress_key(roster_import.pk), counts[Action.CREATE], 3600)
        users = {u.email: u for u in User.objects.filter(email__in=[p.email for p in plans])}
        active = set(
            Membership.objects.filter(
                institution=institution, user__in=users.values(), status=MembershipStatus.ACTIVE
            ).values_list("user_id", flat=True)
        )
        new_memberships = []
        done = counts[Action.CREATE]
        for plan in plans:
            user = users[plan.email]
            if plan.action == Action.UPDATE:
                fields = [
                    n for n in ("full_name", "matricule", "profession", "sex") if getattr(plan, n)
                ]
                for name in fields:
                    setattr(user, name, getattr(plan, name))
                user.save(update_fields=fields)
                done += 1
            if user.pk not in active:
                if user.pk in created:
                    new_memberships.append(
                        Membership(
                            user=user,
                            institution=institution,
                            role=MembershipRole.LEARNER,
                            status=MembershipStatus.ACTIVE,
                        )
                    )
                else:
                    # The person asked to join: the import accepts the request, as a learner.
                    Membership.objects.update_or_create(
                        user=user,
                        institution=institution,
                        defaults={
                            "status": MembershipStatus.ACTIVE,
                            "role": MembershipRole.LEARNER,
                        },
                    )
                    people_services.sync_manager_group(user=user)
            if done % 250 == 0:
                cache.set(progress_key(roster_import.pk), done, 3600)
        Membership.objects.bulk_create(new_memberships)
        by_cohort: dict[str, list[User]] = {}
        for plan in plans:
            if plan.cohort:
                by_cohort.setdefault(plan.cohort, []).append(users[plan.email])
        for name, members in by_cohort.items():
            cohort, _created = Cohort.objects.get_or_create(institution=institution, name=name)
            cohort_services.add_cohort_members(cohort=cohort, users=members)
        cache.set(progress_key(roster_import.pk), total, 3600)
        summary = {**counts, "invite": sorted(created)}
        roster_import.status = RosterImportStatus.DONE
        roster_import.summary = summary
        roster_import.finished_at = timezone.now()
        roster_import.save(update_fields=["status", "summary", "finished_at"])
    return summary


def _create_people(plans: list[RowPlan]) -> set[int]:
    users = []
    for plan in plans:
        user = User(
            email=plan.email,
            full_name=plan.full_name,
            matricule=plan.matricule,
            profession=plan.profession,
            sex=plan.sex,
        )
        # No password until the person follows the invitation link.
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    ids = dict(User.objects.filter(email__in=[p.email for p in plans]).values_list("email", "pk"))
    # The manager vouches for the address; following the invitation link proves it.
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=ids[p.email], email=p.email, verified=True, primary=True)
            for p in plans
        ],
        batch_size=500,
    )
    return set(ids.values())


def plans_as_dicts(plans: list[RowPlan]) -> list[dict]:
    return [asdict(plan) for plan in plans]
