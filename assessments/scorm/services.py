"""Writes and rules of the SCORM part: import a package (or a new version of it), delete it,
start and record an attempt from what the runtime commits, and tell whether a lesson's SCORM
modules are met (the lesson-completion rule registered in `AssessmentsConfig.ready()`)."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.blocks import StructValue
from wagtail.log_actions import log
from wagtail.models import Page

from assessments.models import ScormAttempt, ScormPackage
from assessments.models.scorm import scorm_storage_path
from assessments.packages.extraction import DEFAULT_LIMITS, Limits, PackageError, extract_archive
from assessments.packages.streams import struct_values
from assessments.scorm.manifest import SCORM_POLICY, Manifest, read_manifest
from assessments.signals import scorm_result_recorded

# SCORM 2004 allows 64,000 characters of suspend data, SCORM 1.2 4,096; authoring tools often
# write more than 1.2 allows, and LMSs keep it: so do we, up to the 2004 bound.
MAX_SUSPEND_DATA = 64000
MAX_LOCATION = 1000


# --- Packages --------------------------------------------------------------------------------


@dataclass
class OpenedPackage:
    root: Path
    files: list[str]
    manifest: Manifest
    content_hash: str


def _hash_files(folder: Path, files: list[str]) -> str:
    digest = hashlib.sha256(b"scorm\0")
    for relative in sorted(files):
        digest.update(relative.encode() + b"\0")
        with open(folder / relative, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


@contextmanager
def open_scorm_package(
    file: BinaryIO | str | Path, *, limits: Limits = DEFAULT_LIMITS
) -> Iterator[OpenedPackage]:
    """Extract a package safely and read its manifest, in a temporary folder removed on exit."""
    if hasattr(file, "seek"):
        file.seek(0)
    with tempfile.TemporaryDirectory(prefix="scorm-") as folder:
        root = Path(folder)
        notes: list[dict] = []
        files = extract_archive(file, root, policy=SCORM_POLICY, limits=limits, notes=notes)
        manifest = read_manifest(root, files)
        manifest.notes = notes + manifest.notes
        yield OpenedPackage(root, files, manifest, _hash_files(root, files))


class DuplicatePackage(PackageError):
    """The same package (the same files) is already stored as `existing`."""

    def __init__(self, existing: ScormPackage):
        super().__init__(
            _("This package has already been uploaded as “%(title)s”.") % {"title": existing.title},
            code="duplicate",
        )
        self.existing = existing


def _store_files(opened: OpenedPackage) -> list[str]:
    """Store the files under the content hash; returns the names written (to undo on failure)."""
    written: list[str] = []
    try:
        for relative in opened.files:
            name = scorm_storage_path(opened.content_hash, relative)
            if default_storage.exists(name):
                continue  # content-addressed: the same bytes, from an earlier import
            with open(opened.root / relative, "rb") as handle:
                saved = default_storage.save(name, File(handle))
            written.append(saved)
            if saved != name:
                raise RuntimeError(f"storage renamed {name} to {saved}")
    except BaseException:
        _delete_files(written)
        raise
    return written


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _refuse_duplicate(content_hash: str, exclude: int | None = None) -> None:
    existing = ScormPackage.objects.filter(content_hash=content_hash).exclude(pk=exclude).first()
    if existing is not None:
        raise DuplicatePackage(existing)


def _manifest_fields(opened: OpenedPackage) -> dict[str, Any]:
    manifest = opened.manifest
    return {
        "version": manifest.version,
        "schema_version": manifest.schema_version,
        "content_hash": opened.content_hash,
        "files": opened.files,
        "launch_path": manifest.launch_path,
        "launch_query": manifest.launch_query,
        "organisations": manifest.organisations,
        "mastery_score": manifest.mastery_score,
        "import_notes": manifest.notes,
    }


def _default_title(opened: OpenedPackage) -> str:
    for organisation in opened.manifest.organisations:
        if organisation["default"] and organisation["title"]:
            return organisation["title"]
    return opened.manifest.launch_path


def import_scorm_package(
    *,
    file: BinaryIO | str | Path,
    uploaded_by=None,
    title: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> ScormPackage:
    """Check and store a SCORM 1.2 or 2004 package. Raises `PackageError` (`DuplicatePackage`
    when the same files are stored already) and then leaves no file and no row."""
    with open_scorm_package(file, limits=limits) as opened:
        _refuse_duplicate(opened.content_hash)
        written = _store_files(opened)
        try:
            with transaction.atomic():
                package = ScormPackage.objects.create(
                    title=(title or _default_title(opened))[:255],
                    uploaded_by=uploaded_by,
                    **_manifest_fields(opened),
                )
        except IntegrityError:
            # The same package stored at the same moment: its files are these very bytes.
            raise DuplicatePackage(
                ScormPackage.objects.get(content_hash=opened.content_hash)
            ) from None
        except BaseException:
            _delete_files(written)
            raise
    return package


def replace_scorm_package(
    *, package: ScormPackage, file: BinaryIO | str | Path, replaced_by=None, limits=DEFAULT_LIMITS
) -> ScormPackage:
    """Give a package a new version: the same row (the lessons that place it, the learners'
    attempts, kept), new files; the old files are deleted once this is committed. An attempt
    begun on the old version is not resumed: the next launch starts a new one."""
    with open_scorm_package(file, limits=limits) as opened:
        if opened.content_hash == package.content_hash:
            raise PackageError(
                _("This is the package the module already has: nothing to replace."), code="same"
            )
        _refuse_duplicate(opened.content_hash, exclude=package.pk)
        written = _store_files(opened)
        try:
            with transaction.atomic():
                locked = ScormPackage.objects.select_for_update().get(pk=package.pk)
                old = [locked.storage_path(relative) for relative in locked.files]
                for name, value in _manifest_fields(opened).items():
                    setattr(locked, name, value)
                locked.save()
                log(instance=locked, action="assessments.scorm_replace", user=replaced_by)
                transaction.on_commit(lambda: _delete_files(old))
        except IntegrityError:
            _delete_files(written)
            raise DuplicatePackage(
                ScormPackage.objects.get(content_hash=opened.content_hash)
            ) from None
        except BaseException:
            _delete_files(written)
            raise
    return locked


class PackageInUse(ValidationError):
    """A package learners have attempts at: kept (their results stay in the reports)."""


def deletion_refused(package: ScormPackage) -> PackageInUse | None:
    learners = package.attempts.values("user").distinct().count()
    if not learners:
        return None
    return PackageInUse(
        ngettext(
            "“%(title)s” cannot be deleted: %(count)d learner has results for it, kept in the "
            "reports. Remove it from its lessons instead.",
            "“%(title)s” cannot be deleted: %(count)d learners have results for it, kept in the "
            "reports. Remove it from its lessons instead.",
            learners,
        )
        % {"title": package.title, "count": learners},
        code="in_use",
    )


def delete_scorm_package(*, package: ScormPackage, deleted_by=None) -> None:
    with transaction.atomic():
        locked = ScormPackage.objects.select_for_update().get(pk=package.pk)
        if refusal := deletion_refused(locked):
            raise refusal
        files = [locked.storage_path(relative) for relative in locked.files]
        log(instance=locked, action="wagtail.delete", user=deleted_by)
        locked.delete()
        transaction.on_commit(lambda: _delete_files(files))


# --- Modules placed in lessons ---------------------------------------------------------------


class CompletionRule:
    COMPLETED = "completed"
    PASSED = "passed"


@dataclass(frozen=True)
class LessonModule:
    """A SCORM package as a lesson places it: the block's settings."""

    package: ScormPackage
    title: str
    completion_rule: str
    minimum_score: int  # percent, for the "passed" rule
    counts_for_completion: bool

    def met_by(self, attempts) -> bool:
        """True when one of `attempts` (a queryset) meets the block's rule."""
        if self.completion_rule == CompletionRule.PASSED:
            return attempts.passed(self.minimum_score / 100).exists()
        return attempts.completed().exists()


