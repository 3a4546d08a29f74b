import io
import json
import os
import stat
import tempfile
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage

from assessments.h5p import services
from assessments.h5p.extraction import H5PPackageError
from assessments.models import H5PActivity, H5PLibrary
from tests.factories import build_zip, h5p_activity, h5p_package, h5p_package_files

pytestmark = pytest.mark.django_db


def _files_under(root) -> list[str]:
    return [
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    ]


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Temporary folders of the import go here, so a test can see that none is left."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_valid_package_is_stored_once_under_content_hash_paths(private_tmp):
    activity = services.import_h5p_package(file=io.BytesIO(h5p_package()))

    assert activity.title == "Activité de test"
    assert activity.language == "fr"
    library = H5PLibrary.objects.get()
    assert (library.machine_name, library.version) == ("H5P.TestButton", "1.0.0")
    assert activity.main_library == library
    assert list(activity.libraries.all()) == [library]
    assert len(activity.content_hash) == 64 and len(library.content_hash) == 64
    assert sorted(_files_under(settings.MEDIA_ROOT)) == sorted(
        [
            f"h5p/content/{activity.content_hash}/h5p.json",
            f"h5p/content/{activity.content_hash}/content/content.json",
            f"h5p/content/{activity.content_hash}/content/images/photo.png",
            f"h5p/libraries/{library.content_hash}/library.json",
            f"h5p/libraries/{library.content_hash}/test-button.js",
            f"h5p/libraries/{library.content_hash}/test-button.css",
        ]
    )
    assert list(private_tmp.iterdir()) == []


def test_libraries_are_shared_by_packages():
    first = services.import_h5p_package(file=io.BytesIO(h5p_package(title="Premier")))
    second = services.import_h5p_package(file=io.BytesIO(h5p_package(title="Second", score=3)))

    assert H5PLibrary.objects.count() == 1
    assert first.main_library == second.main_library


def test_package_without_its_library_plays_with_the_installed_one():
    h5p_activity()
    files = {
        name: data
        for name, data in h5p_package_files(score=1).items()
        if not name.startswith("H5P.TestButton")
    }
    activity = services.import_h5p_package(file=io.BytesIO(build_zip(files)))

    assert activity.main_library == H5PLibrary.objects.get()


def test_same_package_twice_is_refused_with_the_existing_title():
    h5p_activity(title="Quiz de la loi")
    with pytest.raises(H5PPackageError) as refused:
        services.import_h5p_package(file=io.BytesIO(h5p_package()))
    assert "Quiz de la loi" in refused.value.messages[0]


def test_new_library_must_be_approved_before_publishing(administrator):
    activity = services.import_h5p_package(file=io.BytesIO(h5p_package()))
    library = activity.main_library
    assert not library.is_approved
    assert not activity.is_playable

    with pytest.raises(ValidationError) as refused:
        services.publish_h5p_activity(activity=activity)
    assert "H5P.TestButton 1.0.0" in str(refused.value)
    activity.refresh_from_db()
    assert not activity.is_published

    services.approve_h5p_library(library=library, approved_by=administrator)
    services.publish_h5p_activity(activity=activity)
    activity.refresh_from_db()
    assert activity.is_playable
    assert library.approved_by == administrator


def _link(name: str, target: bytes) -> tuple:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


def _missing_h5p_json():
    files = h5p_package_files()
    del files["h5p.json"]
    return files


def _missing_dependency():
    files = h5p_package_files()
    h5p_json = json.loads(files["h5p.json"])
    h5p_json["preloadedDependencies"].append(
        {"machineName": "H5P.Absente", "majorVersion": 2, "minorVersion": 1}
    )
    files["h5p.json"] = json.dumps(h5p_json).encode()
    return files


def _library_without_version():
    files = h5p_package_files()
    library = json.loads(files["H5P.TestButton-1.0/library.json"])
    del library["patchVersion"]
    files["H5P.TestButton-1.0/library.json"] = json.dumps(library).encode()
    return files


