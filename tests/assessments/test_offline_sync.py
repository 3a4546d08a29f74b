"""The sync of what a phone did offline: each action applied once, in order, refused when no
longer allowed (nothing half-written), at the server's time, graded on the server."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, OfflineAction, XAPIStatement
from assessments.quizzes import services as quiz_services
from certificates.models import Certificate
from courses import services as course_services
from courses.models import EnrolmentStatus, LessonProgress, ModuleCompletion
from tests.factories import (
    UserFactory,
    course_with_lessons,
    h5p_activity,
    h5p_block,
    quiz_with_questions,
    right_answers,
    wrong_answers,
    xapi_statement,
)

pytestmark = pytest.mark.django_db

SYNC = "/fr/offline/sync/"


def action(kind, payload, *, client_time=None, id=None):
    return {
        "id": str(id or uuid.uuid4()),
        "kind": kind,
        "payload": payload,
        "client_time": client_time or timezone.now().isoformat(),
    }


def sync(client, *actions):
    response = client.post(SYNC, json.dumps({"actions": list(actions)}), "application/json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def course(learner):
    course, modules, lessons = course_with_lessons(modules=2, lessons=2)
    course_services.enrol(user=learner, course=course)
    return course, modules, lessons


def offline_quiz(module, **fields):
    return quiz_with_questions(questions=3, module=module, offline_allowed=True, **fields)


def test_a_finished_lesson_is_applied_once_and_a_replay_changes_nothing(client, learner, course):
    _course, _modules, lessons = course
    done = action("lesson_complete", {"lesson": lessons[0].pk})
    assert sync(client, done)[0]["status"] == "applied"
    first = LessonProgress.objects.get(user=learner, lesson=lessons[0]).completed_at
    replay = sync(client, done, done)
    assert [r["status"] for r in replay] == ["already_applied", "already_applied"]
    assert LessonProgress.objects.get(user=learner, lesson=lessons[0]).completed_at == first
    assert OfflineAction.objects.filter(user=learner).count() == 1


def test_the_time_recorded_is_the_servers_and_the_phones_is_kept_beside_it(client, learner, course):
    _course, _modules, lessons = course
    phone = timezone.now() - timedelta(days=400)  # a phone whose clock is a year behind
    before = timezone.now()
    sync(
        client, action("lesson_complete", {"lesson": lessons[0].pk}, client_time=phone.isoformat())
    )
    row = OfflineAction.objects.get(user=learner)
    assert row.received_at >= before
    assert abs(row.client_time - phone) < timedelta(seconds=1)
    completed = LessonProgress.objects.get(user=learner, lesson=lessons[0]).completed_at
    assert completed >= before


def test_actions_are_applied_in_the_order_sent(client, learner, course):
    _course, modules, _lessons = course
    quiz = offline_quiz(modules[0])
    attempt = quiz_services.start_attempt(user=learner, quiz=quiz)
    answers = {str(k): v for k, v in right_answers(attempt).items()}
    # Submit first, answers after: the answers come too late, the attempt is graded empty.
    results = sync(
        client,
        action("quiz_submit", {"attempt": attempt.pk}),
        action("quiz_answers", {"attempt": attempt.pk, "answers": answers}),
    )
    assert [r["status"] for r in results] == ["applied", "refused"]
    assert results[1]["message"] == "Cette tentative a déjà été envoyée : rien n'a été modifié."
    attempt.refresh_from_db()
    assert attempt.score_percent == 0 and not attempt.passed


def test_offline_answers_are_graded_on_the_server_and_complete_the_course_with_a_certificate(
    client, learner, django_capture_on_commit_callbacks
):
    course, modules, lessons = course_with_lessons(modules=1, lessons=2)
    course_services.enrol(user=learner, course=course)
    quiz = offline_quiz(modules[0])
    attempt = quiz_services.start_attempt(user=learner, quiz=quiz)  # started online
    answers = {str(k): v for k, v in right_answers(attempt).items()}
    with django_capture_on_commit_callbacks(execute=True):
        results = sync(
            client,
            action("lesson_complete", {"lesson": lessons[0].pk}),
            action("lesson_complete", {"lesson": lessons[1].pk}),
            action("quiz_answers", {"attempt": attempt.pk, "answers": answers}),
            action("quiz_submit", {"attempt": attempt.pk, "quiz": quiz.pk}),
        )
    assert [r["status"] for r in results] == ["applied"] * 4
    assert results[3]["result_url"] == reverse("quiz_result", args=[quiz.pk, attempt.pk])
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1  # one attempt
    assert ModuleCompletion.objects.filter(user=learner, module=modules[0]).exists()
    enrolment = learner.enrolments.get()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert Certificate.objects.filter(holder=learner, course=course).count() == 1


def test_after_withdrawal_the_actions_are_refused_and_nothing_is_written(client, learner, course):
    _course, modules, lessons = course
    quiz = offline_quiz(modules[0])
    attempt = quiz_services.start_attempt(user=learner, quiz=quiz)
    course_services.withdraw(enrolment=learner.enrolments.get())
    results = sync(
        client,
        action("lesson_complete", {"lesson": lessons[0].pk}),
        action("quiz_answers", {"attempt": attempt.pk, "answers": {}}),
        action("quiz_submit", {"attempt": attempt.pk}),
    )
    assert [r["status"] for r in results] == ["refused"] * 3
    assert results[0]["message"] == (
        "Vous vous êtes retiré de cette formation : ce que vous avez fait hors connexion "
        "n’a pas été enregistré."
    )
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
    attempt.refresh_from_db()
    assert attempt.is_open
    # A replay gets the same refusal, and still writes nothing.
    again = sync(client, action("lesson_complete", {"lesson": lessons[0].pk}))
    assert again[0]["status"] == "refused"


def test_a_locked_module_an_unpublished_lesson_and_a_closed_attempt_are_refused(client, learner):
    course, modules, lessons = course_with_lessons(modules=2, lessons=1, modules_in_order=True)
    course_services.enrol(user=learner, course=course)
    quiz = offline_quiz(modules[1])
    attempt = quiz_services.start_attempt(user=learner, quiz=quiz)
    lessons[0].unpublish()
    results = sync(
        client,
        action("lesson_complete", {"lesson": lessons[1].pk}),  # module 2: locked
        action("quiz_submit", {"attempt": attempt.pk}),  # module 2's assessment: locked
        action("lesson_complete", {"lesson": lessons[0].pk}),  # unpublished
    )
    assert [r["status"] for r in results] == ["refused"] * 3
    assert "verrouillé" in results[0]["message"]
    assert "verrouillé" in results[1]["message"]
    assert results[2]["message"] == "Cette leçon n’est plus publiée : rien n’a été enregistré."
    assert Attempt.objects.get(pk=attempt.pk).is_open


def test_an_attempt_closed_online_refuses_the_offline_answers(client, learner, course):
    _course, modules, _lessons = course
    quiz = offline_quiz(modules[0])
    attempt = quiz_services.start_attempt(user=learner, quiz=quiz)
    quiz_services.submit_attempt(attempt=attempt)  # submitted in another tab, online
    answers = {str(k): v for k, v in right_answers(attempt).items()}
    results = sync(
        client,
        action("quiz_answers", {"attempt": attempt.pk, "answers": answers}),
        action("quiz_submit", {"attempt": attempt.pk}),
    )
    assert [r["status"] for r in results] == ["refused", "refused"]
    attempt.refresh_from_db()
    assert not attempt.passed


def test_a_quiz_no_longer_offline_refuses_and_the_attempt_stays_open(client, learner, course):
    _course, modules, _lessons = course
    quiz = offline_quiz(modules[0])
    attempt = quiz_services.start_attempt(user=learner, quiz=quiz)
    quiz.offline_allowed = False
    quiz.save(update_fields=["offline_allowed"])
    results = sync(
        client,
        action("quiz_answers", {"attempt": attempt.pk, "answers": wrong_answers(attempt)}),
    )
    assert results[0]["status"] == "refused"
    assert not attempt.answers.exists()


def test_an_action_refused_half_way_leaves_nothing_written(client, learner, course):
    """Answers naming a choice not in the attempt: save_answers refuses all of them."""
    _course, modules, _lessons = course
    quiz = offline_quiz(modules[0])
    attempt = quiz_services.start_attempt(user=learner, quiz=quiz)
    answers = {str(k): v for k, v in right_answers(attempt).items()}
    answers[str(attempt.question_ids[-1])] = [str(uuid.uuid4())]
    results = sync(client, action("quiz_answers", {"attempt": attempt.pk, "answers": answers}))
    assert results[0]["status"] == "refused"
    assert not attempt.answers.exists()


def test_another_persons_attempt_or_action_id_is_refused(client, learner, course):
    _course, modules, lessons = course
    quiz = offline_quiz(modules[0])
    other = UserFactory()
    course_services.enrol(user=other, course=_course)
    theirs = quiz_services.start_attempt(user=other, quiz=quiz)
    results = sync(client, action("quiz_submit", {"attempt": theirs.pk}))
    assert results[0]["status"] == "refused"
    assert Attempt.objects.get(pk=theirs.pk).is_open
    # Their action id, sent by me: refused, their row untouched.
    used = OfflineAction.objects.create(
        client_id=uuid.uuid4(),
        user=other,
        kind="lesson_complete",
        status="applied",
        received_at=timezone.now(),
    )
    results = sync(client, action("lesson_complete", {"lesson": lessons[0].pk}, id=used.client_id))
    assert results[0]["status"] == "refused"
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()


def test_h5p_results_go_through_the_xapi_intake_and_an_unpublished_activity_is_refused(
    client, learner
):
    activity = h5p_activity()
    course, _modules, lessons = course_with_lessons(modules=1, lessons=1)
    lesson = lessons[0]
    lesson.body = [h5p_block(activity)]
    lesson.save_revision().publish()
    course_services.enrol(user=learner, course=course)
    statement = xapi_statement(activity, raw=9, max_score=10)
    results = sync(client, action("h5p_statement", {"lesson": lesson.pk, "statement": statement}))
    assert results[0]["status"] == "applied", results
    assert XAPIStatement.objects.filter(user=learner, activity=activity).count() == 1
    activity.is_published = False
    activity.save(update_fields=["is_published"])
    second = xapi_statement(activity, raw=10, max_score=10)
    results = sync(client, action("h5p_statement", {"lesson": lesson.pk, "statement": second}))
    assert results[0] == {
        "id": results[0]["id"],
        "kind": "h5p_statement",
        "status": "refused",
        "message": "Cette activité n'est pas publiée.",
        "result_url": "",
    }


def test_the_sync_needs_a_signed_in_learner_and_the_csrf_token(learner):
    from django.test import Client

    anonymous = Client()
    response = anonymous.post(SYNC, json.dumps({"actions": []}), "application/json")
    assert response.status_code == 403
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(learner)
    response = guarded.post(SYNC, json.dumps({"actions": []}), "application/json")
    assert response.status_code == 403
    assert not OfflineAction.objects.exists()


def test_english_refusals_in_english(client, learner, course):
    _course, _modules, lessons = course
    lessons[0].unpublish()
    response = client.post(
        "/en/offline/sync/",
        json.dumps({"actions": [action("lesson_complete", {"lesson": lessons[0].pk})]}),
        "application/json",
    )
    assert response.json()["results"][0]["message"] == (
        "This lesson is no longer published: nothing was recorded."
    )


def test_malformed_actions_are_refused_one_by_one_and_nothing_is_written(client, learner, course):
    _course, _modules, lessons = course
    good = action("lesson_complete", {"lesson": lessons[0].pk})
    results = sync(
        client,
        "not an object",
        {"id": "pas-un-uuid", "kind": "lesson_complete"},
        action(["lesson_complete"], {"lesson": lessons[1].pk}),  # a kind of the wrong type
        action("lesson_complete", "not an object"),
        action("lesson_complete", {"lesson": lessons[1].pk}, client_time="2026-13-45T99:00:00"),
        action("lesson_complete", {"lesson": ["1"]}),
        good,
    )
    assert [r["status"] for r in results] == ["refused"] * 4 + ["applied", "refused", "applied"]
    assert all(r["message"] for r in results if r["status"] == "refused")
    assert OfflineAction.objects.get(client_id=good["id"]).client_time is not None
    # The impossible phone time is kept as none: it never decides anything.
    assert OfflineAction.objects.filter(client_time__isnull=True).count() == 1
    for body in (b"{", b"[]", b'{"actions": {}}', b"\xff"):
        response = client.post(SYNC, body, "application/json")
        assert response.status_code == 400, body
        assert response.json()["error"]
    # More than one sync's worth: the first 200 are answered, the phone keeps the rest.
    assert len(sync(client, *([None] * 201))) == 200
