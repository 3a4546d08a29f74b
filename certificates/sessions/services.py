"""Writes on in-person sessions and their attendance lists. Each leaves a Wagtail audit log entry;
refusals raise CertificateRefused with a message for the user (French by default)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from certificates.models import Attendance, TrainingSession
from certificates.services import (
    CertificateRefused,
    holder_name_of,
    issue_attendance_certificate_once,
)
from courses.models import CoursePage
from people.models import Region, User

SESSION_FIELDS = (
    "title",
    "course",
    "starts_on",
    "ends_on",
    "place",
    "region",
    "organiser",
    "funder",
    "trainers",
)
# Once certificates rest on a session, what they certify can no longer change under them.
CERTIFIED_FIELDS = ("course", "starts_on", "ends_on")


def _clean(fields: dict) -> dict:
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("title", "place", "organiser", "funder"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "trainers" in cleaned:
        lines = (cleaned["trainers"] or "").splitlines()
        cleaned["trainers"] = "\n".join(line.strip() for line in lines if line.strip())
    course = cleaned.get("course")
    if course is not None:
        from courses.services import canonical

        cleaned["course"] = canonical(course)
    return cleaned


def _check(session: TrainingSession) -> None:
    missing = [
        label
        for name, label in (
            ("title", _("title")),
            ("place", _("place")),
            ("organiser", _("organiser")),
        )
        if not getattr(session, name)
    ]
    if missing:
        raise CertificateRefused(_("Fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    if session.region_id is None:
        raise CertificateRefused(_("Choose the region where the session took place."))
    if not isinstance(session.starts_on, datetime.date) or not isinstance(
        session.ends_on, datetime.date
    ):
        raise CertificateRefused(_("Give the first and the last day of the session."))
    if session.ends_on < session.starts_on:
        raise CertificateRefused(_("The last day cannot be before the first day."))


def record_session(*, recorded_by: User, **fields) -> TrainingSession:
    """A new in-person session (its attendance list comes next)."""
    session = TrainingSession(created_by=recorded_by, **_clean(fields))
    _check(session)
    with transaction.atomic():
        # A form sent twice (or the same workshop typed twice) would count it twice.
        if TrainingSession.objects.filter(
            title__iexact=session.title,
            starts_on=session.starts_on,
            ends_on=session.ends_on,
            region=session.region_id,
        ).exists():
            raise CertificateRefused(
                _("A session with this title, region and dates is already recorded.")
            )
        session.save()
        log(instance=session, action="certificates.session_record", user=recorded_by)
    return session


def update_session(*, session: TrainingSession, changed_by: User, **fields) -> TrainingSession:
    """Change a session's details. Its course and dates are frozen once a certificate rests on
    them."""
    fields = _clean(fields)
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        changed = [name for name, value in fields.items() if getattr(session, name) != value]
        if not changed:
            return session
        certified = [name for name in changed if name in CERTIFIED_FIELDS]
        if certified and session.attendances.filter(certificate__isnull=False).exists():
            raise CertificateRefused(
                _(
                    "Attendance certificates were issued for this session: its course and dates "
                    "can no longer change."
                )
            )
        for name in changed:
            setattr(session, name, fields[name])
        _check(session)
        session.save(update_fields=changed)
        log(
            instance=session,
            action="certificates.session_change",
            user=changed_by,
            data={"fields": changed},
        )
    return session


def add_attendees(*, session: TrainingSession, people: Iterable[User], added_by: User) -> int:
    """Put people on the attendance list; those already on it are left as they are. Returns how
    many were added. Safe to run twice (the database holds one row per person and session)."""
    people = {person.pk: person for person in people}
    if not people:
        return 0
    with transaction.atomic():
        already = set(
            session.attendances.filter(person_id__in=people).values_list("person_id", flat=True)
        )
        new = [pk for pk in people if pk not in already]
        Attendance.objects.bulk_create(
            [Attendance(session=session, person_id=pk) for pk in new], ignore_conflicts=True
        )
        if new:
            log(
                instance=session,
                action="certificates.session_attendees_add",
                user=added_by,
                data={"people": sorted(new)},
            )
    return len(new)


def remove_attendee(*, attendance: Attendance, removed_by: User) -> None:
    """Take a person off the list, unless an attendance certificate rests on their presence."""
    with transaction.atomic():
        locked = Attendance.objects.select_for_update().filter(pk=attendance.pk).first()
        if locked is None:
            return
        if locked.certificate_id:
            raise CertificateRefused(
                _(
                    "%(person)s received an attendance certificate for this session: the "
                    "attendance is kept (revoke the certificate if it was issued by mistake)."
                )
                % {"person": locked.person}
            )
        locked.delete()
        log(
            instance=locked.session,
            action="certificates.session_attendee_remove",
            user=removed_by,
            data={"person": locked.person_id},
        )


@dataclass(frozen=True)
class IssueOutcome:
    issued: int
    already: int
    # Participants without a full name: a certificate names its holder, so theirs waits until
    # the name is given and the certificates are issued again.
    unnamed: int = 0


def issue_attendance_certificates(*, session: TrainingSession, issued_by: User) -> IssueOutcome:
    """An attendance certificate for everyone on the list who has none yet (each through
    issue_attendance_certificate, so running it twice issues nothing more)."""
    if session.course_id is None:
        raise CertificateRefused(
            _(
                "This session corresponds to no course: it cannot issue certificates. "
                "Choose its course first."
            )
        )
    if not session.attendances.exists():
        raise CertificateRefused(_("The attendance list is empty: add the participants first."))
    issued = already = unnamed = 0
    for attendance in session.attendances.select_related("session", "person").order_by("pk"):
        if attendance.certificate_id:
            already += 1
            continue
        if not holder_name_of(attendance.person):
            unnamed += 1
            continue
        # Another request may have issued it meanwhile: it then counts as already there.
        _certificate, new = issue_attendance_certificate_once(
            attendance=attendance, issued_by=issued_by
        )
        if new:
            issued += 1
        else:
            already += 1
    return IssueOutcome(issued=issued, already=already, unnamed=unnamed)


def active_regions():
    return Region.objects.filter(is_active=True)


def french_courses():
    return CoursePage.objects.filter(locale__language_code="fr").order_by("title")
