import json

import pytest
from django.conf import settings
from django.test import Client

from assessments.h5p import services
from assessments.models import H5PUserState, XAPIStatement
from assessments.signals import h5p_result_recorded
from tests.assessments.conftest import enrol_in_course_of
from tests.factories import (
    XAPI_ANSWERED as ANSWERED,
)
from tests.factories import (
    XAPI_COMPLETED as COMPLETED,
)
from tests.factories import (
    LessonPageFactory,
    UserFactory,
    h5p_activity,
    h5p_block,
)
from tests.factories import (
    post_xapi_statement as post,
)
from tests.factories import (
    xapi_statement as statement,
)

pytestmark = pytest.mark.django_db


def test_completed_statement_is_recorded_for_the_learner(learner_client, learner, lesson, activity):
    response = post(learner_client, lesson, statement(activity))

    assert response.status_code == 201
    assert response.json()["result"] is True
    row = XAPIStatement.objects.get()
    assert (row.user, row.lesson_id, row.activity) == (learner, lesson.pk, activity)
    assert row.is_result and not row.is_preview
    assert row.score_scaled == pytest.approx(0.7)
    assert row.raw["verb"]["id"] == COMPLETED


def test_replayed_statement_is_stored_once(learner_client, lesson, activity):
    data = statement(activity)
    assert post(learner_client, lesson, data).status_code == 201
    again = post(learner_client, lesson, data)

    assert again.status_code == 200
    assert again.json()["stored"] is False
    assert XAPIStatement.objects.count() == 1


def test_statement_id_of_another_learner_is_refused(client, lesson, activity):
    data = statement(activity)
    first, second = UserFactory(), UserFactory()
    enrol_in_course_of(lesson, first, second)
    client.force_login(first)
    assert post(client, lesson, data).status_code == 201
    client.force_login(second)

    response = post(client, lesson, data)
    assert response.status_code == 400
    assert "déjà utilisé" in response.json()["error"]
    assert XAPIStatement.objects.count() == 1


def test_sub_content_statement_is_stored_but_completes_nothing(
    learner_client, learner, lesson, activity
):
    response = post(
        learner_client, lesson, statement(activity, verb=ANSWERED, raw=10, sub_content=True)
    )

    assert response.status_code == 201
    assert response.json()["result"] is False
    assert not XAPIStatement.objects.get().is_result
    assert not services.lesson_h5p_requirements_met(user=learner, lesson=lesson)


def test_actor_in_the_statement_is_ignored(learner_client, learner, lesson, activity):
    someone_else = UserFactory()
    data = statement(
        activity,
        actor={"name": someone_else.full_name, "mbox": f"mailto:{someone_else.email}"},
    )
    post(learner_client, lesson, data)

    row = XAPIStatement.objects.get()
    assert row.user == learner
    assert not services.lesson_h5p_requirements_met(user=someone_else, lesson=lesson)
    assert services.lesson_h5p_requirements_met(user=learner, lesson=lesson)


def test_statement_about_an_activity_outside_the_lesson_is_refused(learner_client, lesson):
    foreign = h5p_activity(score=2)
    response = post(learner_client, lesson, statement(foreign))

    assert response.status_code == 400
    assert "pas partie de cette leçon" in response.json()["error"]
    assert XAPIStatement.objects.count() == 0


@pytest.mark.parametrize(
    "body, words",
    [
        ('{"id": "x", "verb":', "JSON"),
        ("[1, 2]", "objet JSON"),
        ("absent result", "pas de résultat"),
        ("score too high", "hors de son intervalle"),
        ("score below min", "hors de son intervalle"),
        ("scaled out of range", "entre -1 et 1"),
        ("no id", "identifiant"),
    ],
)
def test_malformed_statements_are_refused_with_a_clear_message(
    learner_client, lesson, activity, body, words
):
    data = statement(activity)
    if body == "absent result":
        del data["result"]
        body = data
    elif body == "score too high":
        data["result"]["score"].update(raw=12, scaled=1)
        body = data
    elif body == "score below min":
        data["result"]["score"].update(raw=-1, scaled=0)
        body = data
    elif body == "scaled out of range":
        data["result"]["score"]["scaled"] = 3
        body = data
    elif body == "no id":
        del data["id"]
        body = data

    response = post(learner_client, lesson, body)
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert XAPIStatement.objects.count() == 0


def test_intake_is_csrf_protected(learner, lesson, activity):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = post(client, lesson, statement(activity))
    assert response.status_code == 403
    assert XAPIStatement.objects.count() == 0


def test_anonymous_statement_is_refused(client, lesson, activity):
    response = post(client, lesson, statement(activity))
    assert response.status_code == 403
    assert XAPIStatement.objects.count() == 0


