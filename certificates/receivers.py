"""Receivers of the signals of the apps below (connected in CertificatesConfig.ready())."""

from django.db import transaction

from assessments.evidence import course_evidence
from certificates.services import _canonical_course, issue_certificate


def issue_on_course_completed(sender, *, enrolment, **kwargs) -> None:
    # Sent once after commit; issue_certificate is idempotent all the same (retries, races).
    # A course completed on H5P results alone issues none (`assessments.evidence`).
    if not course_evidence(_canonical_course(enrolment.course)).earns_certificate:
        return
    issue_certificate(enrolment=enrolment)


# --- A holder's name given later (people.User: Django's model signals) -------------------------
# Nothing official is issued to an account without a full name. When a name appears on an
# account that had none, by whatever way (the profile page, the admin, a roster import), what
# waited for it is done after commit: certificates of completed courses are issued, and older
# certificates without a name take it. The periodic sweep catches what these miss
# (certificates.tasks.sweep_missing_pdfs_task).


def remember_loaded_name(sender, instance, **kwargs) -> None:
    # Deferred (`.only(...)`) rows are left alone: reading the field would cost a query.
    instance._full_name_at_load = instance.__dict__.get("full_name")


def issue_when_name_given(sender, instance, created, update_fields=None, **kwargs) -> None:
    if update_fields is not None and "full_name" not in update_fields:
        return
    before = getattr(instance, "_full_name_at_load", None)
    now = (instance.full_name or "").strip()
    instance._full_name_at_load = instance.full_name
    if created or not now or before is None or before.strip():
        return
    user_id = instance.pk
    transaction.on_commit(lambda: _name_given(user_id))


def _name_given(user_id: int) -> None:
    from certificates.services import name_given
    from people.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        name_given(user=user)
