"""Importing SCORM packages: real 1.2 and 2004 manifests as authoring tools write them, stored
once by content hash, replaced keeping lessons and results; hostile packages refused with a
message, leaving no row and no file."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from assessments.models import ScormAttempt, ScormPackage
from assessments.packages.extraction import PackageError
from assessments.scorm import services
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    build_zip,
    scorm_block,
    scorm_package,
    scorm_package_files,
    scorm_package_row,
)

pytestmark = pytest.mark.django_db


def _stored_files() -> list[str]:
    def walk(folder):
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return []
        return [f"{folder}/{name}" for name in files] + [
            name for sub in folders for name in walk(f"{folder}/{sub}")
        ]

    return walk("scorm")


def _import(data: bytes):
    return services.import_scorm_package(file=io.BytesIO(data))


def test_a_scorm_12_package_is_read_as_its_tool_wrote_it():
    package = _import(scorm_package(version="1.2", title="Identifier les victimes"))
    assert package.version == "1.2"
    assert package.schema_version == "1.2"
    assert package.title == "Identifier les victimes"
    assert package.launch_path == "index.html"
    assert package.mastery_score == 80
    assert package.organisations == [
        {
            "identifier": "ORG-TRAITE",
            "title": "Identifier les victimes",
            "default": True,
            "items": [
                {
                    "identifier": "ITEM-1",
                    "title": "Identifier les victimes",
                    "href": "index.html",
                    "sco": True,
                }
            ],
        }
    ]
    assert sorted(_stored_files()) == sorted(
        package.storage_path(name) for name in scorm_package_files(version="1.2")
    )


@pytest.mark.parametrize("edition", ["2004 3rd Edition", "2004 4th Edition"])
def test_a_scorm_2004_package_is_read_with_its_launch_file_in_a_folder(edition):
    package = _import(scorm_package(version="2004", edition=edition, launch="scormcontent/a.html"))
    assert package.version == "2004"
    assert package.schema_version == edition
    assert package.launch_path == "scormcontent/a.html"
    assert package.sco_count == 1
    assert package.mastery_score is None


def test_the_same_package_is_stored_once():
    first = _import(scorm_package())
    with pytest.raises(services.DuplicatePackage) as refused:
        _import(scorm_package())
    assert refused.value.existing == first
    assert ScormPackage.objects.count() == 1


def test_a_new_version_keeps_the_lessons_and_the_results(django_capture_on_commit_callbacks):
    package = scorm_package_row(title="Module 1")
    lesson = LessonPageFactory(body=[scorm_block(package)])
    attempt = ScormAttempt.objects.create(
        user=UserFactory(),
        lesson=lesson,
        package=package,
        number=1,
        content_hash=package.content_hash,
        completion_status="completed",
    )
    old_files = _stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        replaced = services.replace_scorm_package(
            package=package, file=io.BytesIO(scorm_package(version="2004", title="Module 1 bis"))
        )
    assert replaced.pk == package.pk and replaced.title == "Module 1"
    assert replaced.version == "2004"
    assert services.lesson_scorm_modules(lesson)[0].package.content_hash == replaced.content_hash
    attempt.refresh_from_db()
    assert attempt.completion_status == "completed"
    # The attempt played the old version: the next launch starts a new one.
    assert services.current_attempt(user=attempt.user, lesson=lesson, package=replaced) is None
    assert not set(old_files) & set(_stored_files())  # old files deleted once committed


def _manifest(body: str, version="1.2") -> str:
    files = scorm_package_files(version=version)
    text = files["imsmanifest.xml"].decode()
    return text.replace('<?xml version="1.0" encoding="UTF-8"?>', body, 1)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE manifest [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY secret SYSTEM "file:///etc/passwd">]>"""


def _hostile(kind: str) -> bytes:
    if kind == "billion laughs":
        manifest = _manifest(BILLION_LAUGHS).replace("<title>", "<title>&lol9;", 1)
        return scorm_package(manifest=manifest)
    if kind == "external entity":
        manifest = _manifest(EXTERNAL_ENTITY).replace("<title>", "<title>&secret;", 1)
        return scorm_package(manifest=manifest)
    if kind == "zip slip":
        return build_zip({**scorm_package_files(), "../../evil.html": b"<script></script>"})
    if kind == "missing launch file":
        files = scorm_package_files()
        del files["index.html"]
        return build_zip(files)
    if kind == "launch outside (URL)":
        manifest = scorm_package_files()["imsmanifest.xml"].decode()
        return scorm_package(
            manifest=manifest.replace('href="index.html"', 'href="https://evil.example/sco.html"')
        )
    if kind == "launch outside (path)":
        manifest = scorm_package_files()["imsmanifest.xml"].decode()
        return scorm_package(
            manifest=manifest.replace('href="index.html"', 'href="../../../etc/passwd.html"')
        )
    if kind == "a PHP file":
        return build_zip({**scorm_package_files(), "lms/shell.php": b"<?php system($_GET[1]);"})
    if kind == "no manifest":
        files = scorm_package_files()
        del files["imsmanifest.xml"]
        return build_zip(files)
    if kind == "not a zip":
        return b"<html>not a package</html>"
    raise AssertionError(kind)


