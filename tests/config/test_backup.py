"""Backups that restore (config/backup.py, `manage.py backup` / `restore`): data made through the
services, backed up, everything dropped (every table, every file or bucket), restored into the
empty database and new storage; the counts, the certificates' codes and PDF hashes, and the H5P
activity's files served to its player are those of before. On the local disk and on SeaweedFS."""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from assessments.models import (
    Answer,
    Attempt,
    H5PActivity,
    H5PLibrary,
    XAPIStatement,
)
from assessments.quizzes import services as quizzes
from certificates.models import Certificate
from certificates.tasks import render_certificate_pdf
from config import backup
from config.private_files import private_storage
from courses import services as course_services
from courses.models import Enrolment, LessonProgress, ModuleCompletion
from people.models import User
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    completed_enrolment,
    h5p_activity,
    h5p_block,
    post_xapi_statement,
    quiz_with_questions,
    right_answers,
    xapi_statement,
)

# pg_dump and pg_restore see only committed rows: the data is committed, and the test empties
# the database itself.
pytestmark = pytest.mark.django_db(transaction=True)

COUNTED = [
    User,
    Enrolment,
    LessonProgress,
    ModuleCompletion,
    Attempt,
    Answer,
    Certificate,
    H5PActivity,
    H5PLibrary,
    XAPIStatement,
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL (DATABASE_URL)")


def _make_data():
    learners = [UserFactory(full_name=f"Apprenant {n} Traoré") for n in range(3)]
    for learner in learners:
        completed_enrolment(user=learner, modules=2, lessons=2)
    for certificate in Certificate.objects.all():
        render_certificate_pdf(certificate.pk)
    quiz = quiz_with_questions(questions=3)
    attempt = quizzes.start_attempt(user=learners[0], quiz=quiz)
    quizzes.save_answers(attempt=attempt, answers=right_answers(attempt))
    quizzes.submit_attempt(attempt=attempt)
    activity = h5p_activity(title="Repérer les indices")
    lesson = LessonPageFactory(body=[h5p_block(activity)])
    # The intake records results only for people enrolled in the lesson's course.
    course_services.enrol(user=learners[1], course=lesson.get_parent().get_parent().specific)
    client = Client()
    client.force_login(learners[1])
    assert post_xapi_statement(client, lesson, xapi_statement(activity)).status_code == 201
    return activity


def _h5p_files(activity) -> dict[str, bytes]:
    """What the player fetches: h5p.json, the content and the libraries, through its endpoint."""
    client = Client()
    base = f"/h5p/files/{activity.content_hash}"
    paths = ["h5p.json"] + [f"content/{name}" for name in activity.content_files]
    for library in activity.libraries.all():
        folder = f"{library.machine_name}-{library.major_version}.{library.minor_version}"
        paths += [f"libraries/{folder}/{name}" for name in library.files]
    served = {}
    for path in paths:
        response = client.get(f"{base}/{path}")
        assert response.status_code == 200, path
        served[path] = b"".join(response.streaming_content)
    assert client.get(f"/h5p/embed/{activity.content_hash}/").status_code == 200
    return served


def _snapshot(activity_pk: int) -> dict:
    certificates = {}
    for certificate in Certificate.objects.order_by("pk"):
        with private_storage().open(certificate.pdf.name, "rb") as handle:
            stored = hashlib.sha256(handle.read()).hexdigest()
        assert stored == certificate.pdf_sha256
        page = Client().get(f"/fr/verify/{certificate.code}/")
        assert page.status_code == 200 and certificate.holder_name in page.content.decode()
        certificates[certificate.code] = stored
    return {
        "counts": {model.__name__: model.objects.count() for model in COUNTED},
        "certificates": certificates,
        "h5p": _h5p_files(H5PActivity.objects.get(pk=activity_pk)),
    }


def _drop_everything():
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()


def _back_up_drop_and_restore(tmp_path, *, drop_files, new_storage):
    activity = _make_data()
    before = _snapshot(activity.pk)
    assert before["counts"]["Certificate"] == 3 and before["counts"]["XAPIStatement"] == 1
    call_command("backup", "--to", str(tmp_path / "backups"))
    [folder] = list((tmp_path / "backups").iterdir())
    assert folder.name.startswith("formation-") and (folder / "database.dump").is_file()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["files"]["private"]) == 3
    assert any(item["name"].startswith("h5p/") for item in manifest["files"]["media"])

    _drop_everything()
    drop_files()
    new_storage()
    cache.set("a-page-of-before", "stale")
    call_command("restore", str(folder))
    assert cache.get("a-page-of-before") is None  # nothing of before outlives the restore
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    after = _snapshot(activity.pk)
    assert after["counts"] == before["counts"]
    assert after["certificates"] == before["certificates"]
    assert after["h5p"] == before["h5p"]
    # The restored database is whole: a second restore over it is refused, not mixed in.
    with pytest.raises(CommandError, match="already holds tables"):
        call_command("restore", str(folder))
    return folder


def test_a_backup_on_the_local_disk_restores_into_an_empty_database_and_new_folders(
    tmp_path, settings
):
    def drop_files():
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
            for path in sorted(Path(root).rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()

    def new_storage():
        settings.MEDIA_ROOT = tmp_path / "restored-media"
        settings.PRIVATE_MEDIA_ROOT = tmp_path / "restored-private"
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                **settings.STORAGES["private"],
                "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
            },
        }

    _back_up_drop_and_restore(tmp_path, drop_files=drop_files, new_storage=new_storage)
    assert any(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))


def test_a_backup_of_the_buckets_restores_into_an_empty_database_and_new_buckets(
    tmp_path, settings, s3_storage
):
    from tests.seaweedfs import empty_bucket

    assert not backup.is_local(default_storage)
    fresh = {"media": f"{s3_storage.media_bucket}-r", "private": f"{s3_storage.private_bucket}-r"}

    def drop_files():
        for bucket in (s3_storage.media_bucket, s3_storage.private_bucket):
            empty_bucket(s3_storage.client, bucket)

    def new_storage():
        # Buckets that do not exist yet: restore creates them.
        s3_storage.point_at(fresh["media"], fresh["private"])

    try:
        _back_up_drop_and_restore(tmp_path, drop_files=drop_files, new_storage=new_storage)
        listed = s3_storage.client.list_objects_v2(Bucket=fresh["private"])["KeyCount"]
        assert listed == 3
    finally:
        for bucket in fresh.values():
            with contextlib.suppress(Exception):  # not created: failed before the restore
                empty_bucket(s3_storage.client, bucket)


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path):
    UserFactory()
    folder = backup.backup(to=tmp_path)
    (folder / "manifest.json").unlink()
    with pytest.raises(CommandError, match="no manifest.json"):
        call_command("restore", str(folder), "--replace")
    assert User.objects.count() == 1


@pytest.mark.django_db  # no database needed: not a transactional test
def test_the_oldest_backups_beyond_keep_are_removed(tmp_path):
    for stamp in ("20260101-000000Z", "20260102-000000Z", "20260103-000000Z"):
        (tmp_path / f"formation-{stamp}").mkdir()
        (tmp_path / f"formation-{stamp}" / "manifest.json").write_text("{}")
    (tmp_path / "formation-20260104-000000Z.partial").mkdir()
    removed = backup.prune(to=tmp_path, keep=2)
    assert [path.name for path in removed] == ["formation-20260101-000000Z"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "formation-20260102-000000Z",
        "formation-20260103-000000Z",
        "formation-20260104-000000Z.partial",
    ]
