"""A backup restored, then used in a real browser: after `backup`, every table and every bucket
dropped and `restore` into the empty database and new buckets, the H5P activity of before draws
in its sandbox and records the learner's result (tests/config/test_backup.py checks the counts,
the certificates' codes and PDF hashes, and the files the player is served)."""

import contextlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import expect

from assessments.h5p.services import lesson_h5p_requirements_met
from assessments.models import H5PActivity, XAPIStatement
from courses import services as course_services
from people.models import User
from tests.clients import sign_in_browser
from tests.factories import LessonPageFactory, UserFactory, h5p_activity, h5p_block

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _keys(client, bucket: str) -> set[str]:
    paginator = client.get_paginator("list_objects_v2")
    return {
        item["Key"]
        for listing in paginator.paginate(Bucket=bucket)
        for item in listing.get("Contents", [])
    }


def test_after_a_restore_into_new_buckets_the_h5p_activity_plays(
    page, live_server, settings, s3_storage, tmp_path, screenshot_dir
):
    from tests.seaweedfs import empty_bucket

    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL (DATABASE_URL)")
    activity = h5p_activity(title="Repérer les indices", score=8, max_score=10)
    lesson = LessonPageFactory(
        title="Le procès-verbal", body=[h5p_block(activity, pass_threshold=0.75)]
    )
    learner = UserFactory()
    course_services.enrol(user=learner, course=lesson.get_parent().get_parent().specific)
    played_files = _keys(s3_storage.client, s3_storage.media_bucket)
    assert activity.storage_path("h5p.json") in played_files

    call_command("backup", "--to", str(tmp_path / "backups"))
    [backup] = list((tmp_path / "backups").iterdir())

    # Everything dropped: every table, both buckets.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    for bucket in (s3_storage.media_bucket, s3_storage.private_bucket):
        empty_bucket(s3_storage.client, bucket)
    # Restored into buckets that do not exist yet (restore creates them).
    fresh = {"media": f"{s3_storage.media_bucket}-r", "private": f"{s3_storage.private_bucket}-r"}
    s3_storage.point_at(fresh["media"], fresh["private"])
    try:
        call_command("restore", str(backup))
        ContentType.objects.clear_cache()
        assert played_files <= _keys(s3_storage.client, fresh["media"])
        restored = H5PActivity.objects.get(pk=activity.pk)
        assert restored.content_hash == activity.content_hash

        sign_in_browser(page, live_server, User.objects.get(pk=learner.pk))
        files = []
        page.on(
            "response",
            lambda response: (
                f"/h5p/files/{activity.content_hash}/" in response.url
                and files.append(response.status)
            ),
        )
        page.goto(lesson.url)
        expect(page.get_by_role("heading", name="Repérer les indices")).to_be_visible()
        page.get_by_role("button", name="Commencer l'activité").click()
        player = page.frame_locator("iframe[sandbox]")
        # The activity draws: its library's script ran on its content, both from the restored
        # bucket.
        finish = player.get_by_role("button", name="Terminer l'exercice")
        expect(finish).to_be_visible()
        assert files and set(files) <= {200, 206, 304}, files
        finish.click()
        expect(page.get_by_text("Votre résultat a été enregistré.")).to_be_visible()
        page.screenshot(path=screenshot_dir / "h5p-played-after-restore.png", full_page=True)
        result = XAPIStatement.objects.results().get()
        assert (result.user_id, result.lesson_id, result.activity_id) == (
            learner.pk,
            lesson.pk,
            activity.pk,
        )
        assert result.score_scaled == pytest.approx(0.8)
        assert lesson_h5p_requirements_met(user=result.user, lesson=lesson)
    finally:
        for bucket in fresh.values():
            with contextlib.suppress(Exception):  # not created: failed before the restore
                empty_bucket(s3_storage.client, bucket)