def test_lesson_completes_when_every_counting_activity_reaches_its_threshold(
    learner_client, learner
):
    graded = h5p_activity(title="Cas pratique", score=7)
    optional = h5p_activity(title="Révision", score=1)
    lesson = LessonPageFactory(
        body=[
            {"type": "rich_text", "value": "<p>Avant l'exercice.</p>"},
            h5p_block(graded, pass_threshold=0.8),
            h5p_block(optional, counts_for_completion=False),
        ]
    )
    enrol_in_course_of(lesson, learner)
    assert not services.lesson_h5p_requirements_met(user=learner, lesson=lesson)

    post(learner_client, lesson, statement(graded, raw=7))
    assert not services.lesson_h5p_requirements_met(user=learner, lesson=lesson)

    post(learner_client, lesson, statement(graded, raw=9))
    assert services.lesson_h5p_requirements_met(user=learner, lesson=lesson)


def test_an_enrolled_learner_s_lesson_is_completed_by_its_h5p_result(learner_client, learner):
    from courses import services as course_services
    from courses.models import LessonProgress

    graded = h5p_activity(title="Cas pratique", score=7)
    lesson = LessonPageFactory(body=[h5p_block(graded, pass_threshold=0.8)])
    course = lesson.get_parent().get_parent().specific
    course_services.enrol(user=learner, course=course)
    with pytest.raises(course_services.ProgressRefused):
        course_services.complete_lesson(user=learner, lesson=lesson)  # the button is not enough

    post(learner_client, lesson, statement(graded, raw=7))
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
    post(learner_client, lesson, statement(graded, raw=9))
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.completed_at is not None


def test_a_lesson_without_h5p_has_its_requirements_met(learner):
    lesson = LessonPageFactory()
    assert services.lesson_h5p_requirements_met(user=learner, lesson=lesson)


def test_new_result_sends_the_signal_once(learner_client, learner, lesson, activity):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    h5p_result_recorded.connect(receiver)
    try:
        data = statement(activity)
        post(learner_client, lesson, data)
        post(learner_client, lesson, data)
        post(learner_client, lesson, statement(activity, verb=ANSWERED, sub_content=True))
    finally:
        h5p_result_recorded.disconnect(receiver)

    assert len(received) == 1
    assert received[0]["user"] == learner
    assert received[0]["lesson"].pk == lesson.pk
    assert received[0]["activity"] == activity
    assert received[0]["statement"].is_result


def test_saved_state_is_given_back_when_the_learner_returns(
    learner_client, learner, lesson, activity
):
    url = f"/h5p/lessons/{lesson.pk}/activities/{activity.uuid}/state"
    assert learner_client.get(url).json() == {"state": None}

    saved = learner_client.post(url, {"state": '{"clicks": 2}'}, content_type="application/json")
    assert saved.status_code == 200
    assert learner_client.get(url).json() == {"state": '{"clicks": 2}'}
    assert H5PUserState.objects.get().user == learner

    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).json() == {"state": None}


def test_saved_state_must_be_json(learner_client, lesson, activity):
    url = f"/h5p/lessons/{lesson.pk}/activities/{activity.uuid}/state"
    response = learner_client.post(url, {"state": "{pas du json"}, content_type="application/json")
    assert response.status_code == 400
    assert H5PUserState.objects.count() == 0


def test_saved_state_of_an_activity_outside_the_lesson_is_refused(learner_client, lesson):
    foreign = h5p_activity(score=4)
    url = f"/h5p/lessons/{lesson.pk}/activities/{foreign.uuid}/state"
    assert learner_client.get(url).status_code == 400


def _with_score(activity, **score):
    data = statement(activity)
    data["result"]["score"] = score
    return data


@pytest.mark.parametrize(
    "score, words",
    [
        ({"raw": -10, "max": -5, "min": 0}, "supérieur à zéro"),
        ({"raw": 0, "max": 0, "min": 0}, "supérieur à zéro"),
        ({"raw": -10, "max": -5}, "supérieur à zéro"),
        ({"raw": 2, "max": 10, "min": 0, "scaled": 0.9}, "ne correspond pas"),
        ({"raw": 10, "max": 10, "min": 0, "scaled": -1}, "ne correspond pas"),
        ({"scaled": -0.5}, "négatif"),
        ({"raw": -1}, "hors de son intervalle"),
        ({"raw": 1, "max": 2, "min": -3}, "négatif"),
    ],
)
def test_scores_that_do_not_add_up_are_refused(learner_client, lesson, activity, score, words):
    response = post(learner_client, lesson, _with_score(activity, **score))
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert XAPIStatement.objects.count() == 0


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "1" + "0" * 400])
def test_numbers_json_cannot_hold_are_a_400_never_a_500(learner_client, lesson, activity, number):
    data = statement(activity)
    body = json.dumps(data).replace('"raw": 7', f'"raw": {number}')
    assert number in body

    response = post(learner_client, lesson, body)
    assert response.status_code == 400
    assert XAPIStatement.objects.count() == 0


