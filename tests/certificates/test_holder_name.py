"""A certificate names its holder as issued, never by their e-mail address (issue 16)."""

import io

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from certificates.services import CertificateRefused, issue_manual_certificate
from certificates.sessions import services as sessions
from certificates.tasks import render_certificate_pdf, sweep_missing_pdfs_task
from tests.factories import (
    CertificateFactory,
    CoursePageFactory,
    TrainingSessionFactory,
    UserFactory,
    completed_enrolment,
)

pytestmark = pytest.mark.django_db

NEUTRAL = "nom non renseigné"


def _pdf_text(certificate) -> str:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def _actions(certificate):
    return list(ModelLogEntry.objects.for_instance(certificate).values_list("action", flat=True))


def _unnamed(**fields):
    return UserFactory(full_name="", email="ibrahim.coulibaly@justice.ml", **fields)


# --- Issuance stores the name ---------------------------------------------------------------


def test_a_completed_course_issues_a_certificate_in_the_holders_name_not_their_e_mail(
    django_capture_on_commit_callbacks,
):
    learner = UserFactory(full_name="  Ibrahim   Coulibaly ", email="ibrahim.coulibaly@justice.ml")
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(user=learner)
    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Ibrahim Coulibaly"
    text = _pdf_text(certificate)
    assert "Ibrahim Coulibaly" in text
    assert "justice.ml" not in text and "ibrahim.coulibaly@" not in text
    (message,) = mail.outbox
    assert "Bonjour Ibrahim Coulibaly," in message.body


def test_the_name_as_issued_stays_when_the_profile_changes_later(
    client, django_capture_on_commit_callbacks
):
    learner = UserFactory(full_name="Aminata Traoré")
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(user=learner)
    certificate = Certificate.objects.get()
    learner.full_name = "Aminata Traoré épouse Keïta"
    learner.save()
    certificate.refresh_from_db()
    assert certificate.holder_name == "Aminata Traoré"
    html = client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert "Aminata Traoré" in html and "Keïta" not in html
    assert "Aminata Traoré" in _pdf_text(certificate)


# --- Nothing official for an account without a name -----------------------------------------


def test_a_manual_issue_to_an_account_without_a_name_is_refused_with_a_clear_message():
    holder = _unnamed()
    with pytest.raises(CertificateRefused, match="n’a pas de nom complet"):
        issue_manual_certificate(
            holder=holder,
            course=CoursePageFactory(),
            issued_by=UserFactory(is_staff=True),
            reason="Présentiel à Mopti",
        )
    assert not Certificate.objects.exists()


def test_the_admin_form_refuses_a_manual_issue_without_a_name_in_french(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import administrator

    client.force_login(administrator())
    holder = _unnamed()
    response = client.post(
        "/admin/certificates/issue/",
        {"holder": holder.pk, "course": CoursePageFactory().pk, "reason": "Présentiel"},
    )
    assert response.status_code == 200
    assert "n’a pas de nom complet : une attestation nomme son titulaire" in (
        response.content.decode()
    )
    assert not Certificate.objects.exists()


def test_a_completed_course_keeps_its_completion_and_the_certificate_waits_for_the_name(
    client, django_capture_on_commit_callbacks
):
    learner = _unnamed()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = completed_enrolment(user=learner)
    assert enrolment.is_completed
    assert not Certificate.objects.exists()
    assert not mail.outbox

    client.force_login(learner)
    page = client.get("/fr/mes-attestations/").content.decode()
    assert "indiquez le vôtre dans votre profil" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fr/accounts/profile/",
            {
                "full_name": "Ibrahim Coulibaly",
                "matricule": "",
                "profession": "juge",
                "sex": "M",
                "preferred_language": "fr",
            },
        )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.enrolment == enrolment
    assert certificate.holder_name == "Ibrahim Coulibaly"
    assert "Ibrahim Coulibaly" in _pdf_text(certificate)
    (message,) = mail.outbox
    assert "Bonjour Ibrahim Coulibaly," in message.body
    # Giving the name again issues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        learner.refresh_from_db()
        learner.full_name = "Ibrahim Coulibaly"
        learner.save()
    assert Certificate.objects.count() == 1


def test_a_name_given_in_the_admin_issues_the_waiting_certificate_too(
    django_capture_on_commit_callbacks,
):
    learner = _unnamed()
    with django_capture_on_commit_callbacks(execute=True):
        completed_enrolment(user=learner)
    assert not Certificate.objects.exists()
    from people.models import User

    with django_capture_on_commit_callbacks(execute=True):
        person = User.objects.get(pk=learner.pk)  # as the admin's edit form loads it
        person.full_name = "Ibrahim Coulibaly"
        person.save()
    assert Certificate.objects.get().holder_name == "Ibrahim Coulibaly"


