"""What a SCORM package may hold, and what its manifest (`imsmanifest.xml`) says.

The archive goes through the shared safe extraction (`assessments.packages.extraction`) with
the file types of web content; then the manifest is parsed with defusedxml, which refuses any
DTD or entity declaration (billion laughs, external entities) before expanding anything. From
it: the SCORM version (1.2, or 2004 3rd/4th edition), the organisations and their items, the
SCOs, and the launch file: the first SCO of the default organisation, which must be a file of
the package (a URL elsewhere, a path going up a folder or a file missing are refused).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from assessments.packages.extraction import (
    Admit,
    PackageError,
    Policy,
    entry_error,
    extension_of,
)

MANIFEST = "imsmanifest.xml"
MAX_MANIFEST_SIZE = 5 * 1024 * 1024

# What authoring tools (Storyline, Captivate, iSpring, Rise, eXe) put in a package: web pages and
# their scripts, styles, fonts, media, documents, and the XML schemas SCORM requires.
SCORM_EXTENSIONS = frozenset(
    [
        "html",
        "htm",
        "xhtml",
        "js",
        "mjs",
        "css",
        "json",
        "xml",
        "xsd",
        "dtd",
        "txt",
        "csv",
        "md",
        "vtt",
        "webvtt",
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "webp",
        "svg",
        "ico",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "mp4",
        "webm",
        "ogg",
        "ogv",
        "oga",
        "mp3",
        "m4a",
        "m4v",
        "wav",
    ]
)
# Flash plays in no browser any more (old Captivate exports still ship it): left out, noted.
SKIPPED_EXTENSIONS = frozenset({"swf", "flv"})


class ScormPolicy(Policy):
    def not_an_archive(self) -> str:
        return _("This file is not a valid SCORM package (a ZIP archive) and cannot be read.")

    def configuration_file(self) -> str:
        return _("web server configuration files are not allowed in a SCORM package.")

    def admit(self, name: str, parts: tuple[str, ...]) -> Admit:
        extension = extension_of(parts)
        if extension in SKIPPED_EXTENSIONS:
            return Admit.LEAVE_OUT
        if extension not in SCORM_EXTENSIONS:
            raise entry_error(
                name,
                _("files of type “%(extension)s” are not allowed in a SCORM package.")
                % {"extension": extension or "?"},
            )
        return Admit.EXTRACT


SCORM_POLICY = ScormPolicy()


@dataclass
class Manifest:
    version: str  # "1.2" or "2004"
    schema_version: str
    launch_path: str
    launch_query: str
    organisations: list[dict]
    mastery_score: float | None
    notes: list[dict] = field(default_factory=list)


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower()


def _attribute(element: Element, name: str) -> str:
    """An attribute by its local name, whatever its namespace (`adlcp:scormtype`, `xml:base`)."""
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1].lower() == name:
            return value.strip()
    return ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child) == name]


def _child_text(element: Element, name: str) -> str:
    for child in element:
        if _local(child) == name:
            return (child.text or "").strip()
    return ""


def _refused(message: str) -> PackageError:
    return PackageError(message, code="manifest")


def parse_manifest_bytes(data: bytes) -> Element:
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise _refused(
            _(
                "The manifest (imsmanifest.xml) declares a DTD or entities, which SCORM packages "
                "never need and XML bombs use: the package is refused."
            )
        ) from error
    except (ParseError, ValueError) as error:
        raise _refused(
            _("The manifest (imsmanifest.xml) is not valid XML: %(error)s") % {"error": error}
        ) from error


def _version(root: Element) -> tuple[str, str]:
    schema = ""
    for metadata in _children(root, "metadata"):
        schema = _child_text(metadata, "schemaversion") or schema
    namespaces = " ".join([root.tag, *(str(key) for key in root.attrib)]) + " ".join(
        element.tag for element in root.iter()
    )
    if schema == "1.2" or "adlcp_rootv1p2" in namespaces:
        return "1.2", schema
    if schema.startswith("2004") or schema == "CAM 1.3" or "adlcp_v1p3" in namespaces:
        return "2004", schema
    raise _refused(
        _(
            "The manifest does not say it is SCORM 1.2 or SCORM 2004 (its schemaversion is "
            "“%(schema)s”): only these two versions can be played."
        )
        % {"schema": schema or "—"}
    )


def _package_path(href: str, base: str) -> tuple[str, str]:
    """(path inside the package, query) of a resource's `href`; refused if it leads outside."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("/", "\\")) or "\\" in href:
        raise _refused(
            _(
                "The manifest points outside the package (“%(href)s”): a SCORM package must "
                "hold every file it plays."
            )
            % {"href": href}
        )
    joined = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        raise _refused(
            _(
                "The manifest points outside the package (“%(href)s”): a SCORM package must "
                "hold every file it plays."
            )
            % {"href": href}
        )
    return joined, parts.query


