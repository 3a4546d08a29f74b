"""Safe extraction of an uploaded package (a ZIP archive: `.h5p`, SCORM) into a temporary folder.

Nothing in the archive is trusted: every entry name is checked before anything is written
(absolute paths, `..`, links, duplicates, encrypted entries, web-server configuration files, and
the file types the kind of package allows), and sizes are counted on the bytes actually
decompressed, never taken from the ZIP headers (per file, in total, and against the compression
ratio); the first bytes of images and media must say what their name says. Any rejection raises
`PackageError` naming the offending entry; the caller's temporary folder is then discarded.

What differs between H5P and SCORM (the types allowed where, the words of a refusal) is a
`Policy`: `assessments.h5p.extraction.H5P_POLICY`, `assessments.scorm.manifest.SCORM_POLICY`.
"""

from __future__ import annotations

import enum
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Web-server configuration files: refused, never silently dropped.
FORBIDDEN_NAMES = frozenset({".htaccess", ".htpasswd", ".user.ini"})

# The first bytes of the image, audio and video types (their "magic numbers"): a file whose
# bytes say otherwise (an EICAR test file or a script named `.png`) is refused.
ISO_MEDIA_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
SIGNATURES = {
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "gif": lambda head: head[:6] in (b"GIF87a", b"GIF89a"),
    "bmp": lambda head: head.startswith(b"BM"),
    "tif": lambda head: head[:4] in (b"II*\x00", b"MM\x00*"),
    "tiff": lambda head: head[:4] in (b"II*\x00", b"MM\x00*"),
    "webp": lambda head: head.startswith(b"RIFF") and head[8:12] == b"WEBP",
    "webm": lambda head: head.startswith(b"\x1a\x45\xdf\xa3"),
    "mp4": lambda head: head[4:8] in ISO_MEDIA_BOXES,
    "m4a": lambda head: head[4:8] in ISO_MEDIA_BOXES,
    "ogg": lambda head: head.startswith(b"OggS"),
    "mp3": lambda head: (
        head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    ),
    "wav": lambda head: head.startswith(b"RIFF") and head[8:12] == b"WAVE",
}

CHUNK = 64 * 1024
# Names that archivers add (`.DS_Store`, `__MACOSX`) and no player reads: never extracted, never
# a reason to refuse.
IGNORED_PARTS = re.compile(r"^(\..*|__MACOSX)$")


@dataclass(frozen=True)
class Limits:
    max_entries: int = 5000
    max_file_size: int = 200 * 1024 * 1024
    max_total_size: int = 500 * 1024 * 1024
    # Decompressed bytes per compressed byte, checked once an entry passes `ratio_floor` bytes
    # (small text files compress very well and are harmless).
    max_ratio: int = 100
    ratio_floor: int = 1024 * 1024


DEFAULT_LIMITS = Limits()


class PackageError(ValidationError):
    """A package refused, with a message for the editor that names the offending entry."""


class Admit(enum.Enum):
    EXTRACT = "extract"
    # Allowed, but never served: left out, and the editor told (`notes`).
    LEAVE_OUT = "leave_out"
    # Allowed, but no player ever reads it: left out without a word.
    IGNORE = "ignore"


class Policy:
    """What one kind of package lets in, and how its refusals are worded."""

    def not_an_archive(self) -> str:
        raise NotImplementedError

    def configuration_file(self) -> str:
        raise NotImplementedError

    def admit(self, name: str, parts: tuple[str, ...]) -> Admit:
        """Decide on an entry from its name alone; raise `PackageError` to refuse it."""
        raise NotImplementedError


def entry_error(entry: str, message: str) -> PackageError:
    return PackageError(
        _("“%(entry)s”: %(problem)s") % {"entry": entry, "problem": message}, code="invalid"
    )


def extension_of(parts: tuple[str, ...]) -> str:
    return parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""


def _shown_name(info: zipfile.ZipInfo) -> str:
    return info.orig_filename.replace("\x00", "\\0")


def _checked_parts(info: zipfile.ZipInfo, policy: Policy) -> tuple[str, ...] | None:
    """The entry's path parts, or None for an entry to skip; raises on a dangerous entry."""
    # `filename` is cut at a NUL byte by zipfile ("photo.png\0.php" reads "photo.png"):
    # `orig_filename` is the name as the central directory holds it.
    if "\x00" in info.orig_filename:
        raise entry_error(_shown_name(info), _("the name contains a forbidden character."))
    name = info.filename
    if "\\" in name:
        raise entry_error(name, _("the name contains a forbidden character."))
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise entry_error(name, _("absolute paths are not allowed."))
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise entry_error(name, _("paths going up a folder (“..”) are not allowed."))
    mode = info.external_attr >> 16
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise entry_error(name, _("links and special files are not allowed."))
    if info.flag_bits & 0x1:
        raise entry_error(name, _("encrypted files are not allowed."))
    if any(part.casefold() in FORBIDDEN_NAMES for part in parts):
        raise entry_error(name, policy.configuration_file())
    if not parts or info.is_dir() or any(IGNORED_PARTS.match(part) for part in parts):
        return None
    return parts