def _is_scorm_value(value: Any) -> bool:
    return (
        isinstance(value, StructValue)
        and {"package", "completion_rule", "counts_for_completion"} <= set(value.keys())
        and (value.get("package") is None or isinstance(value.get("package"), ScormPackage))
    )


def lesson_scorm_modules(lesson: Page) -> list[LessonModule]:
    """The SCORM module blocks of a lesson that name a package, in page order."""
    return [
        LessonModule(
            package=value["package"],
            title=value.get("title") or value["package"].title,
            completion_rule=value.get("completion_rule") or CompletionRule.COMPLETED,
            minimum_score=int(value.get("minimum_score") or 0),
            counts_for_completion=bool(value.get("counts_for_completion")),
        )
        for value in struct_values(lesson, _is_scorm_value)
        if value.get("package") is not None
    ]


def module_in_lesson(*, lesson: Page, package_id: int) -> LessonModule | None:
    for placed in lesson_scorm_modules(lesson):
        if placed.package.pk == package_id:
            return placed
    return None


def lesson_scorm_requirements_met(*, user, lesson: Page) -> bool:
    """True when, for every SCORM module of `lesson` that counts for completion, one attempt of
    `user` in this lesson (or a translation of it) meets the block's rule. Practice evidence:
    it completes lessons, never alone earns a certificate (`assessments.evidence`)."""
    attempts = ScormAttempt.objects.filter(
        user=user, lesson__translation_key=lesson.translation_key
    )
    return all(
        placed.met_by(attempts.filter(package=placed.package))
        for placed in lesson_scorm_modules(lesson)
        if placed.counts_for_completion
    )