def test_deeply_nested_json_is_a_400_never_a_500(learner_client, lesson):
    response = post(learner_client, lesson, "[" * 100_000 + "]" * 100_000)
    assert response.status_code in (400, 413)


@pytest.mark.parametrize(
    "object_id",
    [
        "http://evil.example/h5p/activities/{uuid}",
        "https://testserver.evil.example/h5p/activities/{uuid}",
        "javascript://testserver/h5p/activities/{uuid}",
        "/h5p/activities/{uuid}",
    ],
)
def test_an_object_iri_of_another_host_is_refused(learner_client, lesson, activity, object_id):
    data = statement(activity)
    data["object"]["id"] = object_id.format(uuid=activity.uuid)

    response = post(learner_client, lesson, data)
    assert response.status_code == 400
    assert XAPIStatement.objects.count() == 0


def test_a_result_for_an_unpublished_activity_is_refused(learner_client, lesson, activity):
    activity.is_published = False
    activity.save(update_fields=["is_published"])

    response = post(learner_client, lesson, statement(activity))
    assert response.status_code == 400
    assert "pas publiée" in response.json()["error"]
    assert XAPIStatement.objects.count() == 0


def test_a_result_in_a_course_the_learner_is_not_enrolled_in_is_refused_and_never_counts(
    client, activity
):
    from courses import services as course_services
    from courses.models import LessonProgress

    lesson = LessonPageFactory(body=[h5p_block(activity)])
    stranger = UserFactory()
    client.force_login(stranger)

    response = post(client, lesson, statement(activity, raw=10))
    assert response.status_code == 400
    assert "Inscrivez-vous" in response.json()["error"]
    assert XAPIStatement.objects.count() == 0
    # Enrolling later does not bring back a result that was never stored.
    course_services.enrol(user=stranger, course=lesson.get_parent().get_parent().specific)
    assert not services.lesson_h5p_requirements_met(user=stranger, lesson=lesson)
    assert not LessonProgress.objects.filter(user=stranger, completed_at__isnull=False).exists()


def test_a_result_in_a_locked_lesson_is_refused(learner_client, learner, activity):
    from tests.factories import course_with_lessons

    course, _modules, lessons = course_with_lessons(modules=2, lessons=1, modules_in_order=True)
    locked = lessons[1]
    locked.body = [h5p_block(activity)]
    locked.save_revision().publish()
    enrol_in_course_of(lessons[0], learner)

    response = post(learner_client, locked, statement(activity))
    assert response.status_code == 400
    assert "verrouillée" in response.json()["error"]
    assert XAPIStatement.objects.count() == 0


def test_a_withdrawn_learner_s_results_are_refused(learner_client, learner, lesson, activity):
    from courses import services as course_services
    from courses.models import Enrolment

    course_services.withdraw(enrolment=Enrolment.objects.get(user=learner))
    assert post(learner_client, lesson, statement(activity)).status_code == 400
    assert XAPIStatement.objects.count() == 0


def test_a_too_large_statement_is_refused_and_what_is_stored_is_bounded(
    learner_client, lesson, activity
):
    huge = statement(activity)
    huge["object"]["definition"]["description"] = {"fr": "x" * 250_000}
    response = post(learner_client, lesson, huge)
    assert response.status_code == 413
    assert XAPIStatement.objects.count() == 0

    padded = statement(activity)
    padded["object"]["definition"]["description"] = {"fr": "y" * 30_000}
    padded["context"]["extensions"] = {"http://example.org/x": "z" * 10_000}
    padded["result"]["response"] = "r" * 5_000
    assert post(learner_client, lesson, padded).status_code == 201
    row = XAPIStatement.objects.get()
    assert len(json.dumps(row.raw)) < 3_000
    assert row.raw["result"]["score"]["raw"] == 7
    assert row.raw["object"]["id"] == padded["object"]["id"]
    assert "actor" not in row.raw


def test_the_intake_is_rate_limited_per_learner(learner_client, learner, lesson, activity):
    from django.core.cache import cache

    cache.delete(f"h5p:statements:{learner.pk}")
    for _ in range(settings.H5P_STATEMENTS_PER_MINUTE):
        assert post(learner_client, lesson, statement(activity)).status_code == 201
    refused = post(learner_client, lesson, statement(activity))
    assert refused.status_code == 429
    assert "Trop de résultats" in refused.json()["error"]
    assert XAPIStatement.objects.count() == settings.H5P_STATEMENTS_PER_MINUTE

    other = Client()
    someone = UserFactory()
    enrol_in_course_of(lesson, someone)
    other.force_login(someone)
    assert post(other, lesson, statement(activity)).status_code == 201
    cache.delete(f"h5p:statements:{learner.pk}")
