"""An activity's life after import: a new version of its package, deletion, the clean-up of
files and libraries nothing uses, bulk approval, the library list with its usage."""

import datetime
import io
import json
import os

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.h5p import services
from assessments.h5p.extraction import H5PPackageError
from assessments.models import H5PActivity, H5PLibrary, H5PUserState, XAPIStatement
from tests.assessments.conftest import enrol_in_course_of
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    build_zip,
    h5p_activity,
    h5p_block,
    h5p_package,
    h5p_package_files,
    post_xapi_statement,
    real_h5p_path,
    xapi_statement,
)

pytestmark = pytest.mark.django_db


def _stored_files() -> list[str]:
    root = os.path.join(settings.MEDIA_ROOT, "h5p")
    return [
        os.path.relpath(os.path.join(folder, name), settings.MEDIA_ROOT)
        for folder, _dirs, names in os.walk(root)
        for name in names
    ]


def _package_with_library_version(minor: int, **kwargs) -> bytes:
    """The test package, its library renamed to version 1.<minor>."""
    files = h5p_package_files(**kwargs)
    renamed = {}
    for name, data in files.items():
        if name.startswith("H5P.TestButton-1.0/"):
            name = name.replace("H5P.TestButton-1.0/", f"H5P.TestButton-1.{minor}/")
            if name.endswith("library.json"):
                library = json.loads(data)
                library["minorVersion"] = minor
                data = json.dumps(library).encode()
        renamed[name] = data
    h5p_json = json.loads(renamed["h5p.json"])
    h5p_json["preloadedDependencies"][0]["minorVersion"] = minor
    renamed["h5p.json"] = json.dumps(h5p_json).encode()
    return build_zip(renamed)


def _learner_result(activity):
    from django.test import Client

    lesson = LessonPageFactory(body=[h5p_block(activity)])
    learner = UserFactory()
    enrol_in_course_of(lesson, learner)
    client = Client()
    client.force_login(learner)
    assert post_xapi_statement(client, lesson, xapi_statement(activity)).status_code == 201
    return lesson, learner


def test_a_new_version_keeps_the_activity_its_lessons_and_results(
    django_capture_on_commit_callbacks,
):
    activity = h5p_activity(title="Qualifier les faits", score=7)
    lesson, learner = _learner_result(activity)
    H5PUserState.objects.create(user=learner, lesson=lesson, activity=activity, state="{}")
    old_hash, old_library = activity.content_hash, activity.main_library
    old_content = default_storage.path(activity.storage_path("content/content.json"))

    with django_capture_on_commit_callbacks(execute=True):
        replaced = services.replace_h5p_package(
            activity=activity, file=io.BytesIO(_package_with_library_version(1, score=9))
        )

    replaced.refresh_from_db()
    assert (replaced.pk, replaced.uuid, replaced.title) == (
        activity.pk,
        activity.uuid,
        "Qualifier les faits",
    )
    assert replaced.content_hash != old_hash
    assert replaced.main_library.minor_version == 1
    assert not replaced.is_playable  # the new library version awaits approval
    assert XAPIStatement.objects.filter(activity=replaced, user=learner).count() == 1
    assert not H5PUserState.objects.exists()  # the old version's progress is forgotten
    new_content = default_storage.open(replaced.storage_path("content/content.json")).read()
    assert json.loads(new_content)["score"] == 9
    # The old content and the library version nothing uses any more are gone.
    assert not os.path.exists(old_content)
    assert not H5PLibrary.objects.filter(pk=old_library.pk).exists()
    assert not any(old_hash in name or old_library.content_hash in name for name in _stored_files())


def test_a_new_version_must_be_of_the_same_content_type_and_a_new_package():
    activity = h5p_activity(score=7)
    with pytest.raises(H5PPackageError) as same:
        services.replace_h5p_package(activity=activity, file=io.BytesIO(h5p_package(score=7)))
    assert "déjà" in same.value.messages[0]

    other = h5p_activity(score=8, title="Autre")
    with pytest.raises(services.DuplicatePackage):
        services.replace_h5p_package(activity=activity, file=io.BytesIO(h5p_package(score=8)))

    with pytest.raises(H5PPackageError) as other_type:
        services.replace_h5p_package(
            activity=activity, file=real_h5p_path("H5P.TrueFalse").open("rb")
        )
    assert "H5P.TrueFalse" in other_type.value.messages[0]
    activity.refresh_from_db()
    assert activity.content_hash != other.content_hash
    assert H5PActivity.objects.count() == 2


def test_editors_replace_a_package_in_the_admin(client, editor):
    activity = h5p_activity(score=7)
    client.force_login(editor)
    url = reverse("h5p_admin_replace", args=[activity.pk])
    assert "Remplacer le paquet" in client.get(url).content.decode()

    response = client.post(
        url, {"package": SimpleUploadedFile("v2.h5p", h5p_package(score=9))}, follow=True
    )
    assert response.status_code == 200
    assert "joue maintenant la nouvelle version" in response.content.decode()
    activity.refresh_from_db()
    assert (
        json.loads(default_storage.open(activity.storage_path("content/content.json")).read())[
            "score"
        ]
        == 9
    )

    refused = client.post(url, {"package": SimpleUploadedFile("v2.h5p", h5p_package(score=9))})
    assert refused.status_code == 200
    assert "déjà" in refused.content.decode()


