"""H5P results never earn a certificate alone (issue 15): a course that H5P activities help
complete must hold a quiz graded on the server, or it completes without a certificate."""

from html import unescape

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from assessments.evidence import course_evidence
from assessments.quizzes import services as quiz_services
from certificates.models import Certificate
from certificates.services import CertificateRefused, issue_certificate
from courses import services as course_services
from courses.models import Enrolment
from people.roles import EDITORS_GROUP
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
    h5p_activity,
    h5p_block,
    post_xapi_statement,
    quiz_block,
    quiz_with_questions,
    right_answers,
    xapi_statement,
)

pytestmark = pytest.mark.django_db


def _h5p_course(*, with_quiz_in_lesson=False, with_module_assessment=False, score=7):
    activity = h5p_activity(title="Cas pratique", score=score)
    course = CoursePageFactory()
    module = ModulePageFactory(parent=course)
    body = [h5p_block(activity, pass_threshold=0.5)]
    quiz = None
    if with_quiz_in_lesson:
        quiz = quiz_with_questions(questions=2)
        body.append(quiz_block(quiz))
    if with_module_assessment:
        quiz = quiz_with_questions(questions=2, module=module)
    lesson = LessonPageFactory(parent=module, body=body)
    return course, lesson, activity, quiz


def _forge(client, lesson, activity):
    """What a single forged postMessage from the frame ends as: a statement at the intake."""
    statement = xapi_statement(activity, raw=1, max_score=1)
    return post_xapi_statement(client, lesson, statement)


def _pass(quiz, user):
    attempt = quiz_services.start_attempt(user=user, quiz=quiz)
    quiz_services.save_answers(attempt=attempt, answers=right_answers(attempt))
    return quiz_services.submit_attempt(attempt=attempt)


def test_a_course_made_of_one_h5p_lesson_completes_without_a_certificate(
    client, django_capture_on_commit_callbacks
):
    course, lesson, activity, _quiz = _h5p_course()
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    client.force_login(learner)

    with django_capture_on_commit_callbacks(execute=True):
        assert _forge(client, lesson, activity).status_code == 201

    assert Enrolment.objects.get(user=learner, course=course).is_completed
    assert not Certificate.objects.exists()
    assert not course_evidence(course).earns_certificate
    with pytest.raises(CertificateRefused) as refused:
        issue_certificate(enrolment=Enrolment.objects.get(user=learner))
    assert "aucun quiz noté par le serveur" in refused.value.message


@pytest.mark.parametrize("where", ["lesson", "module"])
def test_with_a_server_graded_quiz_the_certificate_needs_the_quiz_passed(
    client, django_capture_on_commit_callbacks, where
):
    course, lesson, activity, quiz = _h5p_course(
        with_quiz_in_lesson=where == "lesson", with_module_assessment=where == "module"
    )
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)
    client.force_login(learner)
    assert course_evidence(course).earns_certificate

    with django_capture_on_commit_callbacks(execute=True):
        _forge(client, lesson, activity)
    assert not Enrolment.objects.get(user=learner).is_completed
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        _pass(quiz, learner)
    assert Enrolment.objects.get(user=learner).is_completed
    assert Certificate.objects.get().holder == learner


def test_an_optional_h5p_activity_does_not_take_the_certificate_away(
    django_capture_on_commit_callbacks,
):
    activity = h5p_activity(title="Révision", score=2)
    course = CoursePageFactory()
    module = ModulePageFactory(parent=course)
    lesson = LessonPageFactory(
        parent=module,
        body=[
            {"type": "rich_text", "value": "<p>Lecture.</p>"},
            h5p_block(activity, counts_for_completion=False),
        ],
    )
    learner = UserFactory()
    course_services.enrol(user=learner, course=course)

    assert course_evidence(course).earns_certificate
    with django_capture_on_commit_callbacks(execute=True):
        course_services.evaluate_lesson(user=learner, lesson=lesson)
    assert Certificate.objects.get().holder == learner


def test_the_admin_warns_the_editor_on_the_course_and_its_lessons(client):
    course, lesson, _activity, _quiz = _h5p_course()
    graded, graded_lesson, _other, _q = _h5p_course(with_module_assessment=True, score=3)
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    TOTP.activate(editor, generate_totp_secret())
    client.force_login(editor)
    warning = "Ce cours ne délivrera pas d'attestation"

    for page in (course, lesson):
        html = unescape(client.get(f"/admin/pages/{page.pk}/edit/").content.decode())
        assert warning in html, page
    for page in (graded, graded_lesson):
        html = unescape(client.get(f"/admin/pages/{page.pk}/edit/").content.decode())
        assert warning not in html, page
