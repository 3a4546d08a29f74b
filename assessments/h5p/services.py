"""Writes and rules of the H5P part: import a package, approve a library, publish an activity,
record an xAPI statement, keep the saved state, and tell whether a lesson's H5P
requirements are met (the hook point for lesson completion, see `assessments/signals.py`)."""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.blocks import StructValue
from wagtail.log_actions import log
from wagtail.models import Page

from assessments.h5p.extraction import DEFAULT_LIMITS, H5PPackageError, Limits, extract_package
from assessments.h5p.validation import BundledLibrary, PackageManifest, validate_package
from assessments.models import H5PActivity, H5PLibrary, H5PUserState, XAPIStatement
from assessments.models.h5p import content_storage_path
from assessments.packages.streams import struct_values
from assessments.signals import h5p_result_recorded

VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
RESULT_VERBS = {VERB_COMPLETED, VERB_ANSWERED}
ACTIVITY_IRI_PREFIX = "/h5p/activities/"
MAX_STATE_LENGTH = 64 * 1024


# --- Packages --------------------------------------------------------------------------------


def _installed(machine: str, major: int, minor: int) -> H5PLibrary | None:
    return H5PLibrary.objects.same_minor(machine, major, minor).first()


@contextmanager
def open_h5p_package(
    file: BinaryIO | str | Path, *, limits: Limits = DEFAULT_LIMITS
) -> Iterator[PackageManifest]:
    """Extract and validate a package in a temporary folder, removed on exit whatever happens.
    The manifest's `notes` say what the editor should know (files left out, outside media)."""
    if hasattr(file, "seek"):
        file.seek(0)
    with tempfile.TemporaryDirectory(prefix="h5p-") as folder:
        root = Path(folder)
        notes: list[dict] = []
        extracted = extract_package(file, root, limits, notes=notes)
        manifest = validate_package(root, extracted, installed=_installed)
        manifest.notes = notes + external_media(
            json.loads((root / "content" / "content.json").read_text(encoding="utf-8-sig"))
        )
        yield manifest


def _host(url: str) -> str:
    try:
        return urlsplit(url.strip()).hostname or url.strip()[:100]
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return url.strip()[:100]


def _media_kind(item: dict, path: str) -> str:
    mime = item.get("mime")
    if isinstance(mime, str) and mime.split("/")[0] in ("video", "audio", "image"):
        return mime.split("/")[0]
    host = _host(path).removeprefix("www.")
    return "video" if host in ("youtube.com", "youtu.be", "vimeo.com") else "file"


def external_media(content: Any) -> list[dict]:
    """The media a content links from another host ({"path": "https://…"} in content.json):
    the player's Content-Security-Policy blocks them, so they will not play. One note per kind
    of media and host."""
    found: dict[tuple[str, str], None] = {}
    stack = [content]  # a loop, not recursion: content.json may be nested very deeply
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            path = value.get("path")
            if isinstance(path, str) and re.match(r"^\s*(https?:)?//", path, re.IGNORECASE):
                found[(_media_kind(value, path), _host(path))] = None
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return [{"kind": "external_media", "media": kind, "host": host} for kind, host in sorted(found)]


