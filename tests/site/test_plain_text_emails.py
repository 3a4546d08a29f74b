"""Plain-text e-mails are not HTML: names, titles and the French translations (full of
apostrophes) come out verbatim, never as `&#x27;`, `&lt;` or `&amp;`."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from certificates.tasks import send_expiry_reminders_task
from courses import assignments
from courses.tasks import send_assignment_reminders, send_manager_digests
from people.choices import Profession
from people.tasks import send_invitations_task
from tests.factories import (
    CertificateFactory,
    CohortFactory,
    CoursePageFactory,
    InstitutionFactory,
    UserFactory,
    completed_enrolment,
    course_with_lessons,
    manager_of,
    member_of,
)

pytestmark = pytest.mark.django_db

NAME = "Aïssata N'Diaye <Kané> & fils"
TITLE = "L'audition <des victimes> & témoins"
INSTITUTION = "École d'État <ENP> & co"
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|lt|gt|amp|quot|apos);")


def _assert_verbatim(message, *texts):
    for part in (message.subject, message.body):
        assert not ENTITY.search(part), part
    for text in texts:
        assert text in message.subject + message.body, (message.subject, message.body)


def test_the_certificate_issued_e_mail(django_capture_on_commit_callbacks):
    user = UserFactory(full_name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(user=user, title=TITLE)
    (message,) = mail.outbox
    assert TITLE in message.subject
    _assert_verbatim(message, NAME, TITLE)


@pytest.mark.parametrize("days", [30, 0])
def test_the_expiry_reminder_e_mail(days):
    refresher = CoursePageFactory(title="Recyclage d'été <2026>")
    course = CoursePageFactory(title=TITLE, refresher_course=refresher)
    CertificateFactory(
        holder=UserFactory(full_name=NAME),
        course=course,
        valid_until=timezone.localdate() + datetime.timedelta(days=days),
    )
    send_expiry_reminders_task()
    (message,) = mail.outbox
    assert TITLE in message.subject
    _assert_verbatim(message, NAME, TITLE, refresher.title)


def test_the_assignment_reminder_and_the_manager_digest():
    school = InstitutionFactory(name=INSTITUTION)
    manager = manager_of(school, full_name="Mariam D'Souza <chef>")
    cohort = CohortFactory(institution=school, name="Promotion l'An <1>")
    learner = member_of(school, full_name=NAME)
    cohort.members.add(learner)
    _course, modules, _lessons = course_with_lessons(modules=1, lessons=1)
    modules[0].title = TITLE
    modules[0].save_revision().publish()
    today = timezone.localdate()
    assignments.assign(
        assigned_by=manager,
        institution=school,
        module=modules[0],
        cohort=cohort,
        due_on=today + datetime.timedelta(days=1),
    )
    send_assignment_reminders(today.isoformat())
    (reminder,) = mail.outbox
    assert TITLE in reminder.subject
    _assert_verbatim(reminder, NAME, TITLE, manager.full_name)

    mail.outbox.clear()
    send_manager_digests((today + datetime.timedelta(days=3)).isoformat())
    (digest,) = mail.outbox
    _assert_verbatim(digest, manager.full_name, TITLE, cohort.name, NAME)


def test_the_invitation_e_mail():
    user = UserFactory(full_name=NAME, password=None)
    user.set_unusable_password()
    user.save()
    assert send_invitations_task([user.pk], INSTITUTION) == 1
    (message,) = mail.outbox
    _assert_verbatim(message, NAME, INSTITUTION)


def test_allauth_password_reset_and_confirmation_e_mails_in_french(client):
    user = UserFactory(full_name=NAME)
    client.post("/fr/accounts/password/reset/", {"email": user.email})
    client.post(
        "/fr/accounts/signup/",
        {
            "full_name": NAME,
            "email": "nouvelle@exemple.ml",
            "password1": "Un-mot-de-passe-2026",
            "password2": "Un-mot-de-passe-2026",
            "profession": Profession.JUDGE,
        },
    )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        _assert_verbatim(message)
    # The French translations do have apostrophes: they must stay apostrophes.
    assert "'" in mail.outbox[0].body + mail.outbox[1].body


def test_every_plain_text_template_turns_autoescape_off():
    # A new e-mail template that forgets it would escape the French apostrophes again.
    from django.conf import settings

    templates = sorted(settings.SITE_DIR.joinpath("templates").rglob("*.txt"))
    assert len(templates) >= 7
    for path in templates:
        assert "{% autoescape off %}" in path.read_text(), path
