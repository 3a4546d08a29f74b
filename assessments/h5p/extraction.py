"""What an `.h5p` archive may hold, for the shared safe extraction (`assessments.packages`).

`h5p.json` at the top, the content's files under `content/`, each library's files in its own
folder; the file types are H5P core's whitelists (without SVG and Flash in the content).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from assessments.packages.extraction import (
    DEFAULT_LIMITS,
    Admit,
    Limits,
    PackageError,
    Policy,
    entry_error,
    extension_of,
    extract_archive,
)

__all__ = ["DEFAULT_LIMITS", "H5PPackageError", "Limits", "extract_package"]

# Refusals of H5P and SCORM packages are one kind of error.
H5PPackageError = PackageError

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


def _kind_of(parts: tuple[str, ...]) -> str:
    """'h5p.json', 'content', 'library' or 'other' (top-level files besides h5p.json)."""
    if len(parts) == 1:
        return "h5p.json" if parts[0] == "h5p.json" else "other"
    return "content" if parts[0] == "content" else "library"


class H5PPolicy(Policy):
    def not_an_archive(self) -> str:
        return _("This file is not a valid H5P package (a ZIP archive) and cannot be read.")

    def configuration_file(self) -> str:
        return _("web server configuration files are not allowed in an H5P package.")

    def admit(self, name: str, parts: tuple[str, ...]) -> Admit:
        kind = _kind_of(parts)
        if kind == "h5p.json":
            return Admit.EXTRACT
        extension = extension_of(parts)
        allowed = LIBRARY_EXTENSIONS if kind == "library" else CONTENT_EXTENSIONS
        if extension not in allowed:
            if kind != "library" and extension in LIBRARY_EXTENSIONS:
                problem = _("files of type “%(extension)s” are not allowed in the content.")
            else:
                problem = _("files of type “%(extension)s” are not allowed in an H5P package.")
            raise entry_error(name, problem % {"extension": extension or "?"})
        if kind == "library" and extension in SKIPPED_LIBRARY_EXTENSIONS:
            return Admit.LEAVE_OUT
        if kind == "other":
            return Admit.IGNORE  # a stray top-level file: allowed type, but H5P never reads it
        return Admit.EXTRACT


H5P_POLICY = H5PPolicy()


def extract_package(
    source: BinaryIO | str | Path,
    destination: Path,
    limits: Limits = DEFAULT_LIMITS,
    notes: list[dict] | None = None,
) -> list[str]:
    """Check and extract an `.h5p` archive into `destination` (see `extract_archive`)."""
    return extract_archive(source, destination, policy=H5P_POLICY, limits=limits, notes=notes)
