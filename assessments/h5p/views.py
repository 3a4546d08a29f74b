"""The H5P player's endpoints.

- `embed`: the page that runs h5p-standalone inside the lesson's `<iframe sandbox="allow-scripts">`
  (no same-origin: library code cannot read the site's cookies or pages), under a strict CSP;
- `offline_player`: the host page of an activity played from the phone's copy (a downloaded
  module): our page, served by the site's worker, that posts the cached files into the same kind
  of sandbox (`<iframe sandbox="allow-scripts" srcdoc>`), which the worker cannot serve;
- `package_file`: the package's files under its content hash, readable from the sandbox's
  `null` origin (CORS), fetched without the session;
- `statements`, `state`: the lesson page forwards what the player reports (the sandbox has no
  session), CSRF-protected, for the signed-in learner only;
- `preview_statements`: the same intake for the staff preview in the admin.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import mimetypes
import re
from uuid import UUID

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from assessments.h5p import services
from assessments.h5p.permissions import can_preview_h5p
from assessments.h5p.player import (
    PLAYER_SCRIPTS,
    embed_config,
    offline_player_files,
)
from assessments.models import H5PActivity

# A statement from H5P is a few kilobytes (a quiz's `completed` with its definition, some ten);
# the saved state is at most 64 KB of JSON text, sent inside {"state": …}.
MAX_STATEMENT_BODY = 64 * 1024
MAX_STATE_BODY = services.MAX_STATE_LENGTH + 8 * 1024
# Per learner and minute: a learner who answers and retries as fast as they can sends a few
# statements a minute (settings.H5P_STATEMENTS_PER_MINUTE, 60; the bench raises it, to measure
# the intake and not the limiter), the player saves its state every few seconds.
STATES_PER_MINUTE = 60
RANGE = re.compile(r"^bytes=(?P<start>\d*)-(?P<end>\d*)$")
LIBRARY_FOLDER = re.compile(r"^(?P<name>[A-Za-z][\w.-]*)-(?P<major>\d+)\.(?P<minor>\d+)$")

# The player's page. `sandbox allow-scripts` gives it an opaque origin even when it is opened on
# its own, not in the lesson's sandboxed frame: it never runs as the site, never with the
# learner's cookies. Scripts come only from our origin (the player's and the package's files);
# 'unsafe-eval' is allowed in this page only, because H5P libraries need it (EmbeddedJS, used
# by MultiChoice, QuestionSet, InteractiveVideo, CoursePresentation, builds templates with
# `new Function`): code that eval runs has the same opaque origin and the same limits as the
# libraries, so it gains nothing they do not already have. H5P sets inline styles.
EMBED_CSP = "; ".join(
    [
        "sandbox allow-scripts",
        "default-src 'none'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'none'",
    ]
)


@functools.cache
def sandbox_loader() -> tuple[str, str]:
    """The loader written inline into the phone's copy's sandbox, and its CSP hash source."""
    with open(finders.find("js/h5p-sandbox.js"), encoding="utf-8") as handle:
        text = handle.read()
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"'sha256-{digest}'"


def host_csp() -> str:
    """The host page's CSP, which its sandboxed srcdoc frame inherits (an about:srcdoc document
    takes its parent's policy, and cannot loosen it): the frame's inline loader by its hash only,
    the blob: URLs it makes of the files, and what EMBED_CSP already allows the libraries
    ('unsafe-eval', inline styles). It is the host's own, not the lesson's: the lesson page keeps
    the site's strict policy. The host page itself runs only h5p-host.js, shows no one's data
    and nothing of the package (its title is escaped text), so these allowances serve the
    sandbox, whose origin is opaque; eval there gains nothing the libraries do not have."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'unsafe-eval' blob: {sandbox_loader()[1]}",
            "style-src 'self' 'unsafe-inline' blob:",
            "img-src 'self' data: blob:",
            "media-src 'self' data: blob:",
            "font-src 'self' data: blob:",
            "connect-src 'self' blob:",
            "frame-src 'self'",
            "frame-ancestors 'self'",
            # No base-uri: jQuery's parseHTML gives its inert document a <base> at
            # location.href, which is about:srcdoc in the sandbox, and no source matches it.
            # A <base> could only change how the sandbox itself resolves addresses.
            "form-action 'none'",
        ]
    )


