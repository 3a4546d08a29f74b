"""Validation of an extracted H5P package against the H5P specification.

`h5p.json` with its required fields, `content/content.json`, each bundled library's
`library.json` with its required fields, and every dependency needed to play the content either
bundled or already installed. Messages name the offending file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from assessments.h5p.extraction import H5PPackageError

MACHINE_NAME = re.compile(r"^[A-Za-z][\w.-]{0,126}$")
EMBED_TYPES = {"div", "iframe"}

LibraryKey = tuple[str, int, int]  # machineName, majorVersion, minorVersion


@dataclass
class BundledLibrary:
    folder: str
    definition: dict[str, Any]
    files: list[str]  # relative to the library folder

    @property
    def key(self) -> LibraryKey:
        d = self.definition
        return (d["machineName"], d["majorVersion"], d["minorVersion"])

    @property
    def patch(self) -> int:
        return self.definition["patchVersion"]


@dataclass
class PackageManifest:
    root: Path
    h5p_json: dict[str, Any]
    content_files: list[str]  # relative to content/
    bundled: dict[LibraryKey, BundledLibrary] = field(default_factory=dict)
    # Every library needed to play the content, with the installed one when it is not bundled.
    needed: dict[LibraryKey, Any] = field(default_factory=dict)
    main_key: LibraryKey | None = None


def _error(entry: str, problem: str) -> H5PPackageError:
    return H5PPackageError(
        _("“%(entry)s”: %(problem)s") % {"entry": entry, "problem": problem}, code="invalid"
    )


def _read_json(path: Path, entry: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise _error(entry, _("the file is not UTF-8 text.")) from error
    except json.JSONDecodeError as error:
        raise _error(
            entry,
            _("invalid JSON (line %(line)d, column %(column)d).")
            % {"line": error.lineno, "column": error.colno},
        ) from error


def _require(data: dict, entry: str, name: str, kind: type | tuple, *, non_empty=False) -> Any:
    value = data.get(name)
    # JSON booleans are ints in Python: a version must not be `true`.
    wrong_type = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
    if name not in data or wrong_type or (non_empty and not value):
        raise _error(
            entry, _("the required field “%(field)s” is missing or wrong.") % {"field": name}
        )
    return value


def _dependencies(data: dict, entry: str, name: str) -> list[LibraryKey]:
    keys = []
    for dependency in data.get(name) or []:
        if not isinstance(dependency, dict):
            raise _error(entry, _("a dependency in “%(field)s” is malformed.") % {"field": name})
        machine = _require(dependency, entry, "machineName", str)
        major = _require(dependency, entry, "majorVersion", int)
        minor = _require(dependency, entry, "minorVersion", int)
        keys.append((machine, major, minor))
    return keys


def _check_h5p_json(data: Any) -> None:
    entry = "h5p.json"
    if not isinstance(data, dict):
        raise _error(entry, _("the file must hold a JSON object."))
    _require(data, entry, "title", str, non_empty=True)
    _require(data, entry, "language", str, non_empty=True)
    _require(data, entry, "mainLibrary", str, non_empty=True)
    _require(data, entry, "preloadedDependencies", list, non_empty=True)
    embed_types = _require(data, entry, "embedTypes", list, non_empty=True)
    if not set(embed_types) <= EMBED_TYPES:
        raise _error(entry, _("the field “embedTypes” may only hold “div” and “iframe”."))
    _dependencies(data, entry, "preloadedDependencies")
    if data["mainLibrary"] not in {
        key[0] for key in _dependencies(data, entry, "preloadedDependencies")
    }:
        raise _error(entry, _("the main library is not among the preloaded dependencies."))


def _check_library(folder: Path, files: list[str]) -> BundledLibrary:
    entry = f"{folder.name}/library.json"
    if "library.json" not in files:
        raise _error(entry, _("every library folder must hold a library.json file."))
    data = _read_json(folder / "library.json", entry)
    if not isinstance(data, dict):
        raise _error(entry, _("the file must hold a JSON object."))
    _require(data, entry, "title", str, non_empty=True)
    machine = _require(data, entry, "machineName", str, non_empty=True)
    major = _require(data, entry, "majorVersion", int)
    minor = _require(data, entry, "minorVersion", int)
    _require(data, entry, "patchVersion", int)
    _require(data, entry, "runnable", (int, bool))
    if not MACHINE_NAME.match(machine):
        raise _error(entry, _("the machine name “%(name)s” is not valid.") % {"name": machine})
    if min(major, minor, data["patchVersion"]) < 0:
        raise _error(entry, _("versions cannot be negative."))
    if folder.name not in (machine, f"{machine}-{major}.{minor}"):
        raise _error(
            entry,
            _("the folder should be named “%(expected)s”.")
            % {"expected": f"{machine}-{major}.{minor}"},
        )
    for kind in ("preloadedJs", "preloadedCss"):
        for item in data.get(kind) or []:
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or path not in files:
                raise _error(
                    entry,
                    _("the file “%(path)s” listed in “%(field)s” is missing.")
                    % {"path": path, "field": kind},
                )
    _dependencies(data, entry, "preloadedDependencies")
    return BundledLibrary(folder=folder.name, definition=data, files=sorted(files))


def validate_package(
    root: Path,
    extracted: list[str],
    installed: Callable[[str, int, int], Any],
) -> PackageManifest:
    """Check the extracted package in `root`. `installed(machine, major, minor)` returns the
    installed library of that version (newest patch) or None."""
    if "h5p.json" not in extracted:
        raise H5PPackageError(
            _("The package has no h5p.json file: it is not an H5P package."), code="invalid"
        )
    h5p_json = _read_json(root / "h5p.json", "h5p.json")
    _check_h5p_json(h5p_json)

    if "content/content.json" not in extracted:
        raise _error("content/content.json", _("the content file is missing."))
    content = _read_json(root / "content" / "content.json", "content/content.json")
    if not isinstance(content, dict):
        raise _error("content/content.json", _("the file must hold a JSON object."))

    by_folder: dict[str, list[str]] = {}
    content_files = []
    for path in extracted:
        top, _sep, rest = path.partition("/")
        if top == "content":
            content_files.append(rest)
        elif rest:
            by_folder.setdefault(top, []).append(rest)

    manifest = PackageManifest(root=root, h5p_json=h5p_json, content_files=sorted(content_files))
    for folder, files in sorted(by_folder.items()):
        library = _check_library(root / folder, files)
        if library.key in manifest.bundled:
            raise _error(f"{folder}/library.json", _("this library is in the package twice."))
        manifest.bundled[library.key] = library

    # Walk the preloaded dependencies from h5p.json: all of them are needed to play.
    queue = [
        (key, "h5p.json") for key in _dependencies(h5p_json, "h5p.json", "preloadedDependencies")
    ]
    while queue:
        key, required_by = queue.pop(0)
        if key in manifest.needed:
            continue
        bundled = manifest.bundled.get(key)
        found = bundled or installed(*key)
        if found is None:
            raise _error(
                required_by,
                _("the library %(library)s it needs is neither in the package nor installed.")
                % {"library": f"{key[0]} {key[1]}.{key[2]}"},
            )
        manifest.needed[key] = found
        definition = bundled.definition if bundled else found.definition
        entry = f"{bundled.folder}/library.json" if bundled else str(found)
        queue.extend(
            (dependency, entry)
            for dependency in _dependencies(definition, entry, "preloadedDependencies")
        )

    main = h5p_json["mainLibrary"]
    manifest.main_key = next(
        key
        for key in _dependencies(h5p_json, "h5p.json", "preloadedDependencies")
        if key[0] == main
    )
    return manifest
