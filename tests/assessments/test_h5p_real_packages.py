"""Import of the real packages exported by the H5P tools (../shared/h5p/): versions written as
strings, libraries with fonts, sounds and a Flash file, a video hosted elsewhere."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage

from assessments.h5p import services
from assessments.h5p.notes import describe_all
from assessments.models import H5PActivity, H5PLibrary
from tests.factories import REAL_H5P_PACKAGES, real_h5p_path

pytestmark = pytest.mark.django_db

EXPECTED_LIBRARIES = {
    "H5P.TrueFalse": 9,
    "H5P.MultiChoice": 10,
    "H5P.Blanks": 10,
    "H5P.DragQuestion": 10,
    "H5P.QuestionSet": 21,
    "H5P.InteractiveVideo": 38,
    "H5P.CoursePresentation": 49,
}


@pytest.mark.parametrize("name", REAL_H5P_PACKAGES)
def test_every_real_package_imports_with_the_libraries_it_needs(name):
    path = real_h5p_path(name)
    h5p_json = json.loads(zipfile.ZipFile(path).read("h5p.json"))
    # These are the packages the tools really export: versions written as strings.
    assert isinstance(h5p_json["preloadedDependencies"][0]["majorVersion"], str)

    with open(path, "rb") as handle:
        activity = services.import_h5p_package(file=handle)

    assert activity.main_library.machine_name == name
    assert activity.libraries.count() == EXPECTED_LIBRARIES[name]
    for dependency in h5p_json["preloadedDependencies"]:
        assert activity.libraries.filter(
            machine_name=dependency["machineName"],
            major_version=int(dependency["majorVersion"]),
            minor_version=int(dependency["minorVersion"]),
        ).exists()
    # Editor-only libraries are checked but never stored: nothing here runs the H5P editor.
    assert not activity.libraries.filter(machine_name__startswith="H5PEditor.").exists()
    assert default_storage.exists(activity.storage_path("content/content.json"))


def test_course_presentation_imports_without_its_flash_file_and_says_so():
    with open(real_h5p_path("H5P.CoursePresentation"), "rb") as handle:
        activity = services.import_h5p_package(file=handle)

    downloadify = activity.libraries.get(machine_name__iexact="downloadify")
    assert "resources/downloadify.swf" not in downloadify.files
    assert not default_storage.exists(downloadify.storage_path("resources/downloadify.swf"))
    texts = describe_all(activity.import_notes)
    assert any(
        "downloadify-1.0/resources/downloadify.swf" in text and "fonctionne sans lui" in text
        for text in texts
    )


def test_interactive_video_warns_that_its_video_hosted_elsewhere_will_not_play():
    with open(real_h5p_path("H5P.InteractiveVideo"), "rb") as handle:
        activity = services.import_h5p_package(file=handle)

    assert activity.import_notes == [
        {"kind": "external_media", "media": "video", "host": "h5p.org"}
    ]
    assert describe_all(activity.import_notes) == [
        "Cette activité utilise une vidéo hébergée sur h5p.org : elle ne sera pas lue. Seuls "
        "les médias contenus dans le paquet sont lus ici ; placez plutôt le fichier vidéo dans "
        "le paquet."
    ]


def test_packages_share_the_library_versions_they_have_in_common():
    for name in ("H5P.TrueFalse", "H5P.MultiChoice"):
        with open(real_h5p_path(name), "rb") as handle:
            services.import_h5p_package(file=handle)

    assert H5PLibrary.objects.filter(machine_name="H5P.Question").count() == 1
    assert H5PActivity.objects.count() == 2


def test_a_real_package_with_a_library_needing_a_newer_core_is_refused():
    source = zipfile.ZipFile(real_h5p_path("H5P.TrueFalse"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "H5P.TrueFalse-1.6/library.json":
                library = json.loads(data)
                library["coreApi"] = {"majorVersion": 1, "minorVersion": 99}
                data = json.dumps(library).encode()
            archive.writestr(info, data)

    with pytest.raises(services.H5PPackageError) as refused:
        services.import_h5p_package(file=io.BytesIO(buffer.getvalue()))
    message = refused.value.messages[0]
    assert "H5P.TrueFalse-1.6/library.json" in message
    assert "1.99" in message and "1.27" in message
    assert H5PActivity.objects.count() == 0


def test_the_admin_says_at_upload_and_on_the_preview_that_an_outside_video_will_not_play(
    client, editor
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    content = real_h5p_path("H5P.InteractiveVideo").read_bytes()
    response = client.post(
        "/admin/snippets/assessments/h5pactivity/add/",
        {"package": SimpleUploadedFile("video.h5p", content), "title": ""},
        follow=True,
    )
    warning = "une vidéo hébergée sur h5p.org : elle ne sera pas lue"
    assert warning in response.content.decode()
    activity = H5PActivity.objects.get()
    preview = client.get(f"/admin/h5p/activities/{activity.pk}/preview/")
    assert warning in preview.content.decode()