def _h5p_json_without(field):
    files = h5p_package_files()
    h5p_json = json.loads(files["h5p.json"])
    del h5p_json[field]
    files["h5p.json"] = json.dumps(h5p_json).encode()
    return files


def _with_library(**changes):
    files = h5p_package_files()
    library = json.loads(files["H5P.TestButton-1.0/library.json"])
    library.update(changes)
    files["H5P.TestButton-1.0/library.json"] = json.dumps(library).encode()
    return files


def _with_h5p_json(**changes):
    files = h5p_package_files()
    h5p_json = json.loads(files["h5p.json"])
    h5p_json.update(changes)
    files["h5p.json"] = json.dumps(h5p_json).encode()
    return files


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _nul_name_package() -> bytes:
    # zipfile cuts a name at its NUL byte, so the archive is written with a stand-in byte
    # and patched: "photo.png\0.php" is what an attacker's tool would write.
    archive = build_zip({**h5p_package_files(), "content/images/evil.pngX.php": b"<?php"})
    return archive.replace(b"evil.pngX.php", b"evil.png\x00.php")


MALICIOUS = {
    "zip slip": (
        lambda: {**h5p_package_files(), "content/../../evil.json": b"{}"},
        "content/../../evil.json",
        "remontent",
    ),
    "absolute path": (
        lambda: {**h5p_package_files(), "/etc/cron.d/evil.json": b"{}"},
        "/etc/cron.d/evil.json",
        "absolus",
    ),
    "link": (
        lambda: {
            **h5p_package_files(),
            "content/passwd.txt": _link("content/passwd.txt", b"/etc/passwd"),
        },
        "content/passwd.txt",
        "liens",
    ),
    "zip bomb": (
        lambda: {**h5p_package_files(), "content/bombe.txt": bytes(8 * 1024 * 1024)},
        "content/bombe.txt",
        "bombe",
    ),
    "disallowed extension": (
        lambda: {**h5p_package_files(), "content/outil.php": b"<?php system($_GET['c']);"},
        "content/outil.php",
        "php",
    ),
    "svg in content": (
        lambda: {**h5p_package_files(), "content/images/dessin.svg": b"<svg onload='alert(1)'/>"},
        "content/images/dessin.svg",
        "svg",
    ),
    "script in content": (
        lambda: {**h5p_package_files(), "content/piege.js": b"alert(1)"},
        "content/piege.js",
        "contenu",
    ),
    "missing h5p.json": (_missing_h5p_json, "h5p.json", "h5p.json"),
    "name with a NUL byte": (_nul_name_package, "content/images/evil.png\\0.php", "interdit"),
    "bad JSON": (
        lambda: {**h5p_package_files(), "h5p.json": b'{"title": "x",'},
        "h5p.json",
        "JSON",
    ),
    "missing required field": (lambda: _h5p_json_without("embedTypes"), "h5p.json", "embedTypes"),
    "missing content.json": (
        lambda: {k: v for k, v in h5p_package_files().items() if k != "content/content.json"},
        "content/content.json",
        "contenu",
    ),
    "library without its version": (
        _library_without_version,
        "H5P.TestButton-1.0/library.json",
        "patchVersion",
    ),
    "missing dependency": (_missing_dependency, "H5P.Absente 2.1", "ni dans le paquet"),
    "version that is a boolean": (
        lambda: _with_library(majorVersion=True),
        "H5P.TestButton-1.0/library.json",
        "majorVersion",
    ),
    "version that is a float": (
        lambda: _with_library(minorVersion=0.5),
        "H5P.TestButton-1.0/library.json",
        "minorVersion",
    ),
    "version that is not digits": (
        lambda: _with_h5p_json(
            preloadedDependencies=[
                {"machineName": "H5P.TestButton", "majorVersion": "1a", "minorVersion": "0"}
            ]
        ),
        "h5p.json",
        "preloadedDependencies.majorVersion",
    ),
    "licence outside the specification": (
        lambda: _with_h5p_json(license="Tous droits réservés"),
        "h5p.json",
        "license",
    ),
    "core API newer than the player": (
        lambda: _with_library(coreApi={"majorVersion": "1", "minorVersion": "28"}),
        "H5P.TestButton-1.0/library.json",
        "1.28",
    ),
    "language file that is not JSON": (
        lambda: {**h5p_package_files(), "H5P.TestButton-1.0/language/fr.json": b"{'a': 1"},
        "H5P.TestButton-1.0/language/fr.json",
        "JSON",
    ),
    "language file badly named": (
        lambda: {**h5p_package_files(), "H5P.TestButton-1.0/language/fr_FR.json": b"{}"},
        "H5P.TestButton-1.0/language/fr_FR.json",
        "fichier de langue",
    ),
    "semantics that are not JSON": (
        lambda: {**h5p_package_files(), "H5P.TestButton-1.0/semantics.json": b"[{"},
        "H5P.TestButton-1.0/semantics.json",
        "JSON",
    ),
    "EICAR under an image name": (
        lambda: {**h5p_package_files(), "content/images/photo.png": EICAR},
        "content/images/photo.png",
        "« png »",
    ),
    "script under a sound name": (
        lambda: {**h5p_package_files(), "content/audios/son.mp3": b"<script>alert(1)</script>"},
        "content/audios/son.mp3",
        "« mp3 »",
    ),
    "text under a video name": (
        lambda: {**h5p_package_files(), "content/videos/film.mp4": b"MZ\x90\x00" + bytes(64)},
        "content/videos/film.mp4",
        "« mp4 »",
    ),
    ".htaccess": (
        lambda: {**h5p_package_files(), "content/.htaccess": b"AddType text/html .png"},
        "content/.htaccess",
        "configuration de serveur web",
    ),
    ".htaccess in a library": (
        lambda: {**h5p_package_files(), "H5P.TestButton-1.0/.HTACCESS": b"Options +Indexes"},
        "H5P.TestButton-1.0/.HTACCESS",
        "configuration de serveur web",
    ),
    "Flash in the content": (
        lambda: {**h5p_package_files(), "content/jeu.swf": b"FWS"},
        "content/jeu.swf",
        "swf",
    ),
}