def test_the_sweep_issues_a_waiting_certificate_whose_signal_was_lost(
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from courses.models import Enrolment
    from people.models import User

    learner = _unnamed()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = completed_enrolment(user=learner)
    # The name written without the model's signals (e.g. a bulk update); completion is old.
    User.objects.filter(pk=learner.pk).update(full_name="Ibrahim Coulibaly")
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=timezone.now() - timezone.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep_missing_pdfs_task()
    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Ibrahim Coulibaly" and certificate.pdf


def test_attendance_certificates_skip_participants_without_a_name_and_say_so(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import administrator

    staff = administrator()
    session = TrainingSessionFactory(course=CoursePageFactory())
    named, unnamed = UserFactory(full_name="Awa Touré"), _unnamed()
    sessions.add_attendees(session=session, people=[named, unnamed], added_by=staff)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sessions_admin:issue", args=[session.pk]), follow=True)
    body = response.content.decode()
    assert "1 participant n’a pas de nom complet" in body
    assert list(Certificate.objects.values_list("holder_name", flat=True)) == ["Awa Touré"]
    outcome = sessions.issue_attendance_certificates(session=session, issued_by=staff)
    assert (outcome.issued, outcome.already, outcome.unnamed) == (0, 1, 1)


# --- Old data: a certificate issued to an account without a name ------------------------------


def test_the_verification_page_pdf_and_e_mail_never_show_the_e_mail_of_an_unnamed_holder(
    client, django_capture_on_commit_callbacks
):
    holder = _unnamed()
    certificate = CertificateFactory(holder=holder)
    assert certificate.holder_name == ""
    html = client.get(f"/verify/{certificate.display_code}/").content.decode()
    assert "Titulaire" in html and NEUTRAL in html
    assert holder.email not in html and "justice.ml" not in html
    render_certificate_pdf(certificate.pk)
    text = _pdf_text(certificate)
    assert "Nom non renseigné" in text
    assert "justice.ml" not in text and "ibrahim.coulibaly" not in text
    (message,) = mail.outbox
    assert message.body.startswith("Bonjour,")
    assert "ibrahim.coulibaly" not in message.body


def test_the_data_migration_copies_the_names_and_marks_e_mail_pdfs_for_a_new_render(
    django_capture_on_commit_callbacks,
):
    import importlib

    migration = importlib.import_module("certificates.migrations.0007_holder_name_as_issued")
    named = CertificateFactory(holder=UserFactory(full_name=" Awa  Touré "), holder_name="")
    unnamed = CertificateFactory(holder=_unnamed(), holder_name="")
    for certificate in (named, unnamed):
        render_certificate_pdf(certificate.pk)
    # As an older version left it: a PDF that printed the e-mail address in the name's place.
    old_hash = "e" * 64
    Certificate.objects.filter(pk=unnamed.pk).update(pdf_sha256=old_hash)

    migration.fill_holder_names(apps, None)

    named.refresh_from_db()
    unnamed.refresh_from_db()
    assert named.holder_name == "Awa  Touré"  # the profile's name, trimmed
    assert named.pdf_rendered_at is not None
    assert unnamed.holder_name == "" and unnamed.pdf_rendered_at is None
    # The sweep renders the PDF that printed the e-mail address again; the old hash is kept.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_missing_pdfs_task() == 1
    unnamed.refresh_from_db()
    assert unnamed.pdf_rendered_at is not None and unnamed.pdf_sha256 != old_hash
    assert "Nom non renseigné" in _pdf_text(unnamed)
    entry = ModelLogEntry.objects.for_instance(unnamed).filter(action="certificates.render")
    assert entry.latest("timestamp").data["previous_sha256"] == old_hash


def test_an_old_certificate_takes_the_name_once_the_holder_gives_it(
    django_capture_on_commit_callbacks,
):
    holder = _unnamed()
    certificate = CertificateFactory(holder=holder)
    render_certificate_pdf(certificate.pk)
    certificate.refresh_from_db()
    old_hash, code, issued_on = certificate.pdf_sha256, certificate.code, certificate.issued_on
    with django_capture_on_commit_callbacks(execute=True):
        holder.full_name = "Ibrahim Coulibaly"
        holder.save(update_fields=["full_name"])
    certificate.refresh_from_db()
    assert certificate.holder_name == "Ibrahim Coulibaly"
    assert (certificate.code, certificate.issued_on) == (code, issued_on)
    assert certificate.pdf_sha256 != old_hash
    assert "Ibrahim Coulibaly" in _pdf_text(certificate)
    entry = ModelLogEntry.objects.for_instance(certificate).get(action="certificates.record_name")
    assert entry.data["previous_sha256"] == old_hash
    assert "certificates.render" in _actions(certificate)


def test_a_stale_pdf_is_rendered_again_when_the_holder_downloads_it(client):
    holder = _unnamed()
    certificate = CertificateFactory(holder=holder)
    render_certificate_pdf(certificate.pk)
    # As the data migration leaves a PDF that printed the e-mail address: stale.
    Certificate.objects.filter(pk=certificate.pk).update(pdf_rendered_at=None, pdf_sha256="e" * 64)
    client.force_login(holder)
    response = client.get(f"/fr/learning/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is not None and certificate.pdf_sha256 != "e" * 64
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert "Nom non renseigné" in text and "justice.ml" not in text