def _items(element: Element) -> list[Element]:
    """The items of an organisation, depth first (the order a learner meets them)."""
    found = []
    for item in _children(element, "item"):
        found.append(item)
        found.extend(_items(item))
    return found


def read_manifest(root_folder: Path, files: list[str]) -> Manifest:
    """Read the extracted package's manifest; raise `PackageError` with the editor's words."""
    path = root_folder / MANIFEST
    if MANIFEST not in files:
        nested = [name for name in files if name.rsplit("/", 1)[-1] == MANIFEST]
        if nested:
            raise _refused(
                _(
                    "imsmanifest.xml must be at the top of the ZIP archive, not in “%(folder)s”: "
                    "export the package again, or zip the folder's contents rather than the "
                    "folder."
                )
                % {"folder": nested[0].rsplit("/", 1)[0]}
            )
        raise _refused(
            _("This is not a SCORM package: it holds no imsmanifest.xml at the top of the archive.")
        )
    if path.stat().st_size > MAX_MANIFEST_SIZE:
        raise _refused(_("The manifest (imsmanifest.xml) is larger than 5 MB."))
    root = parse_manifest_bytes(path.read_bytes())
    if _local(root) != "manifest":
        raise _refused(_("The manifest (imsmanifest.xml) has no <manifest> element."))
    version, schema = _version(root)

    resources: dict[str, dict] = {}
    for group in _children(root, "resources"):
        group_base = _attribute(group, "base")
        for resource in _children(group, "resource"):
            base = posixpath.join(group_base, _attribute(resource, "base"))
            href = _attribute(resource, "href")
            for file in _children(resource, "file"):
                if _attribute(file, "href"):
                    _package_path(_attribute(file, "href"), base)
            resources[_attribute(resource, "identifier")] = {
                "href": _package_path(href, base) if href else None,
                "sco": _attribute(resource, "scormtype").lower() == "sco",
            }

    organisations = []
    default = ""
    mastery: float | None = None
    launch: tuple[str, str] | None = None
    for group in _children(root, "organizations"):
        default = _attribute(group, "default")
        for organisation in _children(group, "organization"):
            identifier = _attribute(organisation, "identifier")
            items = []
            for item in _items(organisation):
                resource = resources.get(_attribute(item, "identifierref"))
                if resource is None or resource["href"] is None:
                    continue
                path_in_package, query = resource["href"]
                parameters = _attribute(item, "parameters").lstrip("?&")
                items.append(
                    {
                        "identifier": _attribute(item, "identifier"),
                        "title": _child_text(item, "title")[:255],
                        "href": path_in_package,
                        "sco": resource["sco"],
                    }
                )
                is_default = not default or identifier == default
                if is_default and resource["sco"] and launch is None:
                    launch = (path_in_package, "&".join(p for p in (query, parameters) if p))
                    score = _child_text(item, "masteryscore")
                    try:
                        mastery = float(score) if score else None
                    except ValueError:
                        mastery = None
            organisations.append(
                {
                    "identifier": identifier,
                    "title": _child_text(organisation, "title")[:255] or identifier,
                    "default": identifier == default or (not default and not organisations),
                    "items": items,
                }
            )
    if launch is None:
        raise _refused(
            _(
                "The manifest names no SCO to launch (an item of the default organisation whose "
                "resource has adlcp:scormtype=“sco” and an href)."
            )
        )
    if launch[0] not in files:
        raise _refused(
            _("The launch file “%(file)s” named by the manifest is not in the package.")
            % {"file": launch[0]}
        )
    if extension_of((launch[0],)) not in ("html", "htm", "xhtml"):
        raise _refused(_("The launch file “%(file)s” is not a web page.") % {"file": launch[0]})
    notes = []
    scos = sum(item["sco"] for org in organisations for item in org["items"])
    if scos > 1:
        notes.append({"kind": "several_scos", "count": scos})
    return Manifest(
        version=version,
        schema_version=schema[:100],
        launch_path=launch[0],
        launch_query=launch[1][:1000],
        organisations=organisations,
        mastery_score=mastery,
        notes=notes,
    )