# A package file opened on its own (an SVG, an XML file) runs in an opaque origin, never ours.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"

for extension, content_type in {
    ".js": "text/javascript",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".vtt": "text/vtt",
    ".webvtt": "text/vtt",
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
}.items():
    mimetypes.add_type(content_type, extension)


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _approved_activity(content_hash: str) -> H5PActivity:
    activity = get_object_or_404(H5PActivity, content_hash=content_hash)
    if not activity.is_approved:
        raise Http404("libraries awaiting approval")
    return activity


@require_GET
@xframe_options_sameorigin
def embed(request: HttpRequest, content_hash: str) -> HttpResponse:
    activity = _approved_activity(content_hash)
    config = embed_config(request, activity)
    response = render(
        request, "assessments/h5p_embed.html", {"activity": activity, "config": config}
    )
    response["Content-Security-Policy"] = EMBED_CSP
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@xframe_options_sameorigin
def offline_player(request: HttpRequest, content_hash: str) -> HttpResponse:
    """The host page of the phone's copy of an activity (the module's download keeps it)."""
    activity = _approved_activity(content_hash)
    config = {
        "files": offline_player_files(activity),
        "scripts": [static(name) for name in PLAYER_SCRIPTS],
        "styles": [static("h5p/styles/h5p.css")],
        "embed": embed_config(request, activity),
        "loader": sandbox_loader()[0],
        "title": _("Interactive activity: %(title)s") % {"title": activity.title},
        "language": activity.language or "fr",
    }
    response = render(
        request, "assessments/h5p_host.html", {"activity": activity, "config": config}
    )
    response["Content-Security-Policy"] = host_csp()
    response["Cache-Control"] = "no-cache"
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    # The sandboxed player has origin `null`: its fetches of JSON, fonts and sounds are CORS
    # requests. The files are the same for everyone and addressed by content hash, never by the
    # session, and no credentials are ever allowed.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Content-Length, Content-Range, Accept-Ranges"
    return response


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def package_file(request: HttpRequest, content_hash: str, path: str) -> HttpResponse:
    activity = _approved_activity(content_hash)
    if request.method == "OPTIONS":
        # A CORS preflight (a library fetching a sound with a Range header, for instance).
        response = _cors(HttpResponse(status=204))
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Range, Content-Type, Accept, X-Requested-With"
        response["Access-Control-Max-Age"] = "86400"
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    if path == "h5p.json":
        name = activity.storage_path("h5p.json")
    elif path.startswith("content/") and path[len("content/") :] in activity.content_files:
        name = activity.storage_path(path)
    elif path.startswith("libraries/"):
        folder, _sep, relative = path[len("libraries/") :].partition("/")
        match = LIBRARY_FOLDER.match(folder)
        library = (
            activity.libraries.filter(
                machine_name=match["name"],
                major_version=int(match["major"]),
                minor_version=int(match["minor"]),
            ).first()
            if match
            else None
        )
        if library is None or relative not in library.files:
            raise Http404("no such library file")
        name = library.storage_path(relative)
    else:
        raise Http404("no such file")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = _ranged(request, name, content_type) or FileResponse(
        default_storage.open(name, "rb"), content_type=content_type
    )
    response["Accept-Ranges"] = "bytes"
    _cors(response)
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _ranged(request: HttpRequest, name: str, content_type: str) -> HttpResponse | None:
    """A 206 answer to a single `Range: bytes=…` request: videos and sounds seek with them."""
    match = RANGE.match(request.headers.get("Range", ""))
    if not match:
        return None
    size = default_storage.size(name)
    if match["start"]:
        start = int(match["start"])
        end = min(int(match["end"]), size - 1) if match["end"] else size - 1
    elif match["end"]:
        start, end = max(size - int(match["end"]), 0), size - 1
    else:
        return None
    if start > end or start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = default_storage.open(name, "rb")
    handle.seek(start)

    def chunks(remaining: int = end - start + 1):
        with handle:
            while remaining > 0:
                chunk = handle.read(min(64 * 1024, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return response


class TooLarge(services.StatementRefused):
    pass


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise ValueError(f"{text} is too large")
    return value


def _read_json(request: HttpRequest, limit: int):
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit or len(request.body) > limit:
        raise TooLarge(
            _("The request is too large (more than %(size)d KB).") % {"size": limit // 1024}
        )
    try:
        # NaN, Infinity and numbers beyond a float are not JSON numbers: refused, never stored.
        return json.loads(request.body, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise services.StatementRefused(_("The request body is not valid JSON.")) from error


def _too_often(request: HttpRequest, kind: str, limit: int) -> JsonResponse | None:
    """A fixed one-minute window per learner, in the cache (Redis when CACHE_URL is set)."""
    key = f"h5p:{kind}:{request.user.pk}"
    cache.add(key, 0, 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 60)
        count = 1
    if count > limit:
        return _json_error(
            _("Too many results sent in a minute: wait a moment, then try again."), status=429
        )
    return None


def _refused(error: services.StatementRefused) -> JsonResponse:
    return _json_error(error.messages[0], status=413 if isinstance(error, TooLarge) else 400)


def _signed_in(request: HttpRequest) -> JsonResponse | None:
    if not request.user.is_authenticated:
        return _json_error(_("Sign in to record your results."), status=403)
    return None


def _lesson(lesson_id: int) -> Page:
    lesson = Page.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        # Not a 404: the locale middleware would redirect it to a /fr/ URL.
        raise services.StatementRefused(_("This lesson does not exist or is not published."))
    return lesson


@require_POST
def statements(request: HttpRequest, lesson_id: int) -> JsonResponse:
    """Intake of one xAPI statement posted by the lesson page (CSRF-protected)."""
    if refused := _signed_in(request) or _too_often(
        request, "statements", settings.H5P_STATEMENTS_PER_MINUTE
    ):
        return refused
    try:
        # The published lesson from the shared cache: a statement reads no page.
        frame = services.intake_lesson(lesson_id)
        if frame is None:
            # Not a 404: the locale middleware would redirect it to a /fr/ URL.
            raise services.StatementRefused(_("This lesson does not exist or is not published."))
        row, created = services.record_xapi_statement(
            user=request.user,
            lesson=frame.lesson,
            statement=_read_json(request, MAX_STATEMENT_BODY),
            host=request.get_host(),
        )
    except services.StatementRefused as error:
        return _refused(error)
    return JsonResponse(
        {"id": str(row.statement_id), "stored": created, "result": row.is_result},
        status=201 if created else 200,
    )


@require_POST
def preview_statements(request: HttpRequest, activity_id: int) -> JsonResponse:
    if refused := _signed_in(request):
        return refused
    if not can_preview_h5p(request.user):
        return _json_error(_("Only editors and administrators can preview activities."), 403)
    if refused := _too_often(request, "statements", settings.H5P_STATEMENTS_PER_MINUTE):
        return refused
    activity = H5PActivity.objects.filter(pk=activity_id).first()
    if activity is None:
        return _json_error(_("This activity is not part of this lesson."))
    try:
        row, created = services.record_xapi_statement(
            user=request.user,
            preview_of=activity,
            statement=_read_json(request, MAX_STATEMENT_BODY),
            host=request.get_host(),
        )
    except services.StatementRefused as error:
        return _refused(error)
    return JsonResponse(
        {"id": str(row.statement_id), "stored": created, "result": row.is_result},
        status=201 if created else 200,
    )


@require_http_methods(["GET", "POST"])
def state(request: HttpRequest, lesson_id: int, activity_uuid: UUID) -> JsonResponse:
    """The learner's saved player state for an activity of a lesson: GET it back, POST it."""
    if refused := _signed_in(request):
        return refused
    try:
        lesson = _lesson(lesson_id)
    except services.StatementRefused as error:
        return _json_error(error.messages[0])
    activity = services.activity_in_lesson(lesson=lesson, activity_uuid=activity_uuid)
    if activity is None:
        return _json_error(_("This activity is not part of this lesson."))
    if request.method == "GET":
        saved = services.get_h5p_state(user=request.user, lesson=lesson, activity=activity)
        return JsonResponse({"state": saved})
    if refused := _too_often(request, "state", STATES_PER_MINUTE):
        return refused
    try:
        payload = _read_json(request, MAX_STATE_BODY)
        if not isinstance(payload, dict) or "state" not in payload:
            raise services.StatementRefused(_('The saved state must be sent as {"state": …}.'))
        services.save_h5p_state(
            user=request.user, lesson=lesson, activity=activity, state=payload["state"]
        )
    except services.StatementRefused as error:
        return _refused(error)
    return JsonResponse({"saved": True})
