"""The SCORM player's endpoints, both under the launch token (`assessments.scorm.player`):

- `package_file`: the package's files; a web page gets the runtime and the learner's data put
  at the top of its `<head>`, and the sandbox CSP (an opaque origin even when opened alone);
- `commit`: what the runtime commits (scorm-again's flattened data model). The frame has no
  session and sends no cookie: the token in the URL is the credential, so there is no CSRF
  token to check (a forged request cannot know the token) and the session is never read.
"""

from __future__ import annotations

import json
import mimetypes
import re

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from assessments.scorm import player, services

MAX_COMMIT_BODY = 256 * 1024
COMMITS_PER_MINUTE = 120
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
# A SCO's pages: their own scripts (inline ones too, authoring tools write them) and eval run in
# an opaque origin, with no way to the site's cookies or pages; they reach only our origin. No
# frame-ancestors: frames inside a package have an opaque parent that 'self' would refuse; the
# token in the URL is what keeps another site from framing a learner's attempt.
SCO_CSP = "; ".join(
    [
        "sandbox allow-scripts",
        "default-src 'none'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "base-uri 'self'",
        "form-action 'none'",
    ]
)
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
HTML = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)


def _launch(token: str) -> player.Launch:
    launch = player.read_token(token)
    if launch is None:
        raise Http404("no such launch")
    return launch


def _runtime_tags(request: HttpRequest, token: str, launch: player.Launch) -> bytes:
    data = services.runtime_data(user=launch.user, lesson=launch.lesson, package=launch.package)
    config = {
        "version": launch.package.version,
        "attempt": data["attempt"],
        "cmi": data["cmi"],
        "commitUrl": request.build_absolute_uri(
            f"/scorm/runtime/{token}/commit?attempt={data['attempt']}"
        ),
    }
    library = (
        "scorm-again/scorm12.min.js"
        if launch.package.version == "1.2"
        else ("scorm-again/scorm2004.min.js")
    )
    tags = (
        f'<script src="{static(library)}"></script>'
        f"{json_script(config, 'lms-scorm-runtime')}"
        f'<script src="{static("js/scorm-runtime.js")}"></script>'
    )
    return tags.encode("ascii", "xmlcharrefreplace")


def _with_runtime(page: bytes, tags: bytes) -> bytes:
    """`tags` first in the page's `<head>` (or after `<html>`, or first), so the API exists
    before the SCO's own scripts look for it."""
    match = HEAD.search(page) or HTML.search(page)
    if match is None:
        return tags + page
    return page[: match.end()] + tags + page[match.end() :]


@require_http_methods(["GET", "HEAD", "OPTIONS"])
@xframe_options_exempt
def package_file(request: HttpRequest, token: str, path: str) -> HttpResponse:
    launch = _launch(token)
    package = launch.package
    if path not in package.files:
        raise Http404("no such file")
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Range, Content-Type, Accept, X-Requested-With"
    elif path.lower().endswith(HTML_EXTENSIONS):
        with default_storage.open(package.storage_path(path), "rb") as handle:
            page = handle.read()
        response = HttpResponse(
            _with_runtime(page, _runtime_tags(request, token, launch)), content_type="text/html"
        )
        response["Content-Security-Policy"] = SCO_CSP
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    else:
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        response = FileResponse(
            default_storage.open(package.storage_path(path), "rb"), content_type=content_type
        )
        response["Content-Security-Policy"] = FILE_CSP
        response["Cache-Control"] = "private, max-age=86400"
    # The sandboxed page has origin `null`: its fetches of JSON and media are CORS requests,
    # never with credentials.
    response["Access-Control-Allow-Origin"] = "*"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _answer(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"
    return response


def _refused(message: str, status: int = 400) -> JsonResponse:
    # scorm-again reads `result` and `errorCode` (101: general exception).
    return _answer({"result": "false", "errorCode": 101, "error": message}, status)


def _too_often(user_id: int) -> bool:
    key = f"scorm:commits:{user_id}"
    cache.add(key, 0, 60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 60)
        count = 1
    return count > COMMITS_PER_MINUTE


@csrf_exempt  # token-authenticated, cookie-less: see the module's docstring
@require_http_methods(["POST", "OPTIONS"])
def commit(request: HttpRequest, token: str) -> JsonResponse:
    if request.method == "OPTIONS":
        response = _answer({}, 200)
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return response
    launch = player.read_token(token)
    if launch is None:
        return _refused(_("This module's session has expired: open the lesson again."), 403)
    if _too_often(launch.user.pk):
        return _refused(_("Too many saves in a minute: wait a moment, then try again."), 429)
    if launch.lesson is None:
        # A staff preview: the package behaves as for a learner, nothing is stored.
        return _answer({"result": "true", "errorCode": 0, "attempt": 1, "met": False})
    placed = services.module_in_lesson(lesson=launch.lesson, package_id=launch.package.pk)
    if placed is None:
        return _refused(_("This module is no longer part of this lesson."))
    if len(request.body) > MAX_COMMIT_BODY:
        return _refused(_("The request is too large (more than %(size)d KB).") % {"size": 256}, 413)
    try:
        number = int(request.GET.get("attempt", ""))
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _refused(_("The request body is not valid JSON."))
    try:
        attempt = services.record_commit(
            user=launch.user,
            lesson=launch.lesson,
            package=launch.package,
            number=number,
            data=data,
            terminate=request.GET.get("terminate") == "true",
        )
    except services.CommitRefused as error:
        return _refused(error.messages[0])
    attempts = launch.package.attempts.filter(user=launch.user, pk=attempt.pk)
    return _answer(
        {
            "result": "true",
            "errorCode": 0,
            "attempt": attempt.number,
            "met": placed.met_by(attempts),
        }
    )