# --- The runtime -----------------------------------------------------------------------------


class CommitRefused(ValidationError):
    """A commit refused, with a message for the answer."""


def _finished(attempt: ScormAttempt) -> bool:
    """An attempt the learner ended (not suspended) with a final status: the next launch starts
    a new one. A suspended attempt, or one still incomplete, is resumed."""
    return attempt.finished_at is not None


def current_attempt(*, user, lesson: Page, package: ScormPackage) -> ScormAttempt | None:
    """The attempt to resume, or None when the next launch starts a new one."""
    latest = (
        ScormAttempt.objects.filter(user=user, lesson=lesson, package=package)
        .order_by("-number")
        .first()
    )
    if latest is None or _finished(latest) or latest.content_hash != package.content_hash:
        return None
    return latest


def next_attempt_number(*, user, lesson: Page, package: ScormPackage) -> int:
    latest = (
        ScormAttempt.objects.filter(user=user, lesson=lesson, package=package)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (latest or 0) + 1


# A time beyond a year is no time spent on a module (an ISO duration of 10^400 years is inf).
MAX_SECONDS = 366 * 24 * 3600


def _seconds(value: Any) -> float | None:
    """SCORM 1.2 `HHHH:MM:SS.SS` or SCORM 2004 ISO 8601 `PT1H2M3.5S` → seconds; None for
    anything else (a number, a list: what a sloppy package may send)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    match = re.fullmatch(r"(\d{1,4}):([0-5]?\d):([0-5]?\d(?:\.\d{1,2})?)", value)
    if match:
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    match = re.fullmatch(
        r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?",
        value,
    )
    if match and value not in ("P", "PT"):
        years, months, days, hours, minutes, seconds = (float(g or 0) for g in match.groups())
        total = ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds
        return total if total < MAX_SECONDS else None
    return None


def _iso_duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs + round(seconds - whole, 2)}S"


def _hhmmss(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:04d}:{minutes:02d}:{secs:02d}"


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def runtime_data(*, user, lesson: Page | None, package: ScormPackage) -> dict[str, Any]:
    """The data model the runtime starts from (flattened `cmi.*` keys, as scorm-again loads
    them), and the attempt number its commits name. Without a lesson (a staff preview), a fresh
    start every time."""
    attempt = current_attempt(user=user, lesson=lesson, package=package) if lesson else None
    if attempt is not None:
        number = attempt.number
    else:
        number = next_attempt_number(user=user, lesson=lesson, package=package) if lesson else 1
    name = user.full_name or user.email
    resume = attempt is not None and attempt.exit == "suspend"
    if package.version == "1.2":
        cmi = {
            "cmi.core.student_id": str(user.pk),
            "cmi.core.student_name": name,
            "cmi.core.entry": "resume" if resume else ("" if attempt else "ab-initio"),
            "cmi.core.credit": "credit",
        }
        if package.mastery_score is not None:
            cmi["cmi.student_data.mastery_score"] = str(package.mastery_score)
        if attempt:
            cmi["cmi.core.lesson_location"] = attempt.location
            cmi["cmi.suspend_data"] = attempt.suspend_data
            cmi["cmi.core.lesson_status"] = attempt.lesson_status or "not attempted"
            cmi["cmi.core.total_time"] = _hhmmss(attempt.total_seconds)
            if attempt.score_raw is not None:
                cmi["cmi.core.score.raw"] = str(attempt.score_raw)
    else:
        cmi = {
            "cmi.learner_id": str(user.pk),
            "cmi.learner_name": name,
            "cmi.entry": "resume" if resume else ("" if attempt else "ab-initio"),
            "cmi.credit": "credit",
            "cmi.mode": "normal",
        }
        if package.mastery_score is not None:
            cmi["cmi.scaled_passing_score"] = str(package.mastery_score / 100)
        if attempt:
            cmi["cmi.location"] = attempt.location
            cmi["cmi.suspend_data"] = attempt.suspend_data
            cmi["cmi.completion_status"] = attempt.completion_status or "unknown"
            cmi["cmi.success_status"] = attempt.success_status or "unknown"
            cmi["cmi.total_time"] = _iso_duration(attempt.total_seconds)
            if attempt.score_scaled is not None:
                cmi["cmi.score.scaled"] = str(attempt.score_scaled)
            if attempt.score_raw is not None:
                cmi["cmi.score.raw"] = str(attempt.score_raw)
    return {"attempt": number, "cmi": {key: value for key, value in cmi.items() if value != ""}}


LESSON_STATUSES_12 = {
    # SCORM 1.2 lesson_status → (completion, success)
    "passed": ("completed", "passed"),
    "failed": ("completed", "failed"),
    "completed": ("completed", "unknown"),
    "incomplete": ("incomplete", "unknown"),
    "browsed": ("incomplete", "unknown"),
    "not attempted": ("not attempted", "unknown"),
}
COMPLETION_STATUSES = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_STATUSES = {"passed", "failed", "unknown"}


def _text(data: dict, key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise CommitRefused(_("The value of “%(key)s” must be text.") % {"key": key})
    value = str(value)
    if len(value) > limit:
        raise CommitRefused(
            _("“%(key)s” is longer than %(limit)d characters.") % {"key": key, "limit": limit}
        )
    return value


def _apply(attempt: ScormAttempt, version: str, data: dict) -> None:
    """Copy what a commit says into the attempt (only the keys it sends)."""
    prefix = "cmi.core." if version == "1.2" else "cmi."
    location_key = "cmi.core.lesson_location" if version == "1.2" else "cmi.location"
    if (location := _text(data, location_key, MAX_LOCATION)) is not None:
        attempt.location = location
    if (suspend := _text(data, "cmi.suspend_data", MAX_SUSPEND_DATA)) is not None:
        attempt.suspend_data = suspend
    if (exit_value := _text(data, f"{prefix}exit", 20)) is not None:
        attempt.exit = exit_value
    if version == "1.2":
        status = _text(data, "cmi.core.lesson_status", 20)
        if status is not None and status in LESSON_STATUSES_12:
            attempt.lesson_status = status
            attempt.completion_status, attempt.success_status = LESSON_STATUSES_12[status]
    else:
        completion = _text(data, "cmi.completion_status", 20)
        if completion in COMPLETION_STATUSES:
            attempt.completion_status = completion
        success = _text(data, "cmi.success_status", 20)
        if success in SUCCESS_STATUSES:
            attempt.success_status = success
    raw, low, high = (_float(data.get(f"{prefix}score.{name}")) for name in ("raw", "min", "max"))
    scaled = _float(data.get("cmi.score.scaled")) if version == "2004" else None
    if raw is not None:
        attempt.score_raw, attempt.score_min, attempt.score_max = raw, low, high
        if scaled is None:
            # SCORM 1.2 has no scaled score: raw within [min, max], 0–100 when none is given.
            bottom = low if low is not None else 0
            top = high if high is not None and high > bottom else 100
            scaled = (raw - bottom) / (top - bottom)
    if scaled is not None:
        attempt.score_scaled = min(max(scaled, -1), 1)
    total = _seconds(data.get(f"{prefix}total_time"))
    session = _seconds(data.get(f"{prefix}session_time"))
    if total is not None and total >= attempt.total_seconds:
        attempt.total_seconds = total
    elif session is not None and total is None and data.get("terminate"):
        attempt.total_seconds += session


def _learner_may_record(*, user, lesson: Page) -> None:
    from courses import services as course_services
    from courses.models import Enrolment, EnrolmentStatus

    course = course_services.course_of(lesson)
    if course is None:
        raise CommitRefused(_("This page is not a lesson of a course."))
    course = course_services.canonical(course)
    if (
        not Enrolment.objects.filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exists()
    ):
        raise CommitRefused(_("Enrol in the course to record your results."))
    lock = course_services.lock_for(
        user=user, lesson=course_services.canonical(lesson.specific), course=course
    )
    if lock is not None:
        raise CommitRefused(
            _("This lesson is locked: finish the module “%(module)s” first.")
            % {"module": lock.blocking_module.title}
        )


def record_commit(
    *,
    user,
    lesson: Page,
    package: ScormPackage,
    number: int,
    data: Any,
    terminate: bool = False,
) -> ScormAttempt:
    """Store what the runtime commits for attempt `number` (the current one, or the next one,
    which this creates). `data` is scorm-again's flattened data model (`{"cmi.…": value}`).
    `terminate` (Finish / Terminate) ends the attempt unless the SCO suspends it. A commit that
    changes the status or score of a completed or passed attempt sends `scorm_result_recorded`."""
    if not isinstance(data, dict):
        raise CommitRefused(_("The commit must be a JSON object."))
    _learner_may_record(user=user, lesson=lesson)
    with transaction.atomic():
        attempts = ScormAttempt.objects.select_for_update().filter(
            user=user, lesson=lesson, package=package
        )
        attempt = attempts.filter(number=number).first()
        if attempt is None:
            if number != next_attempt_number(user=user, lesson=lesson, package=package):
                raise CommitRefused(_("This attempt is over: open the lesson again."))
            try:
                with transaction.atomic():
                    attempt = ScormAttempt.objects.create(
                        user=user,
                        lesson=lesson,
                        package=package,
                        number=number,
                        content_hash=package.content_hash,
                    )
            except IntegrityError:  # the same first commit, twice at once
                attempt = attempts.get(number=number)
        elif attempt.finished_at is not None or attempt.content_hash != package.content_hash:
            raise CommitRefused(_("This attempt is over: open the lesson again."))
        before = (attempt.completion_status, attempt.success_status, attempt.score_scaled)
        _apply(attempt, package.version, {**data, "terminate": terminate})
        if terminate and attempt.exit != "suspend" and attempt.completion_status == "completed":
            attempt.finished_at = timezone.now()
        attempt.save()
        now = (attempt.completion_status, attempt.success_status, attempt.score_scaled)
        reached = now != before and (
            attempt.completion_status == "completed" or attempt.success_status == "passed"
        )
    if reached:
        scorm_result_recorded.send(
            sender=ScormAttempt, user=user, lesson=lesson, package=package, attempt=attempt
        )
    return attempt
