"""Playing a SCORM module: the lesson hands out a launch URL, the package's pages come with the
runtime and the learner's data (sandboxed, cookie-less), commits are stored per attempt, resume
on another device, complete the lesson under the editor's rule; never a certificate alone;
reports per package and per learner, exported."""

import io
import json
import re

import openpyxl
import pytest
from django.test import Client

from assessments.evidence import course_evidence
from assessments.models import ScormAttempt
from assessments.scorm import player
from courses.models import LessonProgress
from tests.assessments.conftest import enrol_in_course_of
from tests.factories import LessonPageFactory, UserFactory, scorm_block, scorm_package_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(db):
    return UserFactory(full_name="Awa Traoré")


def _lesson(package, learner, **block):
    lesson = LessonPageFactory(body=[scorm_block(package, **block)])
    enrol_in_course_of(lesson, learner)
    return lesson


def _launch(learner, lesson, package) -> str:
    return player.launch_url(
        player.launch_token(user=learner, lesson=lesson, package=package), package
    )


def _runtime(response) -> dict:
    """The runtime's configuration the page carries, as the browser reads it."""
    html = response.content.decode()
    found = re.search(
        r'<script id="lms-scorm-runtime" type="application/json">(.*?)</script>', html
    )
    return json.loads(found.group(1))


def _commit(config: dict, data: dict, *, terminate=False):
    """POST as the sandboxed runtime does: no cookie, a text/plain body, the URL's token."""
    url = config["commitUrl"].split("testserver", 1)[1]
    if terminate:
        url += "&terminate=true"
    return Client().post(url, json.dumps(data), content_type="text/plain;charset=UTF-8")


def test_the_lesson_hands_the_learner_a_sandboxed_launch(client, learner):
    package = scorm_package_row(title="Identifier les victimes")
    lesson = _lesson(package, learner)
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert "Ouvrir le module" in page and "data-scorm-start" in page
    assert _launch(learner, lesson, package).replace("&", "&amp;") in page


def test_the_package_page_carries_the_runtime_under_the_sandbox_without_a_session(learner):
    package = scorm_package_row()
    lesson = _lesson(package, learner)
    response = Client().get(_launch(learner, lesson, package))  # no cookie at all
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox allow-scripts;")
    html = response.content.decode()
    # First in <head>, before the package's own script looks for the API.
    assert (
        html.index("scorm-again/scorm12")
        < html.index("lms-scorm-runtime")
        < html.index("lms/sco.js")
    )
    config = _runtime(response)
    assert config["version"] == "1.2" and config["attempt"] == 1
    assert config["cmi"]["cmi.core.student_name"] == "Awa Traoré"
    assert config["cmi"]["cmi.core.entry"] == "ab-initio"
    asset = Client().get(_launch(learner, lesson, package).replace("index.html", "lms/sco.js"))
    assert asset.status_code == 200 and asset["Access-Control-Allow-Origin"] == "*"


def test_a_forged_or_foreign_token_gets_nothing(learner):
    package = scorm_package_row()
    lesson = _lesson(package, learner)
    url = _launch(learner, lesson, package)
    token = url.split("/")[3]
    assert Client().get(url.replace(token, token[:-2] + "xx")).status_code == 404
    assert Client().get(url.replace("index.html", "../../etc/passwd")).status_code == 404
    refused = Client().post(f"/scorm/runtime/{token[:-2]}xx/commit?attempt=1", "{}", "text/plain")
    assert refused.status_code == 403 and refused.json()["result"] == "false"


def test_suspend_data_and_location_come_back_on_another_device(learner):
    package = scorm_package_row()
    lesson = _lesson(package, learner)
    config = _runtime(Client().get(_launch(learner, lesson, package)))
    saved = _commit(
        config,
        {
            "cmi.core.lesson_location": "3",
            "cmi.suspend_data": "1,2,3",
            "cmi.core.lesson_status": "incomplete",
            "cmi.core.exit": "suspend",
            "cmi.core.session_time": "0000:02:30.00",
        },
        terminate=True,
    )
    assert saved.status_code == 200 and saved.json()["result"] == "true"
    assert saved.json()["met"] is False
    # Another device: a new launch reads the same attempt back from the server.
    again = _runtime(Client().get(_launch(learner, lesson, package)))
    assert again["attempt"] == 1
    assert again["cmi"]["cmi.core.lesson_location"] == "3"
    assert again["cmi"]["cmi.suspend_data"] == "1,2,3"
    assert again["cmi"]["cmi.core.entry"] == "resume"
    assert again["cmi"]["cmi.core.total_time"] == "0000:02:30"
    assert not LessonProgress.objects.completed().filter(user=learner).exists()


def test_a_passed_12_attempt_completes_the_lesson_and_a_new_launch_starts_attempt_two(learner):
    package = scorm_package_row()
    lesson = _lesson(package, learner)
    config = _runtime(Client().get(_launch(learner, lesson, package)))
    answer = _commit(
        config,
        {
            "cmi.core.lesson_status": "passed",
            "cmi.core.score.raw": "85",
            "cmi.core.score.min": "0",
            "cmi.core.score.max": "100",
            "cmi.core.exit": "",
        },
    )
    assert answer.json()["met"] is True
    attempt = ScormAttempt.objects.get(user=learner)
    assert (attempt.completion_status, attempt.success_status) == ("completed", "passed")
    assert attempt.score_scaled == 0.85
    assert LessonProgress.objects.completed().filter(user=learner).exists()
    _commit(config, {"cmi.core.lesson_status": "passed"}, terminate=True)
    assert _runtime(Client().get(_launch(learner, lesson, package)))["attempt"] == 2
    # The finished attempt takes no more commits.
    assert _commit(config, {"cmi.core.lesson_status": "failed"}).status_code == 400