def _hash_files(folder: Path, files: list[str], *extra: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in extra:
        digest.update(chunk)
    for relative in sorted(files):
        digest.update(relative.encode() + b"\0")
        with open(folder / relative, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def _store(source: Path, name: str, written: list[str]) -> None:
    # Content-hash paths: a file already there holds the same bytes (a previous import).
    if default_storage.exists(name):
        return
    with open(source, "rb") as handle:
        saved = default_storage.save(name, File(handle))
    written.append(saved)
    if saved != name:
        raise RuntimeError(f"storage renamed {name} to {saved}")


def _library_for(bundled: BundledLibrary, manifest: PackageManifest, written: list[str]):
    """The stored library for a bundled one: the same version stored once, or a newer patch
    already installed, or a new row (awaiting approval) with its files stored."""
    machine, major, minor = bundled.key
    newest = H5PLibrary.objects.same_minor(machine, major, minor).first()
    if newest is not None and newest.patch_version >= bundled.patch:
        return newest
    folder = manifest.root / bundled.folder
    definition = bundled.definition
    library = H5PLibrary.objects.create(
        machine_name=machine,
        major_version=major,
        minor_version=minor,
        patch_version=bundled.patch,
        title=definition["title"][:255],
        runnable=int(definition["runnable"]) == 1,
        definition=definition,
        content_hash=_hash_files(folder, bundled.files),
        files=bundled.files,
    )
    for relative in bundled.files:
        _store(folder / relative, library.storage_path(relative), written)
    return library


class DuplicatePackage(H5PPackageError):
    """The same package (same h5p.json and content) is already stored as `existing`."""

    def __init__(self, existing: H5PActivity):
        super().__init__(
            _("This package has already been uploaded as “%(title)s”.") % {"title": existing.title},
            code="duplicate",
        )
        self.existing = existing


def _content_hash(manifest: PackageManifest) -> str:
    root = manifest.root
    return _hash_files(
        root / "content", manifest.content_files, (root / "h5p.json").read_bytes(), b"\0content\0"
    )


def _store_package(
    manifest: PackageManifest, content_hash: str, written: list[str]
) -> dict[tuple, H5PLibrary]:
    """Store the content under `content_hash` and the libraries it needs (new versions await
    approval); returns the stored library of each needed version."""
    libraries = {
        key: _library_for(found, manifest, written) if isinstance(found, BundledLibrary) else found
        for key, found in manifest.needed.items()
    }
    root = manifest.root
    _store(root / "h5p.json", content_storage_path(content_hash, "h5p.json"), written)
    for relative in manifest.content_files:
        _store(
            root / "content" / relative,
            content_storage_path(content_hash, f"content/{relative}"),
            written,
        )
    return libraries


def import_h5p_package(
    *,
    file: BinaryIO | str | Path,
    uploaded_by=None,
    title: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> H5PActivity:
    """Validate an `.h5p` file and store it as an activity; new library versions are stored
    once, awaiting an administrator's approval. Raises `H5PPackageError` (a ValidationError
    naming the offending entry; `DuplicatePackage` when it is already stored) and then leaves
    nothing in storage or in the database. The package is extracted once."""
    with open_h5p_package(file, limits=limits) as manifest:
        content_hash = _content_hash(manifest)
        existing = H5PActivity.objects.filter(content_hash=content_hash).first()
        if existing is not None:
            raise DuplicatePackage(existing)
        written: list[str] = []
        try:
            with transaction.atomic():
                libraries = _store_package(manifest, content_hash, written)
                activity = H5PActivity.objects.create(
                    title=(title or manifest.h5p_json["title"])[:255],
                    language=str(manifest.h5p_json.get("language", ""))[:10],
                    main_library=libraries[manifest.main_key],
                    h5p_json=manifest.h5p_json,
                    content_hash=content_hash,
                    content_files=manifest.content_files,
                    import_notes=manifest.notes,
                    uploaded_by=uploaded_by,
                )
                activity.libraries.set(libraries.values())
        except IntegrityError:
            # The same package (or library version) stored at the same moment by someone else:
            # the files are content-addressed, the same as theirs, so none is deleted here (the
            # clean-up removes any left unused).
            existing = H5PActivity.objects.filter(content_hash=content_hash).first()
            if existing is None:
                raise H5PPackageError(
                    _("Another upload is storing the same libraries right now: try again."),
                    code="busy",
                ) from None
            raise DuplicatePackage(existing) from None
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    return activity


class ActivityInUse(ValidationError):
    """An activity that learners' results refer to: it is kept (unpublish it instead)."""


def _content_names(content_hash: str, content_files: list[str]) -> list[str]:
    return [content_storage_path(content_hash, "h5p.json")] + [
        content_storage_path(content_hash, f"content/{relative}") for relative in content_files
    ]


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _remove_unused_libraries() -> list[str]:
    """Delete the library versions no activity uses any more (approved or not: a version
    uploaded again later is approved again); returns their files to delete after commit."""
    unused = list(H5PLibrary.objects.filter(activities__isnull=True))
    if not unused:
        return []
    H5PLibrary.objects.filter(pk__in=[library.pk for library in unused]).delete()
    still_stored = set(
        H5PLibrary.objects.filter(
            content_hash__in={lib.content_hash for lib in unused}
        ).values_list("content_hash", flat=True)
    )
    return [
        library.storage_path(relative)
        for library in unused
        if library.content_hash not in still_stored
        for relative in library.files
    ]


def replace_h5p_package(
    *,
    activity: H5PActivity,
    file: BinaryIO | str | Path,
    replaced_by=None,
    limits: Limits = DEFAULT_LIMITS,
) -> H5PActivity:
    """Give an activity a new version of its package: same activity (id, IRI, lessons that place
    it, results), new content and libraries (new versions await approval before it plays
    again). The learners' saved states of the old version are forgotten; the old content files
    and the libraries nothing uses any more are deleted once this is committed. The new package
    must be of the same content type. Raises `H5PPackageError` and then changes nothing."""
    with open_h5p_package(file, limits=limits) as manifest:
        content_hash = _content_hash(manifest)
        if content_hash == activity.content_hash:
            raise H5PPackageError(
                _("This is the package the activity already has: nothing to replace."),
                code="same",
            )
        other = H5PActivity.objects.filter(content_hash=content_hash).exclude(pk=activity.pk)
        if other.exists():
            raise DuplicatePackage(other.first())
        new_type = manifest.h5p_json["mainLibrary"]
        if new_type != activity.main_library.machine_name:
            raise H5PPackageError(
                _(
                    "This package is a “%(new)s” and the activity a “%(old)s”: a new version must "
                    "be of the same content type (its results would not mean the same). Upload "
                    "it as a new activity instead."
                )
                % {"new": new_type, "old": activity.main_library.machine_name},
                code="other_type",
            )
        written: list[str] = []
        try:
            with transaction.atomic():
                locked = H5PActivity.objects.select_for_update().get(pk=activity.pk)
                old_files = _content_names(locked.content_hash, locked.content_files)
                libraries = _store_package(manifest, content_hash, written)
                locked.content_hash = content_hash
                locked.h5p_json = manifest.h5p_json
                locked.content_files = manifest.content_files
                locked.language = str(manifest.h5p_json.get("language", ""))[:10]
                locked.main_library = libraries[manifest.main_key]
                locked.import_notes = manifest.notes
                locked.save()
                locked.libraries.set(libraries.values())
                H5PUserState.objects.filter(activity=locked).delete()
                log(instance=locked, action="assessments.h5p_replace", user=replaced_by)
                removed = _remove_unused_libraries()
                transaction.on_commit(lambda: _delete_files(old_files + removed))
        except IntegrityError:
            existing = H5PActivity.objects.filter(content_hash=content_hash).first()
            if existing is None:
                raise H5PPackageError(
                    _("Another upload is storing the same libraries right now: try again."),
                    code="busy",
                ) from None
            raise DuplicatePackage(existing) from None
        except BaseException:
            _delete_files(written)
            raise
    return locked


def deletion_refused(activity: H5PActivity) -> ActivityInUse | None:
    """Why `activity` cannot be deleted (learners have results for it), or None."""
    learners = (
        XAPIStatement.objects.filter(activity=activity, is_preview=False)
        .values("user")
        .distinct()
        .count()
    )
    if not learners:
        return None
    return ActivityInUse(
        ngettext(
            "“%(title)s” cannot be deleted: %(count)d learner has results for it, kept in the "
            "reports. Unpublish it instead: learners will no longer see it.",
            "“%(title)s” cannot be deleted: %(count)d learners have results for it, kept in the "
            "reports. Unpublish it instead: learners will no longer see it.",
            learners,
        )
        % {"title": activity.title, "count": learners},
        code="in_use",
    )


def delete_h5p_activity(*, activity: H5PActivity, deleted_by=None) -> None:
    """Delete an activity that no learner has a result for, with its staff previews, saved
    states, files and the library versions nothing else uses. One that learners' results refer
    to is refused (`ActivityInUse`): results are official records of practice and stay in the
    reports; unpublish the activity instead."""
    with transaction.atomic():
        locked = H5PActivity.objects.select_for_update().get(pk=activity.pk)
        if refusal := deletion_refused(locked):
            raise refusal
        files = _content_names(locked.content_hash, locked.content_files)
        XAPIStatement.objects.filter(activity=locked).delete()  # staff previews only
        log(instance=locked, action="wagtail.delete", user=deleted_by)
        locked.delete()
        removed = _remove_unused_libraries()
        transaction.on_commit(lambda: _delete_files(files + removed))


def _walk_storage(folder: str):
    """Every file name under `folder` in the default storage (FileSystem or S3 alike)."""
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk_storage(f"{folder}/{sub}")


def _older_than(name: str, age: datetime.timedelta) -> bool:
    try:
        return default_storage.get_modified_time(name) < timezone.now() - age
    except (NotImplementedError, OSError):
        return False  # cannot tell: kept


def remove_unused_h5p_files(
    *, dry_run: bool = False, min_age: datetime.timedelta = datetime.timedelta(hours=1)
) -> dict[str, int]:
    """Delete the library versions no activity uses, then every stored file under `h5p/` that
    no activity or library names (left by an interrupted import, or by older versions of this
    code) and older than `min_age` (an import in progress writes its files before its rows).
    Returns the counts; `dry_run` only counts."""
    unused = H5PLibrary.objects.filter(activities__isnull=True)
    libraries = unused.count()
    if not dry_run:
        with transaction.atomic():
            _remove_unused_libraries()  # their files are no longer named: swept below
    used = {
        name
        for activity in H5PActivity.objects.only("content_hash", "content_files")
        for name in _content_names(activity.content_hash, activity.content_files)
    } | {
        library.storage_path(relative)
        for library in H5PLibrary.objects.only("content_hash", "files")
        for relative in library.files
    }
    orphans = [
        name
        for top in ("h5p/content", "h5p/libraries")
        for name in _walk_storage(top)
        if name not in used and _older_than(name, min_age)
    ]
    if not dry_run:
        _delete_files(orphans)
    return {"libraries": libraries, "files": len(orphans)}


def approve_h5p_library(*, library: H5PLibrary, approved_by) -> H5PLibrary:
    """An administrator approves one library version (idempotent: the first approval stays)."""
    if library.approved_at is None:
        library.approved_at = timezone.now()
        library.approved_by = approved_by
        library.save(update_fields=["approved_at", "approved_by"])
    return library


def publish_h5p_activity(*, activity: H5PActivity) -> H5PActivity:
    """Publish an activity; refused while one of its libraries awaits approval."""
    activity.is_published = True
    activity.clean()
    activity.save(update_fields=["is_published"])
    return activity


# --- Activities placed in lessons --------------------------------------------------------------


@dataclass(frozen=True)
class LessonActivity:
    """An H5P activity as a lesson places it: the block's settings."""

    activity: H5PActivity
    title: str
    pass_threshold: float
    counts_for_completion: bool


def _is_h5p_value(value: Any) -> bool:
    # Recognised by its fields, so the same rule holds whichever app declares the block.
    return (
        isinstance(value, StructValue)
        and {"activity", "pass_threshold", "counts_for_completion"} <= set(value.keys())
        and (value.get("activity") is None or isinstance(value.get("activity"), H5PActivity))
    )


def lesson_h5p_activities(lesson: Page) -> list[LessonActivity]:
    """The H5P activity blocks of a lesson that name an activity, in page order, from all of
    its StreamFields."""
    return [
        LessonActivity(
            activity=value["activity"],
            title=value.get("title") or value["activity"].title,
            pass_threshold=float(value.get("pass_threshold") or 0),
            counts_for_completion=bool(value.get("counts_for_completion")),
        )
        for value in struct_values(lesson, _is_h5p_value)
        if value.get("activity") is not None
    ]


def lesson_h5p_requirements_met(*, user, lesson: Page) -> bool:
    """True when `user` has passed every activity of `lesson` that counts for completion: a
    top-level result (`completed`/`answered`, not a sub-question) whose scaled score reaches the
    block's pass threshold, recorded in this lesson or one of its translations. True for a lesson
    without counting activities. H5P results are practice evidence, never certificate evidence."""
    results = (
        XAPIStatement.objects.results()
        .in_lessons()
        .filter(user=user, lesson__translation_key=lesson.translation_key)
    )
    for placed in lesson_h5p_activities(lesson):
        if not placed.counts_for_completion:
            continue
        if not results.filter(activity=placed.activity).passing(placed.pass_threshold).exists():
            return False
    return True


def activity_in_lesson(*, lesson: Page, activity_uuid: UUID) -> H5PActivity | None:
    for placed in lesson_h5p_activities(lesson):
        if placed.activity.uuid == activity_uuid:
            return placed.activity
    return None


# --- xAPI statements ---------------------------------------------------------------------------


class StatementRefused(ValidationError):
    """A statement refused with a message for the 400 answer."""


def _number(value: Any) -> bool:
    """A finite JSON number (the intake's parser already refuses NaN and Infinity; a huge
    integer does not fit a float)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _activity_uuid(object_id: str, host: str) -> UUID | None:
    """The activity an object IRI names: `http(s)://<our host>/h5p/activities/<uuid>` (with a
    `?subContentId=` for a question inside it); None for any other IRI, another host's first."""
    try:
        parts = urlsplit(object_id)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
        return None
    if not parts.path.startswith(ACTIVITY_IRI_PREFIX):
        return None
    try:
        return UUID(parts.path[len(ACTIVITY_IRI_PREFIX) :].rstrip("/"))
    except ValueError:
        return None


# Scaled scores are rounded by H5P (4 decimals); a wider gap is another score than raw/max says.
SCALED_TOLERANCE = 0.01


def _score(result: dict) -> dict[str, float | None]:
    score = result.get("score")
    if score is None:
        return {"raw": None, "min": None, "max": None, "scaled": None}
    if not isinstance(score, dict):
        raise StatementRefused(_("The score of the result must be an object."))
    values = {}
    for name in ("raw", "min", "max", "scaled"):
        value = score.get(name)
        if value is not None and not _number(value):
            raise StatementRefused(
                _("The score field “%(field)s” must be a number.") % {"field": name}
            )
        values[name] = float(value) if value is not None else None
    low, high, raw, scaled = values["min"], values["max"], values["raw"], values["scaled"]
    if high is not None and high <= 0:
        raise StatementRefused(_("The maximum score must be greater than zero."))
    if low is not None and low < 0:
        raise StatementRefused(_("The minimum score cannot be negative."))
    if low is not None and high is not None and low > high:
        raise StatementRefused(_("The minimum score is greater than the maximum score."))
    if raw is not None and (
        (low is not None and raw < low) or (high is not None and raw > high) or raw < 0
    ):
        raise StatementRefused(
            _("The score %(raw)s is outside its range [%(min)s, %(max)s].")
            % {
                "raw": raw,
                "min": low if low is not None else 0,
                "max": high if high is not None else "∞",
            }
        )
    if scaled is not None and not -1 <= scaled <= 1:
        raise StatementRefused(_("The scaled score must be between -1 and 1."))
    if raw is not None and high is not None:
        expected = raw / high
        if scaled is None:
            values["scaled"] = expected
        elif abs(scaled - expected) > SCALED_TOLERANCE:
            raise StatementRefused(
                _("The scaled score %(scaled)s does not match the score %(raw)s out of %(max)s.")
                % {"scaled": scaled, "raw": raw, "max": high}
            )
    elif scaled is not None and scaled < 0:
        raise StatementRefused(_("A scaled score without its raw score cannot be negative."))
    return values


@dataclass(frozen=True)
class IntakeLesson:
    """A published lesson as the intake checks statements against it: the same for every
    learner, kept in the shared cache per content version (`courses.cache`: raised on publish,
    unpublish, move and translation), so a statement reads no page."""

    lesson: Page  # the lesson as published (`.specific`)
    canonical: Page | None  # the lesson progress is recorded against, None outside a course
    course: Page | None  # the course progress is recorded against
    activities: dict[UUID, int]  # uuid → id of the activities its H5P blocks place


def _intake_lesson(lesson_id: int) -> IntakeLesson | None:
    from courses import services as course_services

    page = Page.objects.live().filter(pk=lesson_id).first()
    if page is None:
        return None
    lesson = page.specific
    course = course_services.course_of(lesson)
    return IntakeLesson(
        lesson=lesson,
        canonical=course_services.canonical(lesson) if course is not None else None,
        course=course_services.canonical(course) if course is not None else None,
        activities={
            placed.activity.uuid: placed.activity.pk for placed in lesson_h5p_activities(lesson)
        },
    )


def intake_lesson(lesson_id: int) -> IntakeLesson | None:
    """The published lesson `lesson_id` as the intake sees it; None when it is not published."""
    from courses.cache import remembered

    return remembered(None, "xapi-lesson", lesson_id, compute=lambda: _intake_lesson(lesson_id))


def _playable_activity(activity_id: int) -> H5PActivity | None:
    """The activity, read now (publishing it or approving a library is no page change), when
    learners may play it: published, every library approved. One query."""
    awaiting = H5PLibrary.objects.filter(activities=OuterRef("pk"), approved_at__isnull=True)
    activity = (
        H5PActivity.objects.annotate(awaiting=Exists(awaiting)).filter(pk=activity_id).first()
    )
    if activity is None or not activity.is_published or activity.awaiting:
        return None
    return activity


def _learner_may_record(*, user, frame: IntakeLesson, activity_id: int) -> H5PActivity:
    """A result counts only where the learner may earn it: a published activity, in a lesson of
    a course they are enrolled in, not locked. Refused otherwise, so that nothing is stored that
    a later enrolment would count. Returns the activity."""
    from courses import services as course_services
    from courses.cache import course_tree
    from courses.models import Enrolment, EnrolmentStatus

    activity = _playable_activity(activity_id)
    if activity is None:
        raise StatementRefused(_("This activity is not published."))
    course = frame.course
    if course is None:
        raise StatementRefused(_("This page is not a lesson of a course."))
    enrolled = (
        Enrolment.objects.filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exists()
    )
    if not enrolled:
        raise StatementRefused(_("Enrol in the course to record your results."))
    lock = course_services.lock_for(
        user=user, lesson=frame.canonical, course=course, modules=course_tree(None, course)[0]
    )
    if lock is not None:
        raise StatementRefused(
            _("This lesson is locked: finish the module “%(module)s” first.")
            % {"module": lock.blocking_module.title}
        )
    return activity


# What is kept of a statement: the parts that say what happened. Everything else (descriptions,
# choices, extensions, the actor the frame made up) is dropped, so a row stays small.
MAX_KEPT_TEXT = 1000


def _kept(statement: dict, score: dict[str, float | None]) -> dict:
    def text(value: Any) -> Any:
        return value[:MAX_KEPT_TEXT] if isinstance(value, str) else None

    target = statement.get("object") or {}
    definition = target.get("definition") if isinstance(target.get("definition"), dict) else {}
    result = statement.get("result") or {}
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    activities = context.get("contextActivities")
    activities = activities if isinstance(activities, dict) else {}

    def ids(items: Any) -> list[dict]:
        items = items if isinstance(items, list) else []
        return [{"id": text(item.get("id"))} for item in items[:10] if isinstance(item, dict)]

    kept = {
        "id": text(statement.get("id")),
        "verb": {"id": text(statement["verb"]["id"])},
        "object": {
            "id": text(target.get("id")),
            "definition": {
                key: text(definition.get(key))
                for key in ("type", "interactionType")
                if isinstance(definition.get(key), str)
            },
        },
        "result": {
            **(
                {"score": {k: v for k, v in score.items() if v is not None}}
                if any(v is not None for v in score.values())
                else {}
            ),
            **{
                key: result[key]
                for key in ("success", "completion")
                if isinstance(result.get(key), bool)
            },
            **(
                {"duration": text(result["duration"])}
                if isinstance(result.get("duration"), str)
                else {}
            ),
        },
        "context": {
            "contextActivities": {
                key: ids(activities.get(key))
                for key in ("parent", "grouping", "category")
                if key in activities
            }
        },
    }
    if isinstance(result.get("response"), str):
        kept["result"]["response"] = text(result["response"])
    if isinstance(statement.get("timestamp"), str):
        kept["timestamp"] = text(statement["timestamp"])
    return kept


def record_xapi_statement(
    *,
    user,
    statement: Any,
    host: str,
    lesson: Page | None = None,
    preview_of: H5PActivity | None = None,
) -> tuple[XAPIStatement, bool]:
    """Store a statement posted by the lesson page for `user` (whatever its actor says), once per
    statement id. Exactly one of `lesson` (the learner's lesson: the object must be one of its
    activities, published, in a course the learner is enrolled in, the lesson not locked) or
    `preview_of` (a staff preview of that activity) is given; the object IRI must name an
    activity on `host` (the site's host, as the request gives it). Returns the row and whether
    it was new; raises `StatementRefused`. A new top-level result in a lesson sends
    `h5p_result_recorded`. What is stored of the statement is `_kept`: a bounded summary."""
    if (lesson is None) == (preview_of is None):
        raise ValueError("give exactly one of lesson and preview_of")
    if not isinstance(statement, dict):
        raise StatementRefused(_("The statement must be a JSON object."))
    try:
        statement_id = UUID(str(statement.get("id")))
    except ValueError as error:
        raise StatementRefused(_("The statement has no valid id (a UUID).")) from error
    verb = statement.get("verb")
    if not isinstance(verb, dict) or not isinstance(verb.get("id"), str) or not verb["id"]:
        raise StatementRefused(_("The statement has no verb."))
    target = statement.get("object")
    if not isinstance(target, dict) or not isinstance(target.get("id"), str):
        raise StatementRefused(_("The statement has no object id."))
    activity_uuid = _activity_uuid(target["id"], host)
    frame = None
    if preview_of is not None:
        placed = preview_of.pk if activity_uuid == preview_of.uuid else None
    else:
        frame = intake_lesson(lesson.pk)
        if frame is None:
            raise StatementRefused(_("This lesson does not exist or is not published."))
        lesson = frame.lesson
        placed = frame.activities.get(activity_uuid)
    if placed is None:
        raise StatementRefused(
            _("This statement is about an activity that is not part of this lesson.")
        )
    result = statement.get("result")
    if not isinstance(result, dict):
        raise StatementRefused(_("The statement has no result."))
    score = _score(result)
    if frame is not None:
        activity = _learner_may_record(user=user, frame=frame, activity_id=placed)
    else:
        activity = preview_of
    context = statement.get("context")
    parents = (
        context.get("contextActivities", {}).get("parent")
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict)
        else None
    )
    is_result = verb["id"] in RESULT_VERBS and not parents

    # Inserted straight away (one query): a replayed id, rare, fails on the unique statement id
    # and is then read.
    try:
        with transaction.atomic():
            row = XAPIStatement.objects.create(
                statement_id=statement_id,
                user=user,
                activity=activity,
                lesson=lesson,
                is_preview=preview_of is not None,
                verb=verb["id"][:255],
                object_id=target["id"][:500],
                is_result=is_result,
                score_raw=score["raw"],
                score_min=score["min"],
                score_max=score["max"],
                score_scaled=score["scaled"],
                success=result.get("success") if isinstance(result.get("success"), bool) else None,
                completion=(
                    result.get("completion") if isinstance(result.get("completion"), bool) else None
                ),
                raw=_kept(statement, score),
            )
    except IntegrityError:
        existing = XAPIStatement.objects.filter(statement_id=statement_id).first()
        if existing is None:
            raise
    else:
        if is_result and lesson is not None:
            h5p_result_recorded.send(
                sender=XAPIStatement, user=user, lesson=lesson, activity=activity, statement=row
            )
        return row, True
    if existing.user_id != user.pk:
        raise StatementRefused(_("This statement id is already used."))
    return existing, False


# --- Saved state -------------------------------------------------------------------------------


def get_h5p_state(*, user, lesson: Page, activity: H5PActivity) -> str | None:
    row = H5PUserState.objects.filter(user=user, lesson=lesson, activity=activity).first()
    return row.state if row else None


def save_h5p_state(*, user, lesson: Page, activity: H5PActivity, state: Any) -> None:
    """Keep the player's saved state (a JSON string) for the learner; None forgets it."""
    if state is None:
        H5PUserState.objects.filter(user=user, lesson=lesson, activity=activity).delete()
        return
    if not isinstance(state, str) or len(state) > MAX_STATE_LENGTH:
        raise StatementRefused(_("The saved state must be a JSON text of at most 64 KB."))
    try:
        json.loads(state)
    except ValueError as error:
        raise StatementRefused(
            _("The saved state must be a JSON text of at most 64 KB.")
        ) from error
    H5PUserState.objects.update_or_create(
        user=user, lesson=lesson, activity=activity, defaults={"state": state}
    )
