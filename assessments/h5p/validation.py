"""Validation of an extracted H5P package against the H5P specification.

The rules are those of H5P core's own validator (h5p-php-library, `H5PValidator`: the
`$h5pRequired`, `$h5pOptional`, `$libraryRequired` and `$libraryOptional` schemas, the library
folder name, `semantics.json` and the `language/*.json` files, and the `coreApi` check), which
is what every H5P tool (Lumi, Moodle, WordPress, Drupal, h5p.org) exports for:

- a value checked by a regular expression may be a string or an integer, as in PHP: real
  packages write versions as strings (`"majorVersion": "1"`) as often as numbers; a boolean, a
  float or null is refused;
- a list of allowed values (`embedTypes`) holds only those values;
- a sub-schema (dependencies, `coreApi`, `preloadedJs`…) applies to one object or to each object
  of a list, all of its fields required. One leniency: an empty list is accepted where an
  optional list is allowed (PHP would read it as an object with every field missing).

Every dependency needed to play the content must be bundled or already installed, and no
library may need a newer H5P core than the player's. Messages name the offending file.
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

# The H5P core API the player implements: h5p-standalone 3.8 ships H5P core's player scripts as
# they were upstream in January 2025 (core API 1.27). A library asking for more is refused, as
# H5P core itself refuses it.
PLAYER_CORE_API = (1, 27)

_A = re.ASCII
_I = re.ASCII | re.IGNORECASE
_VERSION = re.compile(r"^[0-9]{1,5}$", _A)
_MACHINE_NAME = re.compile(r"^[\w0-9\-\.]{1,255}$", _I)
_LINE_255 = re.compile(r"^.{1,255}$")
_TEXT = re.compile(r"^.{1,}$")
_BIT = re.compile(r"^(0|1)$", _A)
_SIZE = re.compile(r"^[0-9]{1,4}$", _A)
_DEPENDENCY = {"machineName": _MACHINE_NAME, "majorVersion": _VERSION, "minorVersion": _VERSION}
EMBED_TYPES = ("iframe", "div")

H5P_REQUIRED: dict[str, Any] = {
    "title": _LINE_255,
    "language": re.compile(r"^[-a-zA-Z]{1,10}$", _A),
    "preloadedDependencies": _DEPENDENCY,
    "mainLibrary": re.compile(r"^[$a-z_][0-9a-z_\.$]{1,254}$", _I),
    "embedTypes": EMBED_TYPES,
}
H5P_OPTIONAL: dict[str, Any] = {
    "contentType": _LINE_255,
    "dynamicDependencies": _DEPENDENCY,
    "author": _LINE_255,
    "authors": {"name": _LINE_255, "role": re.compile(r"^\w+$", _A)},
    "source": re.compile(r"^(http[s]?://.+)$"),
    "license": re.compile(
        r"^(CC BY|CC BY-SA|CC BY-ND|CC BY-NC|CC BY-NC-SA|CC BY-NC-ND|CC0 1\.0|GNU GPL|PD|"
        r"ODC PDDL|CC PDM|U|C)$"
    ),
    "licenseVersion": re.compile(r"^(1\.0|2\.0|2\.5|3\.0|4\.0)$"),
    "licenseExtras": re.compile(r"^.{1,5000}$"),
    "yearsFrom": re.compile(r"^([0-9]{1,4})$", _A),
    "yearsTo": re.compile(r"^([0-9]{1,4})$", _A),
    "changes": {
        "date": re.compile(r"^[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{1,2}:[0-9]{2}:[0-9]{2}$", _A),
        "author": _LINE_255,
        "log": re.compile(r"^.{1,5000}$"),
    },
    "authorComments": re.compile(r"^.{1,5000}$"),
    "w": _SIZE,
    "h": _SIZE,
    "metaKeywords": _TEXT,
    "metaDescription": _TEXT,
}
LIBRARY_REQUIRED: dict[str, Any] = {
    "title": _LINE_255,
    "majorVersion": _VERSION,
    "minorVersion": _VERSION,
    "patchVersion": _VERSION,
    "machineName": _MACHINE_NAME,
    "runnable": _BIT,
}
LIBRARY_OPTIONAL: dict[str, Any] = {
    "author": _LINE_255,
    "license": re.compile(
        r"^(cc-by|cc-by-sa|cc-by-nd|cc-by-nc|cc-by-nc-sa|cc-by-nc-nd|pd|cr|MIT|GPL1|GPL2|GPL3|"
        r"MPL|MPL2)$"
    ),
    "description": _TEXT,
    "metadataSettings": {"disable": _BIT, "disableExtraTitleField": _BIT},
    "dynamicDependencies": _DEPENDENCY,
    "preloadedDependencies": _DEPENDENCY,
    "editorDependencies": _DEPENDENCY,
    # Core's `^((\\|/)?[a-z_\-\s0-9\.]+)+\.js$`, written without its nested repetition (which
    # backtracks exponentially on a long name that does not match): the same paths match.
    "preloadedJs": {
        "path": re.compile(r"^[\\/]?[a-z_\-\s0-9.]+(?:[\\/][a-z_\-\s0-9.]+)*\.js$", _I)
    },
    "preloadedCss": {
        "path": re.compile(r"^[\\/]?[a-z_\-\s0-9.]+(?:[\\/][a-z_\-\s0-9.]+)*\.css$", _I)
    },
    "dropLibraryCss": {"machineName": _MACHINE_NAME},
    "w": _SIZE,
    "h": _SIZE,
    "embedTypes": EMBED_TYPES,
    "fullscreen": _BIT,
    "coreApi": {"majorVersion": _VERSION, "minorVersion": _VERSION},
}
# Core's `^(-?[a-z]+){1,7}\.json$` without its nested repetition: the same names match.
LANGUAGE_FILE = re.compile(r"^-?[a-z]+(?:-[a-z]+){0,6}\.json$", _I)
# Our own limit: the database keeps machine names of up to 127 characters.
MAX_MACHINE_NAME = 127

LibraryKey = tuple[str, int, int]  # machineName, majorVersion, minorVersion


@dataclass
class BundledLibrary:
    folder: str
    definition: dict[str, Any]
    files: list[str]  # relative to the library folder

    @property
    def key(self) -> LibraryKey:
        d = self.definition
        return (d["machineName"], int(d["majorVersion"]), int(d["minorVersion"]))

    @property
    def patch(self) -> int:
        return int(self.definition["patchVersion"])


@dataclass
class PackageManifest:
    root: Path
    h5p_json: dict[str, Any]
    content_files: list[str]  # relative to content/
    bundled: dict[LibraryKey, BundledLibrary] = field(default_factory=dict)
    # Every library needed to play the content, with the installed one when it is not bundled.
    needed: dict[LibraryKey, Any] = field(default_factory=dict)
    main_key: LibraryKey | None = None
    # What the editor should know but does not stop the import (files left out, media from
    # another host): {"kind": ..., ...}, rendered by `assessments.h5p.notes`.
    notes: list[dict[str, Any]] = field(default_factory=list)


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
    except RecursionError as error:
        raise _error(entry, _("the JSON is nested too deeply.")) from error


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _wrong(entry: str, name: str, value: Any) -> H5PPackageError:
    return _error(
        entry,
        _("the field “%(field)s” does not follow the H5P specification (%(value)s).")
        % {"field": name, "value": _shown(value)},
    )


def _check_value(value: Any, rule: Any, entry: str, name: str) -> None:
    if isinstance(rule, re.Pattern):
        # PHP's preg_match on a string or an integer: "1" and 1 alike; never true, 1.0 or null.
        if (
            isinstance(value, bool)
            or not isinstance(value, str | int)
            or not rule.search(str(value))
        ):
            raise _wrong(entry, name, value)
    elif isinstance(rule, tuple):
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item in rule for item in value
        ):
            raise _error(
                entry,
                _("the field “%(field)s” may only hold %(values)s.")
                % {"field": name, "values": ", ".join(f"“{v}”" for v in rule)},
            )
    elif isinstance(rule, dict):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                raise _wrong(entry, name, value)
            for sub_name, sub_rule in rule.items():
                if item.get(sub_name) is None:
                    raise _error(
                        entry,
                        _("the required field “%(field)s” is missing.")
                        % {"field": f"{name}.{sub_name}"},
                    )
                _check_value(item[sub_name], sub_rule, entry, f"{name}.{sub_name}")


def check_schema(data: Any, entry: str, required: dict, optional: dict) -> None:
    """Check `data` (the parsed JSON of `entry`) against one of H5P core's schemas."""
    if not isinstance(data, dict):
        raise _error(entry, _("the file must hold a JSON object."))
    for name, rule in required.items():
        if data.get(name) is None:
            raise _error(entry, _("the required field “%(field)s” is missing.") % {"field": name})
        _check_value(data[name], rule, entry, name)
    for name, rule in optional.items():
        if name in data and not (isinstance(data[name], list) and not data[name]):
            _check_value(data[name], rule, entry, name)


