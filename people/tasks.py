"""Tasks of the people app: run a confirmed roster import, send the invitations. Each takes ids,
re-fetches, and is safe to run twice."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from people.manager.importing import RosterFileError, apply_import
from people.models import RosterImport, RosterImportStatus, User


def set_password_url(user: User) -> str:
    """A one-time link to choose a password (allauth's password-reset key flow)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@shared_task
def run_roster_import_task(roster_import_id: int) -> None:
    with transaction.atomic():
        roster_import = (
            RosterImport.objects.select_for_update()
            .filter(pk=roster_import_id, status=RosterImportStatus.QUEUED)
            .first()
        )
        if roster_import is None:
            return  # already run, or never confirmed
        roster_import.status = RosterImportStatus.RUNNING
        roster_import.save(update_fields=["status"])
    try:
        summary = apply_import(roster_import=roster_import)
    except RosterFileError as error:
        RosterImport.objects.filter(pk=roster_import_id).update(
            status=RosterImportStatus.FAILED, summary={"error": error.message}
        )
        return
    if summary["invite"]:
        send_invitations_task.delay_on_commit(summary["invite"], roster_import.institution.name)


@shared_task
def send_invitations_task(user_ids: list[int], institution_name: str) -> int:
    """E-mail each new person a link to set their password; people who already chose one (or
    signed in) are skipped, so a retry sends nothing twice to them."""
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, last_login__isnull=True):
        if user.has_usable_password():
            continue
        with override(user.preferred_language):
            context = {
                "user": user,
                "institution": institution_name,
                "url": set_password_url(user),
            }
            send_mail(
                _("[Formation traite] You are invited to the training platform"),
                render_to_string("people/manager/invitation_email.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        sent += 1
    return sent
