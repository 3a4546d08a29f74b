"""Safe extraction of an `.h5p` archive (a ZIP file) into a temporary folder.

Nothing in the archive is trusted: every entry name is checked before anything is written
(absolute paths, `..`, links, duplicates, the extension whitelist), and sizes are counted on the
bytes actually decompressed, never taken from the ZIP headers. Any rejection raises
`H5PPackageError` naming the offending entry; the caller's temporary folder is then discarded.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# H5P core's default whitelists (h5p-php-library 1.27, `H5PCore::$defaultContentWhitelist`, and
# for libraries the same plus `js css`), without `svg` in content (an SVG file can carry script).
CORE_CONTENT_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "xml",
        "csv",
        "diff",
        "patch",
        "swf",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
    ]
)
CONTENT_EXTENSIONS = CORE_CONTENT_EXTENSIONS - {"svg", "swf"}
LIBRARY_EXTENSIONS = CORE_CONTENT_EXTENSIONS | {"js", "css"}
# Allowed in a library by H5P core, but never served here: Flash plays in no browser any more
# (CoursePresentation still ships Downloadify's .swf). Left out of the import, with a note.
SKIPPED_LIBRARY_EXTENSIONS = frozenset({"swf"})
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
# Names that archivers add and H5P ignores: never extracted, never a reason to refuse.
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


class H5PPackageError(ValidationError):
    """A package refused, with a message for the editor that names the offending entry."""


def _entry_error(entry: str, message: str) -> H5PPackageError:
    return H5PPackageError(
        _("“%(entry)s”: %(problem)s") % {"entry": entry, "problem": message}, code="invalid"
    )


def _kind_of(parts: tuple[str, ...]) -> str:
    """'h5p.json', 'content', 'library' or 'other' (top-level files besides h5p.json)."""
    if len(parts) == 1:
        return "h5p.json" if parts[0] == "h5p.json" else "other"
    return "content" if parts[0] == "content" else "library"


def _shown_name(info: zipfile.ZipInfo) -> str:
    return info.orig_filename.replace("\x00", "\\0")


def _checked_parts(info: zipfile.ZipInfo) -> tuple[str, ...] | None:
    """The entry's path parts, or None for an entry to skip; raises on a dangerous entry."""
    # `filename` is cut at a NUL byte by zipfile ("photo.png\0.php" reads "photo.png"):
    # `orig_filename` is the name as the central directory holds it.
    if "\x00" in info.orig_filename:
        raise _entry_error(_shown_name(info), _("the name contains a forbidden character."))
    name = info.filename
    if "\\" in name:
        raise _entry_error(name, _("the name contains a forbidden character."))
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise _entry_error(name, _("absolute paths are not allowed."))
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise _entry_error(name, _("paths going up a folder (“..”) are not allowed."))
    mode = info.external_attr >> 16
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _entry_error(name, _("links and special files are not allowed."))
    if info.flag_bits & 0x1:
        raise _entry_error(name, _("encrypted files are not allowed."))
    if any(part.casefold() in FORBIDDEN_NAMES for part in parts):
        raise _entry_error(
            name, _("web server configuration files are not allowed in an H5P package.")
        )
    if not parts or info.is_dir() or any(IGNORED_PARTS.match(part) for part in parts):
        return None
    return parts


def _extension(parts: tuple[str, ...]) -> str:
    return parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""


def _check_extension(name: str, parts: tuple[str, ...]) -> bool:
    """True to extract the entry, False to leave it out (a library file never served)."""
    kind = _kind_of(parts)
    if kind == "h5p.json":
        return True
    extension = _extension(parts)
    allowed = LIBRARY_EXTENSIONS if kind == "library" else CONTENT_EXTENSIONS
    if extension not in allowed:
        if kind != "library" and extension in LIBRARY_EXTENSIONS:
            problem = _("files of type “%(extension)s” are not allowed in the content.")
        else:
            problem = _("files of type “%(extension)s” are not allowed in an H5P package.")
        raise _entry_error(name, problem % {"extension": extension or "?"})
    return not (kind == "library" and extension in SKIPPED_LIBRARY_EXTENSIONS)


def _check_signature(name: str, parts: tuple[str, ...], head: bytes) -> None:
    extension = _extension(parts)
    check = SIGNATURES.get(extension)
    if check is not None and not check(head):
        raise _entry_error(
            name,
            _("the file's content is not of the type its name says (“%(extension)s”).")
            % {"extension": extension},
        )


def extract_package(
    source: BinaryIO | str | Path,
    destination: Path,
    limits: Limits = DEFAULT_LIMITS,
    notes: list[dict] | None = None,
) -> list[str]:
    """Check every entry of the archive, then extract the files into `destination` (an empty
    folder), counting decompressed bytes. Returns the extracted relative paths; the files left
    out on purpose are added to `notes` as {"kind": "skipped_file", "file": name}."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise H5PPackageError(
            _("This file is not a valid H5P package (a ZIP archive) and cannot be read."),
            code="invalid",
        ) from error

    with archive:
        archive_size = _size_of(archive)
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise _entry_error(
                infos[limits.max_entries].filename,
                _("the package holds more than %(count)d files.") % {"count": limits.max_entries},
            )

        # First pass: names only, before a single byte is written.
        selected: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
        seen: dict[str, str] = {}
        for info in infos:
            parts = _checked_parts(info)
            key = "/".join(part.casefold() for part in PurePosixPath(info.filename).parts)
            if key in seen:
                raise _entry_error(info.filename, _("this name appears twice in the package."))
            seen[key] = info.filename
            if parts is None:
                continue
            if not _check_extension(info.filename, parts):
                if notes is not None:
                    notes.append({"kind": "skipped_file", "file": info.filename})
                continue
            if info.file_size > limits.max_file_size:
                raise _entry_error(info.filename, _too_big(limits))
            if len(parts) == 1 and parts[0] != "h5p.json":
                continue  # a stray top-level file: allowed type, but H5P never reads it
            selected.append((info, parts))

        # Second pass: stream each file, trusting only the bytes that come out.
        total = 0
        extracted: list[str] = []
        root = destination.resolve()
        for info, parts in selected:
            target = root.joinpath(*parts)
            if root not in target.resolve().parents:
                raise _entry_error(info.filename, _("absolute paths are not allowed."))
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
                            raise _entry_error(info.filename, _too_big(limits))
                        if total > limits.max_total_size:
                            raise _entry_error(
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
                            raise _entry_error(
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
                raise _entry_error(
                    info.filename, _("this name appears twice in the package.")
                ) from error
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as error:
                raise _entry_error(info.filename, _("the file is damaged.")) from error
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
