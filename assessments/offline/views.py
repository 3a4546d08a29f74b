"""The phone's two endpoints: a module's manifest for download, and the sync of its queue."""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessments.offline import bundle, sync
from assessments.offline.rules import OfflineRefused
from courses.models import LessonPage, ModulePage

MAX_SYNC_BODY = 1024 * 1024


def _signed_out() -> JsonResponse:
    return JsonResponse(
        {"error": _("Sign in again: what waits on your phone is sent once you are signed in.")},
        status=403,
    )


def _bundle(request, module: ModulePage) -> JsonResponse:
    if not request.user.is_authenticated:
        return _signed_out()
    try:
        manifest = bundle.module_bundle(user=request.user, module=module, request=request)
    except OfflineRefused as refusal:
        return JsonResponse({"error": refusal.message}, status=409)
    return JsonResponse(manifest)


@require_GET
@never_cache
def module_manifest(request, module_id: int):
    return _bundle(request, get_object_or_404(ModulePage.objects.live(), pk=module_id))


@require_GET
@never_cache
def lesson_module_manifest(request, lesson_id: int):
    """The manifest of the module that holds a lesson (« Ma formation » names the lesson to
    resume, not its module)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    module = get_object_or_404(ModulePage.objects.live().parent_of(lesson))
    return _bundle(request, module)


@require_POST
def sync_actions(request):
    """POST {"actions": [{id, kind, payload, client_time}, …]} (CSRF-protected)."""
    if not request.user.is_authenticated:
        return _signed_out()
    if len(request.body) > MAX_SYNC_BODY:
        return JsonResponse({"error": _("Too much at once: sync again.")}, status=413)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        body = None
    actions = body.get("actions") if isinstance(body, dict) else None
    if not isinstance(actions, list):
        return JsonResponse({"error": _("The request carries no actions.")}, status=400)
    results = sync.apply_actions(user=request.user, actions=actions, host=request.get_host())
    return JsonResponse({"results": results})
