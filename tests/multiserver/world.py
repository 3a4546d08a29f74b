"""What an administrator sets up before the multi-server tests use the site through nginx:
people, courses, a quiz, the approval of an uploaded H5P package. Run as
`python -m tests.multiserver.world <step> [args]` in the deployment's environment (its own
database); prints one line of JSON for the test.

Steps:
- `setup`: the people and courses of every test;
- `place-h5p <activity id>`: the libraries of an uploaded package approved by an
  administrator, the activity published and placed in a lesson of the learner's course;
- `certificates <count>`: `count` learners who completed a course (their PDFs queued);
- `register <count>`: `count` people with certificates in the register (for a long export).
"""

from __future__ import annotations

import json
import sys
import uuid


def _setup_django() -> None:
    import django

    django.setup()
    # Each step is a new process, whose factories would count from 0 again: go on from the
    # people and pages already there.
    from django.db.models import Max
    from wagtail.models import Page

    from people.models import User
    from tests import factories

    factories.UserFactory.reset_sequence((User.objects.aggregate(Max("id"))["id__max"] or 0) + 1)
    pages = (Page.objects.aggregate(Max("id"))["id__max"] or 0) + 1
    for factory in (
        factories.CoursePageFactory,
        factories.ModulePageFactory,
        factories.LessonPageFactory,
    ):
        factory.reset_sequence(pages)


def _totp_user(factory, **fields):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = factory(**fields)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def setup() -> dict:
    from django.contrib.auth.models import Group

    from assessments.quizzes import services as quizzes
    from courses import services as courses
    from people.roles import COMMITTEE_GROUP, EDITORS_GROUP
    from tests.factories import (
        PASSWORD,
        UserFactory,
        course_with_lessons,
        quiz_with_questions,
        right_answers,
    )

    def member_of_group(name):
        def factory(**fields):
            user = UserFactory(**fields)
            user.groups.add(Group.objects.get(name=name))
            return user

        return factory

    editor, editor_secret = _totp_user(member_of_group(EDITORS_GROUP), email="redaction@exemple.ml")
    member, member_secret = _totp_user(member_of_group(COMMITTEE_GROUP), email="comite@exemple.ml")
    learner = UserFactory(email="apprenant@exemple.ml", full_name="Aminata Traoré")

    course, _modules, lessons = course_with_lessons(modules=1, lessons=2, title="Parcours")
    courses.enrol(user=learner, course=course)
    h5p_course, h5p_modules, _lessons = course_with_lessons(modules=1, lessons=1, title="Activités")
    courses.enrol(user=learner, course=h5p_course)

    # The load of the fault tests: learners reading a lesson and answering a quiz.
    load_course, _modules, load_lessons = course_with_lessons(modules=1, lessons=1, title="Charge")
    quiz = quiz_with_questions(questions=40, title="Évaluation sous charge")
    load = []
    for index in range(4):
        person = UserFactory(email=f"charge{index}@exemple.ml")
        courses.enrol(user=person, course=load_course)
        attempt = quizzes.start_attempt(user=person, quiz=quiz)
        keys = right_answers(attempt)
        load.append(
            {
                "email": person.email,
                "attempt": attempt.pk,
                "answers": [[question, keys[question][0]] for question in attempt.question_ids],
            }
        )
    return {
        "password": PASSWORD,
        "editor": {"email": editor.email, "totp": editor_secret},
        "member": {"email": member.email, "totp": member_secret},
        "learner": {"email": learner.email, "id": learner.pk},
        "course": {"id": course.pk, "url": course.url, "lessons": [p.pk for p in lessons]},
        "h5p_module": h5p_modules[0].pk,
        "load": {
            "lesson": load_lessons[0].pk,
            "lesson_url": load_lessons[0].url,
            "quiz": quiz.pk,
            "learners": load,
        },
    }


def place_h5p(activity_id: str, module_id: str) -> dict:
    from assessments.h5p import services
    from assessments.models import H5PActivity
    from courses.models import ModulePage
    from tests.factories import LessonPageFactory, administrator, h5p_block

    activity = H5PActivity.objects.get(pk=int(activity_id))
    approver = administrator()
    for library in activity.libraries.filter(approved_at__isnull=True):
        services.approve_h5p_library(library=library, approved_by=approver)
    services.publish_h5p_activity(activity=activity)
    module = ModulePage.objects.get(pk=int(module_id))
    lesson = LessonPageFactory(
        parent=module, title=f"Vrai ou faux {activity.pk}", body=[h5p_block(activity)]
    )
    return {
        "lesson": lesson.pk,
        "url": lesson.url,
        "hash": activity.content_hash,
        "uuid": str(activity.uuid),
    }


def certificates(count: str) -> dict:
    """Learners who completed a course: the certificates are issued on commit, their PDFs
    queued for the worker."""
    from django.db import transaction

    from courses import services as courses
    from courses.models import LessonPage
    from tests.factories import UserFactory, course_with_lessons

    course, _modules, _lessons = course_with_lessons(
        modules=1, lessons=1, title=f"Lot {uuid.uuid4().hex[:8]}"
    )
    lessons = list(LessonPage.objects.descendant_of(course).live())
    for _ in range(int(count)):
        with transaction.atomic():
            person = UserFactory()
            courses.enrol(user=person, course=course)
            for lesson in lessons:
                courses.complete_lesson(user=person, lesson=lesson)
    return {"course": course.pk}


def register(count: str) -> dict:
    """People with a certificate each, so that an export of the register takes a while."""
    from django.utils import timezone

    from certificates.codes import new_code
    from certificates.models import Certificate
    from courses.models import Enrolment, EnrolmentStatus
    from people.models import User
    from tests.factories import course_with_lessons

    course, _modules, _lessons = course_with_lessons(
        modules=1, lessons=1, title=f"Registre {uuid.uuid4().hex[:8]}"
    )
    now = timezone.now()
    # Without the factory's password hashing (a tenth of a second each): nobody signs in.
    people = User.objects.bulk_create(
        User(email=f"registre{n}@exemple.ml", full_name=f"Personne {n:05d}", password="!")
        for n in range(int(count))
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(user=person, course=course, status=EnrolmentStatus.COMPLETED, completed_at=now)
        for person in people
    )
    Certificate.objects.bulk_create(
        Certificate(
            enrolment=enrolment,
            holder=enrolment.user,
            holder_name=enrolment.user.full_name,
            course=course,
            course_version="1.0",
            code=new_code(),
            issued_on=timezone.localdate(),
            # The register reads no PDF: these count as rendered, so the sweep leaves them.
            pdf=f"certificates/registre-{index}.pdf",
            pdf_sha256="0" * 64,
            pdf_rendered_at=now,
        )
        for index, enrolment in enumerate(enrolments)
    )
    return {"people": User.objects.count()}


STEPS = {"setup": setup, "place-h5p": place_h5p, "certificates": certificates, "register": register}

if __name__ == "__main__":
    _setup_django()
    step = STEPS[sys.argv[1]]
    print(json.dumps(step(*sys.argv[2:])))