def dependencies(data: dict, name: str = "preloadedDependencies") -> list[LibraryKey]:
    """The dependencies of a checked h5p.json or library.json, versions as integers."""
    return [
        (item["machineName"], int(item["majorVersion"]), int(item["minorVersion"]))
        for item in (data.get(name) or [])
    ]


def _check_h5p_json(data: Any) -> None:
    entry = "h5p.json"
    check_schema(data, entry, H5P_REQUIRED, H5P_OPTIONAL)
    if data["mainLibrary"] not in {key[0] for key in dependencies(data)}:
        raise _error(entry, _("the main library is not among the preloaded dependencies."))


def _check_library(folder: Path, files: list[str]) -> BundledLibrary:
    entry = f"{folder.name}/library.json"
    if not _MACHINE_NAME.match(folder.name):
        raise _error(folder.name, _("this is not a valid library folder name."))
    if "library.json" not in files:
        raise _error(entry, _("every library folder must hold a library.json file."))
    data = _read_json(folder / "library.json", entry)
    check_schema(data, entry, LIBRARY_REQUIRED, LIBRARY_OPTIONAL)
    machine = data["machineName"]
    major, minor = int(data["majorVersion"]), int(data["minorVersion"])
    if len(machine) > MAX_MACHINE_NAME:
        raise _error(
            entry,
            _("the machine name is longer than %(count)d characters.")
            % {"count": MAX_MACHINE_NAME},
        )
    if folder.name not in (machine, f"{machine}-{major}.{minor}"):
        raise _error(
            entry,
            _("the folder should be named “%(expected)s”.")
            % {"expected": f"{machine}-{major}.{minor}"},
        )
    for kind in ("preloadedJs", "preloadedCss"):
        for item in data.get(kind) or []:
            path = item["path"].replace("\\", "/")
            if path not in files:
                raise _error(
                    entry,
                    _("the file “%(path)s” listed in “%(field)s” is missing.")
                    % {"path": path, "field": kind},
                )
    if "semantics.json" in files:
        _read_json(folder / "semantics.json", f"{folder.name}/semantics.json")
    for relative in files:
        language, _sep, name = relative.partition("/")
        if language != "language" or not name or "/" in name:
            continue
        language_entry = f"{folder.name}/{relative}"
        if not LANGUAGE_FILE.match(name):
            raise _error(
                language_entry, _("a language file must be named like “fr.json” or “pt-br.json”.")
            )
        _read_json(folder / relative, language_entry)
    return BundledLibrary(folder=folder.name, definition=data, files=sorted(files))


def _check_core_api(library: BundledLibrary) -> None:
    core_api = library.definition.get("coreApi")
    if not core_api:
        return
    needed = (int(core_api["majorVersion"]), int(core_api["minorVersion"]))
    if needed > PLAYER_CORE_API:
        raise _error(
            f"{library.folder}/library.json",
            _(
                "the library “%(title)s” needs version %(needed)s of the H5P core, and this "
                "site's player provides version %(provided)s. Export the content from a tool "
                "with an older version of this content type, or ask for the player to be "
                "updated."
            )
            % {
                "title": library.definition["title"],
                "needed": "{}.{}".format(*needed),
                "provided": "{}.{}".format(*PLAYER_CORE_API),
            },
        )


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
    queue = [(key, "h5p.json") for key in dependencies(h5p_json)]
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
        if bundled:
            _check_core_api(bundled)
        manifest.needed[key] = found
        definition = bundled.definition if bundled else found.definition
        entry = f"{bundled.folder}/library.json" if bundled else str(found)
        queue.extend((dependency, entry) for dependency in dependencies(definition))

    main = h5p_json["mainLibrary"]
    manifest.main_key = next(key for key in dependencies(h5p_json) if key[0] == main)
    return manifest