def test_the_passed_rule_wants_the_minimum_score(learner):
    package = scorm_package_row(version="2004")
    lesson = _lesson(package, learner, completion_rule="passed", minimum_score=90)
    config = _runtime(Client().get(_launch(learner, lesson, package)))
    assert config["version"] == "2004" and config["cmi"]["cmi.learner_name"] == "Awa Traoré"
    data = {
        "cmi.completion_status": "completed",
        "cmi.success_status": "passed",
        "cmi.score.scaled": "0.85",
        "cmi.score.raw": "85",
        "cmi.exit": "normal",
    }
    assert _commit(config, data).json()["met"] is False
    assert not LessonProgress.objects.completed().filter(user=learner).exists()
    assert _commit(config, {**data, "cmi.score.scaled": "0.95"}).json()["met"] is True
    assert LessonProgress.objects.completed().filter(user=learner).exists()


def test_a_learner_not_enrolled_records_nothing(learner):
    package = scorm_package_row()
    lesson = LessonPageFactory(body=[scorm_block(package)])
    config = _runtime(Client().get(_launch(learner, lesson, package)))
    refused = _commit(config, {"cmi.core.lesson_status": "passed"})
    assert refused.status_code == 400 and "Inscrivez-vous" in refused.json()["error"]
    assert not ScormAttempt.objects.exists()


def test_a_course_completed_by_scorm_alone_earns_no_certificate(learner):
    package = scorm_package_row()
    lesson = _lesson(package, learner)
    evidence = course_evidence(lesson.get_parent().get_parent().specific)
    assert evidence.counting_scorm_modules == 1
    assert not evidence.earns_certificate
    assert "SCORM" in evidence.warning()


def test_reports_per_package_and_per_learner_are_exported(client, learner, administrator):
    package = scorm_package_row(title="Identifier les victimes")
    lesson = _lesson(package, learner)
    config = _runtime(Client().get(_launch(learner, lesson, package)))
    _commit(config, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "85"})
    _commit(config, {"cmi.core.total_time": "0000:12:00"}, terminate=True)
    client.force_login(administrator)
    listing = client.get("/admin/scorm/results/").content.decode()
    assert "Identifier les victimes" in listing
    per_package = client.get(f"/admin/scorm/results/?package={package.pk}").content.decode()
    assert "Awa Traoré" in per_package and "réussi" in per_package and "12,0 min" in per_package
    export = client.get(f"/admin/scorm/results/?package={package.pk}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Apprenant",
        "E-mail",
        "Tentatives",
        "Achèvement",
        "Réussite",
        "Meilleur score (%)",
    )
    assert rows[1][0] == "Awa Traoré" and rows[1][3:7] == ("terminé", "réussi", 85.0, 12.0)
    per_learner = client.get(f"/admin/scorm/results/?learner={learner.pk}&format=csv")
    assert "Identifier les victimes" in per_learner.content.decode("utf-8-sig")


def test_staff_preview_the_package_as_learners_get_it_and_nothing_is_stored(client, editor):
    package = scorm_package_row(title="Identifier les victimes")
    client.force_login(editor)
    page = client.get(f"/admin/scorm/packages/{package.pk}/preview/").content.decode()
    assert "Organisations et SCO" in page and "index.html" in page
    launch = re.search(r'data-launch-url="([^"]+)"', page).group(1).replace("&amp;", "&")
    config = _runtime(Client().get(launch))
    assert config["attempt"] == 1 and config["cmi"]["cmi.core.entry"] == "ab-initio"
    answer = _commit(config, {"cmi.core.lesson_status": "passed"}, terminate=True)
    assert answer.json()["result"] == "true"
    assert not ScormAttempt.objects.exists()


def test_a_new_version_is_never_served_under_the_old_launch(learner):
    from assessments.scorm import services
    from tests.factories import scorm_package

    package = scorm_package_row()
    lesson = _lesson(package, learner)
    old = _launch(learner, lesson, package)
    services.replace_scorm_package(package=package, file=io.BytesIO(scorm_package(title="v2")))
    package.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert Client().get(_launch(learner, lesson, package)).status_code == 200


def test_commits_of_the_wrong_shape_are_refused_or_ignored_never_a_server_error(learner):
    package = scorm_package_row()
    lesson = _lesson(package, learner)
    config = _runtime(Client().get(_launch(learner, lesson, package)))
    for data in (
        [],
        "cmi",
        {"cmi.suspend_data": ["a"]},
        {"cmi.core.lesson_location": {"x": 1}},
    ):
        refused = _commit(config, data)
        assert refused.status_code == 400, data
        assert refused.json()["result"] == "false"
    # Values a sloppy package sends: numbers for times, infinite scores, dates of no meaning.
    for data in (
        {"cmi.core.total_time": 5, "cmi.core.session_time": ["x"]},
        {"cmi.core.score.raw": "inf", "cmi.core.score.max": "nan"},
        {"cmi.core.total_time": "P" + "9" * 400 + "Y"},
    ):
        accepted = _commit(config, data)
        assert accepted.status_code == 200, (data, accepted.content)
    attempt = ScormAttempt.objects.get(user=learner)
    assert attempt.score_raw is None and attempt.total_seconds == 0
