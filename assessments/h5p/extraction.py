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

# The H5P specification's default whitelists, without `svg` in content (an SVG file can carry
# script) and without the long-dead `swf`. Libraries may also ship code, styles and SVG images.
CONTENT_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
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
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
    ]
)
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css", "svg"}

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


def _checked_parts(info: zipfile.ZipInfo) -> tuple[str, ...] | None:
    """The entry's path parts, or None for an entry to skip; raises on a dangerous entry."""
    name = info.filename
    if "\x00" in name or "\\" in name:
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
    if not parts or info.is_dir() or any(IGNORED_PARTS.match(part) for part in parts):
        return None
    return parts


def _check_extension(name: str, parts: tuple[str, ...]) -> None:
    kind = _kind_of(parts)
    if kind == "h5p.json":
        return
    extension = parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    allowed = LIBRARY_EXTENSIONS if kind == "library" else CONTENT_EXTENSIONS
    if extension not in allowed:
        if kind != "library" and extension in LIBRARY_EXTENSIONS:
            problem = _("files of type “%(extension)s” are not allowed in the content.")
        else:
            problem = _("files of type “%(extension)s” are not allowed in an H5P package.")
        raise _entry_error(name, problem % {"extension": extension or "?"})


def extract_package(
    source: BinaryIO | str | Path, destination: Path, limits: Limits = DEFAULT_LIMITS
) -> list[str]:
    """Check every entry of the archive, then extract the files into `destination` (an empty
    folder), counting decompressed bytes. Returns the extracted relative paths."""
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
            _check_extension(info.filename, parts)
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
                    while chunk := stream.read(CHUNK):
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
