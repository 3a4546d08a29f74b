"""Attendance import: a CSV or XLSX file with one row per participant, found by e-mail address
or staff number (matricule). Planned first (the dry run lists every row's problem), then applied
in one transaction only if no row has a problem; people already on the list are left as they
are, so importing the same file again changes nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from certificates.models import TrainingSession
from certificates.services import CertificateRefused
from certificates.sessions.services import add_attendees
from people.models import User
from people.spreadsheets import SpreadsheetError, csv_bytes, fold, read_rows, xlsx_bytes

COLUMNS = ["nom complet", "e-mail", "matricule"]
FIELDS = ["full_name", "email", "matricule"]
MAX_ROWS = 2_000
MAX_BYTES = 2 * 1024 * 1024

_HEADERS = {fold(column): name for column, name in zip(COLUMNS, FIELDS, strict=True)}
_HEADERS.update(
    {
        "email": "email",
        "e mail": "email",
        "courriel": "email",
        "nom": "full_name",
        "full name": "full_name",
        "staff number": "matricule",
    }
)


class Action:
    ADD = "add"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class AttendanceRow:
    line: int
    full_name: str = ""
    email: str = ""
    matricule: str = ""
    action: str = Action.ADD
    person_id: int | None = None
    person_name: str = ""
    errors: list[str] = field(default_factory=list)


def read_attendance_file(uploaded) -> list[dict]:
    """The rows of an uploaded CSV or XLSX file as dicts of FIELDS (strings); a file that cannot
    be read raises CertificateRefused."""
    try:
        return read_rows(
            uploaded,
            headers=_HEADERS,
            fields=FIELDS,
            required_any=["email", "matricule"],
            missing_columns_message=_(
                "The first line must hold the column names of the template: %(columns)s "
                "(at least “e-mail” or “matricule”)."
            )
            % {"columns": ", ".join(COLUMNS)},
            max_rows=MAX_ROWS,
            max_bytes=MAX_BYTES,
        )
    except SpreadsheetError as error:
        raise CertificateRefused(error.message) from error


def plan_attendance(*, session: TrainingSession, rows: list[dict]) -> list[AttendanceRow]:
    """What importing `rows` would do, row by row; writes nothing. Three queries whatever the
    number of rows."""
    plans = [
        AttendanceRow(line=i + 2, **{k: str(row.get(k, "") or "").strip() for k in FIELDS})
        for i, row in enumerate(rows)
    ]
    for plan in plans:
        plan.email = plan.email.lower()
    emails = {p.email for p in plans if p.email}
    matricules = {p.matricule for p in plans if p.matricule}
    by_email: dict[str, User] = {}
    by_matricule: dict[str, list[User]] = {}
    if emails or matricules:
        for user in User.objects.filter(email__in=emails) | User.objects.filter(
            matricule__in=matricules
        ):
            by_email[user.email.lower()] = user
            if user.matricule:
                by_matricule.setdefault(user.matricule, []).append(user)
    present = set(session.attendances.values_list("person_id", flat=True))
    seen: dict[int, int] = {}
    for plan in plans:
        _plan_row(plan, by_email, by_matricule, present, seen)
    return plans


def _plan_row(plan, by_email, by_matricule, present, seen) -> None:
    errors = plan.errors
    person = None
    if not plan.email and not plan.matricule:
        errors.append(_("Give the person's e-mail address or staff number."))
    elif plan.email:
        person = by_email.get(plan.email)
        if person is None:
            errors.append(
                _("Nobody on the platform has the e-mail address “%(email)s”.")
                % {"email": plan.email}
            )
        elif plan.matricule and person.matricule != plan.matricule:
            errors.append(
                _("The staff number “%(matricule)s” is not that of %(email)s.")
                % {"matricule": plan.matricule, "email": plan.email}
            )
            person = None
    else:
        found = by_matricule.get(plan.matricule, [])
        if not found:
            errors.append(
                _("Nobody on the platform has the staff number “%(matricule)s”.")
                % {"matricule": plan.matricule}
            )
        elif len(found) > 1:
            errors.append(
                _(
                    "Several people have the staff number “%(matricule)s”: give the e-mail "
                    "address instead."
                )
                % {"matricule": plan.matricule}
            )
        else:
            person = found[0]
    if person is not None:
        if not person.is_active:
            errors.append(_("%(person)s's account is deactivated.") % {"person": person})
        if person.pk in seen:
            errors.append(
                _("This person is already on line %(line)s of the file.")
                % {"line": seen[person.pk]}
            )
        else:
            seen[person.pk] = plan.line
        plan.person_id = person.pk
        plan.person_name = str(person)
    if errors:
        plan.action = Action.ERROR
    elif plan.person_id in present:
        plan.action = Action.UNCHANGED
    else:
        plan.action = Action.ADD


def summarise(plans: list[AttendanceRow]) -> dict[str, int]:
    counts = dict.fromkeys([Action.ADD, Action.UNCHANGED, Action.ERROR], 0)
    for plan in plans:
        counts[plan.action] += 1
    return counts


def apply_attendance(*, session: TrainingSession, rows: list[dict], imported_by: User) -> int:
    """Add every participant of the file or none: the plan is made again inside the transaction
    and any row's problem stops it. Returns how many were added."""
    with transaction.atomic():
        # The session row lock serialises two confirmations of the same import.
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        plans = plan_attendance(session=session, rows=rows)
        if summarise(plans)[Action.ERROR]:
            raise CertificateRefused(
                _("The file has errors: nothing was imported. Correct them and upload it again.")
            )
        people = User.objects.filter(pk__in=[p.person_id for p in plans if p.action == Action.ADD])
        return add_attendees(session=session, people=people, added_by=imported_by)


def plans_as_dicts(plans: list[AttendanceRow]) -> list[dict]:
    return [asdict(plan) for plan in plans]


def template_csv() -> bytes:
    return csv_bytes(COLUMNS, [])


def template_xlsx() -> bytes:
    return xlsx_bytes(
        "Participants", COLUMNS, [["Awa Diallo", "awa.diallo@example.ml", "P-2026-001"]]
    )
