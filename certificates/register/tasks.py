"""The register's exports run in a Celery task: 50,000 rows take longer than a page should."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from certificates.models import RegisterExport, RegisterExportStatus
from certificates.register.access import register_scope
from certificates.register.exports import build_export

logger = logging.getLogger(__name__)


def run_register_export(export_id: int, *, redelivered: bool = False) -> bool:
    """Build the file of a pending export; False when there is nothing to do (already built or
    being built, gone, or the person may no longer read the register). Safe to run twice.

    `redelivered`: the broker handed this message out again because the worker that had it
    died (killed, machine lost; acks late): the export it left half-way is built again."""
    # Claim the export: the progress moves off 0 in one UPDATE, so a second worker (a
    # duplicated message) finds nothing to do. No lock is held while the file is written: the
    # progress page must see the row's progress as it moves.
    pending = RegisterExport.objects.filter(pk=export_id, status=RegisterExportStatus.PENDING)
    claimed = (pending if redelivered else pending.filter(progress=0)).update(progress=1)
    if not claimed:
        return False
    export = RegisterExport.objects.select_related("requested_by").get(pk=export_id)
    scope = register_scope(export.requested_by)
    if scope is None:
        export.status = RegisterExportStatus.FAILED
        export.error = "The person who asked for this export may no longer read the register."
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        return False
    try:
        with translation.override(export.filters.get("language") or settings.LANGUAGE_CODE):
            build_export(export, scope=scope, today=timezone.localdate())
    except Exception as error:
        logger.exception("Register export %s failed", export_id)
        RegisterExport.objects.filter(pk=export_id).update(
            status=RegisterExportStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return True


@shared_task(bind=True)
def build_register_export_task(self, export_id: int) -> bool:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return run_register_export(export_id, redelivered=redelivered)


# An export of the whole register takes well under a minute; one whose worker died is built
# again when the broker hands its message out again (CELERY_BROKER_TRANSPORT_OPTIONS). One still
# pending after this long lost its message too: it is marked failed so the page stops waiting
# and the person is told to ask again.
STALLED_AFTER = datetime.timedelta(minutes=30)


def fail_stalled_exports(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the exports left pending by a worker that died; returns how many."""
    now = now or timezone.now()
    return RegisterExport.objects.filter(
        status=RegisterExportStatus.PENDING, created_at__lt=now - STALLED_AFTER
    ).update(
        status=RegisterExportStatus.FAILED,
        error="Interrupted: no worker finished this export.",
        finished_at=now,
    )


@shared_task(name="certificates.fail_stalled_register_exports")
def fail_stalled_exports_task() -> int:
    return fail_stalled_exports()