@pytest.mark.parametrize("case", MALICIOUS, ids=list(MALICIOUS))
def test_malicious_package_is_refused_naming_the_entry_and_leaves_nothing(case, private_tmp):
    build_files, entry, words = MALICIOUS[case]
    archive = build_files()
    archive = archive if isinstance(archive, bytes) else build_zip(archive)

    with pytest.raises(H5PPackageError) as refused:
        services.import_h5p_package(file=io.BytesIO(archive))

    message = refused.value.messages[0]
    assert entry in message
    assert words in message
    assert H5PActivity.objects.count() == 0
    assert H5PLibrary.objects.count() == 0
    assert not os.path.exists(settings.MEDIA_ROOT) or _files_under(settings.MEDIA_ROOT) == []
    assert list(private_tmp.iterdir()) == []


def test_duplicate_names_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in h5p_package_files().items():
            archive.writestr(name, data)
        with pytest.warns(UserWarning):
            archive.writestr("content/content.json", b'{"label": "autre"}')
    with pytest.raises(H5PPackageError) as refused:
        services.import_h5p_package(file=io.BytesIO(buffer.getvalue()))
    assert "content/content.json" in refused.value.messages[0]
    assert "deux fois" in refused.value.messages[0]


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(H5PPackageError) as refused:
        services.import_h5p_package(file=io.BytesIO(b"%PDF-1.4 pas un paquet"))
    assert "ZIP" in refused.value.messages[0]