def _check_signature(name: str, parts: tuple[str, ...], head: bytes) -> None:
    extension = extension_of(parts)
    check = SIGNATURES.get(extension)
    if check is not None and not check(head):
        raise entry_error(
            name,
            _("the file's content is not of the type its name says (“%(extension)s”).")
            % {"extension": extension},
        )


def extract_archive(
    source: BinaryIO | str | Path,
    destination: Path,
    *,
    policy: Policy,
    limits: Limits = DEFAULT_LIMITS,
    notes: list[dict] | None = None,
) -> list[str]:
    """Check every entry of the archive, then extract the files into `destination` (an empty
    folder), counting decompressed bytes. Returns the extracted relative paths; the files left
    out on purpose are added to `notes` as {"kind": "skipped_file", "file": name}."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PackageError(policy.not_an_archive(), code="invalid") from error

    with archive:
        archive_size = _size_of(archive)
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise entry_error(
                infos[limits.max_entries].filename,
                _("the package holds more than %(count)d files.") % {"count": limits.max_entries},
            )

        # First pass: names only, before a single byte is written.
        selected: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
        seen: dict[str, str] = {}
        for info in infos:
            parts = _checked_parts(info, policy)
            key = "/".join(part.casefold() for part in PurePosixPath(info.filename).parts)
            if key in seen:
                raise entry_error(info.filename, _("this name appears twice in the package."))
            seen[key] = info.filename
            if parts is None:
                continue
            admitted = policy.admit(info.filename, parts)
            if admitted is Admit.LEAVE_OUT:
                if notes is not None:
                    notes.append({"kind": "skipped_file", "file": info.filename})
                continue
            if info.file_size > limits.max_file_size:
                raise entry_error(info.filename, _too_big(limits))
            if admitted is Admit.EXTRACT:
                selected.append((info, parts))

        # Second pass: stream each file, trusting only the bytes that come out.
        total = 0
        extracted: list[str] = []
        root = destination.resolve()
        for info, parts in selected:
            target = root.joinpath(*parts)
            if root not in target.resolve().parents:
                raise entry_error(info.filename, _("absolute paths are not allowed."))
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with archive.open(info) as stream, open(target, "xb") as out:
                    head = stream.read(16)
                    _check_signature(info.filename, parts, head)
                    chunk = head
                    while chunk or (chunk := stream.read(CHUNK)):
                        written += len(chunk)
                        total += len(chunk)
                        if written > limits.max_file_size:
                            raise entry_error(info.filename, _too_big(limits))
                        if total > limits.max_total_size:
                            raise entry_error(
                                info.filename,
                                _("the package is larger than %(size)d MB once uncompressed.")
                                % {"size": limits.max_total_size // (1024 * 1024)},
                            )
                        # The entry's compressed size comes from its header; the archive's own
                        # size does not, so a lying header cannot hide a bomb either.
                        if (
                            written > limits.ratio_floor
                            and written > limits.max_ratio * max(info.compress_size, 1)
                        ) or (
                            total > limits.ratio_floor and total > limits.max_ratio * archive_size
                        ):
                            raise entry_error(
                                info.filename,
                                _(
                                    "the file is compressed more than %(ratio)d times: this "
                                    "looks like a ZIP bomb."
                                )
                                % {"ratio": limits.max_ratio},
                            )
                        out.write(chunk)
                        chunk = b""
            except FileExistsError as error:
                raise entry_error(
                    info.filename, _("this name appears twice in the package.")
                ) from error
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as error:
                raise entry_error(info.filename, _("the file is damaged.")) from error
            extracted.append("/".join(parts))
    return extracted


def _size_of(archive: zipfile.ZipFile) -> int:
    handle = archive.fp
    position = handle.tell()
    size = handle.seek(0, 2)
    handle.seek(position)
    return max(size, 1)


def _too_big(limits: Limits) -> str:
    return _("the file is larger than %(size)d MB.") % {
        "size": limits.max_file_size // (1024 * 1024)
    }