def test_deleting_an_activity_learners_have_results_for_is_refused_with_a_message(
    client, administrator
):
    activity = h5p_activity(title="Cas pratique")
    _learner_result(activity)
    client.force_login(administrator)
    url = f"/admin/snippets/assessments/h5pactivity/delete/{activity.pk}/"

    confirmation = client.get(url, follow=True)
    assert confirmation.status_code == 200
    assert "ne peut pas être supprimée" in confirmation.content.decode()
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Dépubliez-la plutôt" in response.content.decode()
    bulk = reverse("wagtail_bulk_action", args=["assessments", "h5pactivity", "delete"])
    assert client.post(f"{bulk}?id={activity.pk}", follow=True).status_code == 200
    assert H5PActivity.objects.filter(pk=activity.pk).exists()
    assert XAPIStatement.objects.count() == 1


def test_deleting_a_real_package_removes_its_files_and_libraries(
    client, administrator, django_capture_on_commit_callbacks
):
    with real_h5p_path("H5P.TrueFalse").open("rb") as handle:
        activity = services.import_h5p_package(file=handle)
    # A staff preview result does not keep the activity.
    XAPIStatement.objects.create(
        statement_id="8f0e9d1a-8d5c-4a8e-9d7c-6f1e2a3b4c5d",
        user=administrator,
        activity=activity,
        is_preview=True,
        verb="http://adlnet.gov/expapi/verbs/answered",
        object_id="x",
        raw={},
    )
    assert len(_stored_files()) > 150
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/snippets/assessments/h5pactivity/delete/{activity.pk}/")
    assert response.status_code == 302
    assert not H5PActivity.objects.exists()
    assert not H5PLibrary.objects.exists()
    assert not XAPIStatement.objects.exists()
    assert _stored_files() == []


def test_libraries_another_activity_uses_stay(django_capture_on_commit_callbacks):
    first = h5p_activity(score=1)
    second = h5p_activity(score=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_h5p_activity(activity=first)
    assert H5PLibrary.objects.get() == second.main_library
    for relative in second.main_library.files:
        assert default_storage.exists(second.main_library.storage_path(relative))
    assert all(first.content_hash not in name for name in _stored_files())


def test_the_clean_up_removes_files_nothing_names_once_they_are_old(
    django_capture_on_commit_callbacks,
):
    activity = h5p_activity()
    old = default_storage.save("h5p/content/abandoned/content/content.json", ContentFile(b"{}"))
    fresh = default_storage.save("h5p/libraries/in-progress/library.json", ContentFile(b"{}"))
    an_hour_ago = (datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=2)).timestamp()
    os.utime(default_storage.path(old), (an_hour_ago, an_hour_ago))
    orphan_library = H5PLibrary.objects.create(
        machine_name="H5P.Orpheline",
        major_version=1,
        minor_version=0,
        patch_version=0,
        title="Orpheline",
        content_hash="0" * 64,
        files=[],
    )

    assert services.remove_unused_h5p_files(dry_run=True) == {"libraries": 1, "files": 1}
    assert default_storage.exists(old)
    assert services.remove_unused_h5p_files() == {"libraries": 1, "files": 1}
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)  # an import may be writing it
    assert not H5PLibrary.objects.filter(pk=orphan_library.pk).exists()
    assert default_storage.exists(activity.storage_path("content/content.json"))


def test_administrators_approve_many_libraries_at_once(client, administrator, editor):
    with real_h5p_path("H5P.MultiChoice").open("rb") as handle:
        activity = services.import_h5p_package(file=handle)
    libraries = list(activity.libraries.all())
    assert len(libraries) == 10
    url = reverse("wagtail_bulk_action", args=["assessments", "h5plibrary", "approve"])
    url += "?next=/admin/snippets/assessments/h5plibrary/&"
    url += "&".join(f"id={library.pk}" for library in libraries)

    client.force_login(editor)
    client.post(url)
    assert H5PLibrary.objects.approved().count() == 0

    client.force_login(administrator)
    assert "Approuver des bibliothèques H5P" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "10 versions de bibliothèques approuvées" in response.content.decode()
    assert H5PLibrary.objects.approved().count() == 10
    assert set(H5PLibrary.objects.values_list("approved_by", flat=True)) == {administrator.pk}


def test_the_library_list_shows_which_activities_use_each_version(
    client, administrator, django_assert_max_num_queries
):
    h5p_activity(title="Premier exercice", score=1)
    h5p_activity(title="Second exercice", score=2)
    client.force_login(administrator)
    html = client.get("/admin/snippets/assessments/h5plibrary/").content.decode()
    assert "Premier exercice, Second exercice" in html
    assert "/admin/bulk/assessments/h5plibrary/approve/" in html  # select all, approve

    for score in range(3, 13):
        h5p_activity(title=f"Exercice {score}", score=score)
    with django_assert_max_num_queries(40):
        client.get("/admin/snippets/assessments/h5plibrary/")


def test_the_clean_up_command_reports_what_it_removes():
    from django.core.management import call_command

    H5PLibrary.objects.create(
        machine_name="H5P.Seule",
        major_version=1,
        minor_version=0,
        patch_version=0,
        title="Seule",
        content_hash="1" * 64,
        files=[],
    )
    out = io.StringIO()
    call_command("h5p_remove_unused", "--dry-run", stdout=out)
    assert "1 unused library versions and 0 files would be deleted." in out.getvalue()
    assert H5PLibrary.objects.count() == 1
    call_command("h5p_remove_unused", stdout=io.StringIO())
    assert H5PLibrary.objects.count() == 0