def test_a_failure_while_storing_removes_the_files_already_written(monkeypatch):
    # The storage is the outside world here: the disk fills up at the fourth file.
    real_save = FileSystemStorage.save
    calls = []

    def failing_save(storage, name, content, **kwargs):
        calls.append(name)
        if len(calls) == 4:
            raise OSError("disque plein")
        return real_save(storage, name, content, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", failing_save)
    with pytest.raises(OSError):
        services.import_h5p_package(file=io.BytesIO(h5p_package()))

    assert H5PActivity.objects.count() == 0
    assert H5PLibrary.objects.count() == 0
    assert _files_under(settings.MEDIA_ROOT) == []


def test_versions_written_as_strings_are_read_as_numbers():
    files = _with_library(majorVersion="1", minorVersion="0", patchVersion="3", runnable="1")
    h5p_json = json.loads(files["h5p.json"])
    h5p_json["preloadedDependencies"] = [
        {"machineName": "H5P.TestButton", "majorVersion": "1", "minorVersion": "0"}
    ]
    files["h5p.json"] = json.dumps(h5p_json).encode()

    activity = services.import_h5p_package(file=io.BytesIO(build_zip(files)))
    library = activity.main_library
    assert (library.major_version, library.minor_version, library.patch_version) == (1, 0, 3)
    assert library.runnable is True


def test_a_flash_file_in_a_library_is_left_out_with_a_note():
    files = {**h5p_package_files(), "H5P.TestButton-1.0/resources/anim.swf": b"FWS\x09"}
    activity = services.import_h5p_package(file=io.BytesIO(build_zip(files)))

    assert "resources/anim.swf" not in activity.main_library.files
    assert activity.import_notes == [
        {"kind": "skipped_file", "file": "H5P.TestButton-1.0/resources/anim.swf"}
    ]


def test_a_long_library_path_is_refused_at_once():
    # H5P core's own pattern for these paths backtracks exponentially on such a name.
    files = _with_library(preloadedJs=[{"path": "scripts/" + "a" * 80 + "!.js"}])
    with pytest.raises(H5PPackageError) as refused:
        services.import_h5p_package(file=io.BytesIO(build_zip(files)))
    assert "preloadedJs.path" in refused.value.messages[0]


def test_the_package_is_extracted_once_per_upload(client, editor, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    calls = []
    real_extract = services.extract_package

    def counting_extract(*args, **kwargs):
        calls.append(args[1])
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(services, "extract_package", counting_extract)
    client.force_login(editor)
    response = client.post(
        "/admin/snippets/assessments/h5pactivity/add/",
        {"package": SimpleUploadedFile("exercice.h5p", h5p_package()), "title": ""},
    )
    assert response.status_code == 302
    assert len(calls) == 1
    assert H5PActivity.objects.count() == 1


def test_the_same_package_uploaded_twice_says_it_exists_with_a_link(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    existing = h5p_activity(title="Qualifier les faits")
    client.force_login(editor)
    response = client.post(
        "/admin/snippets/assessments/h5pactivity/add/",
        {"package": SimpleUploadedFile("exercice.h5p", h5p_package()), "title": "Autre"},
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "déjà été importé sous le titre « Qualifier les faits »" in html
    assert f"/admin/snippets/assessments/h5pactivity/edit/{existing.pk}/" in html
    assert H5PActivity.objects.count() == 1


def test_a_real_package_uploaded_twice_in_the_admin_is_not_an_error_500(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import real_h5p_path

    content = real_h5p_path("H5P.TrueFalse").read_bytes()
    client.force_login(editor)
    url = "/admin/snippets/assessments/h5pactivity/add/"
    first = client.post(url, {"package": SimpleUploadedFile("vf.h5p", content), "title": ""})
    assert first.status_code == 302
    second = client.post(url, {"package": SimpleUploadedFile("vf.h5p", content), "title": ""})
    assert second.status_code == 200
    assert "déjà été importé" in second.content.decode()
    assert H5PActivity.objects.count() == 1