HOSTILE = {
    "billion laughs": ("declares a DTD or entities", "déclare une DTD ou des entités"),
    "external entity": ("declares a DTD or entities", "déclare une DTD ou des entités"),
    "zip slip": ("going up a folder", "remontent d'un dossier"),
    "missing launch file": ("is not in the package", "n’est pas dans le paquet"),
    "launch outside (URL)": ("points outside the package", "désigne un fichier hors du paquet"),
    "launch outside (path)": ("points outside the package", "désigne un fichier hors du paquet"),
    "a PHP file": ("“php” are not allowed in a SCORM package", "« php » sont interdits"),
    "no manifest": ("holds no imsmanifest.xml", "ne contient pas de fichier imsmanifest.xml"),
    "not a zip": ("not a valid SCORM package", "n’est pas un paquet SCORM valide"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_package_is_refused_with_a_message_and_nothing_written(kind):
    data = _hostile(kind)
    english, french = HOSTILE[kind]
    for language, words in (("en", english), ("fr", french)):
        with translation.override(language), pytest.raises(PackageError) as refused:
            _import(data)
        assert words in refused.value.messages[0], (language, refused.value.messages[0])
    assert not ScormPackage.objects.exists()
    assert _stored_files() == []


def test_a_manifest_in_a_folder_says_how_to_zip_the_package():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in scorm_package_files().items():
            archive.writestr(f"export/{name}", data)
    with pytest.raises(PackageError, match="à la racine de l’archive ZIP, pas dans « export »"):
        _import(buffer.getvalue())


def test_a_package_with_results_is_not_deleted():
    package = scorm_package_row()
    lesson = LessonPageFactory(body=[scorm_block(package)])
    ScormAttempt.objects.create(
        user=UserFactory(), lesson=lesson, package=package, number=1, content_hash="x"
    )
    with pytest.raises(services.PackageInUse):
        services.delete_scorm_package(package=package)
    assert ScormPackage.objects.filter(pk=package.pk).exists()


def test_an_editor_uploads_a_package_in_the_admin_and_a_refusal_is_shown(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    url = "/admin/snippets/assessments/scormpackage/add/"
    refused = client.post(
        url,
        {"package": SimpleUploadedFile("bombe.zip", _hostile("billion laughs")), "title": ""},
    )
    assert refused.status_code == 200
    assert "déclare une DTD ou des entités" in refused.content.decode()
    assert not ScormPackage.objects.exists()
    created = client.post(
        url, {"package": SimpleUploadedFile("module.zip", scorm_package()), "title": "Module 1"}
    )
    assert created.status_code == 302
    package = ScormPackage.objects.get()
    assert (package.title, package.uploaded_by) == ("Module 1", editor)
    listing = client.get("/admin/snippets/assessments/scormpackage/").content.decode()
    assert "Module 1" in listing and f"/admin/scorm/packages/{package.pk}/replace/" in listing


def test_an_editor_replaces_a_package_in_the_admin_and_a_refusal_changes_nothing(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    package = scorm_package_row(title="Module 1")
    before = package.content_hash
    client.force_login(editor)
    url = f"/admin/scorm/packages/{package.pk}/replace/"
    page = client.get(url).content.decode()
    assert "garde sa place dans les leçons" in page and "Remplacer le paquet" in page

    refused = client.post(url, {"package": SimpleUploadedFile("v2.zip", _hostile("zip slip"))})
    assert refused.status_code == 200
    assert 'class="error-message"' in refused.content.decode()
    package.refresh_from_db()
    assert package.content_hash == before

    replaced = client.post(
        url,
        {"package": SimpleUploadedFile("v2.zip", scorm_package(title="Version 2"))},
        follow=True,
    )
    assert "joue maintenant la nouvelle version" in replaced.content.decode()
    package.refresh_from_db()
    assert package.content_hash != before
    assert ScormPackage.objects.count() == 1
