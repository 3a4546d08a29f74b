"""Where files live: the local disk (the embedded default) or S3-compatible object storage.

With `STORAGE_URL` (or the `AWS_*` variables, see .env.example) the two storages are buckets:

- `default` (public media: Wagtail images and documents, H5P libraries and content) is
  `PublicMediaStorage`. Its files keep their `/media/…` addresses on the site's own origin (the
  Content-Security-Policy allows no other host): nginx passes `/media/` to the bucket
  (deploy/nginx.conf), and without a proxy `serve_media` below sends them from Django.
- `private` (certificate PDFs, register exports) is `PrivateMediaStorage`: no URL at all, like
  its local twin `config.private_files.PrivateFileSystemStorage`. Private objects are never
  public and never signed into a link a learner could pass on: the views that check who asks
  stream them through Django (`config.private_files.private_file_response`).

Code that handles files goes through the storage API only (open, save, exists, delete, listdir,
size): no `.path`, no folder of MEDIA_ROOT, so an app server keeps nothing on its own disk.
"""

from __future__ import annotations

import mimetypes
import re
import sys

from django.core.files.storage import FileSystemStorage, Storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.functional import empty
from django.views.decorators.http import require_http_methods
from storages.utils import clean_name

RANGE = re.compile(r"^bytes=(?P<start>\d*)-(?P<end>\d*)$")
CHUNK = 64 * 1024
# What /media/ hands out to anyone: Wagtail's images and their renditions.
PUBLIC_MEDIA = ("images/", "original_images/")


def is_local(storage: Storage) -> bool:
    """Whether `storage` writes to this machine's disk (what another app server cannot see)."""
    return isinstance(_unwrapped(storage), FileSystemStorage)


def _unwrapped(storage: Storage) -> Storage:
    # default_storage and private_storage() are LazyObjects, set up when first used.
    if getattr(storage, "_wrapped", None) is empty:
        storage._setup()
    return getattr(storage, "_wrapped", storage)


def _s3(storage: Storage):
    """The S3 storage behind `storage`, or None (django-storages is imported only when a bucket
    is configured: if it is not loaded, no storage is a bucket)."""
    s3 = sys.modules.get("storages.backends.s3")
    wrapped = _unwrapped(storage)
    return wrapped if s3 is not None and isinstance(wrapped, s3.S3Storage) else None


def storage_file_response(
    request, storage: Storage, name: str, *, content_type: str | None = None
) -> HttpResponse:
    """A file of `storage` as the answer to GET or HEAD, with a single `Range: bytes=…` honoured
    (videos and sounds seek with it). From a bucket, the bytes are streamed as they come from
    the storage (never held whole in memory)."""
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    s3 = _s3(storage)
    try:
        size = storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404("no such file") from None
    except Exception as error:  # botocore's ClientError for a missing key
        if s3 is not None and "404" in str(error):
            raise Http404("no such file") from None
        raise
    start, end, status = 0, size - 1, 200
    match = RANGE.match(request.headers.get("Range", ""))
    if match and (match["start"] or match["end"]):
        if match["start"]:
            start = int(match["start"])
            end = min(int(match["end"]), size - 1) if match["end"] else size - 1
        else:
            start = max(size - int(match["end"]), 0)
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    length = max(end - start + 1, 0)
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    elif s3 is not None:
        extra = {"Range": f"bytes={start}-{end}"} if status == 206 else {}
        body = s3.connection.meta.client.get_object(
            Bucket=s3.bucket_name, Key=s3._normalize_name(clean_name(name)), **extra
        )["Body"]

        def chunks():
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()

        response = StreamingHttpResponse(chunks(), status=status, content_type=content_type)
    elif status == 206:
        handle = storage.open(name, "rb")
        handle.seek(start)

        def chunks(remaining: int = length):
            with handle:
                while remaining > 0:
                    chunk = handle.read(min(CHUNK, remaining))
                    if not chunk:
                        return
                    remaining -= len(chunk)
                    yield chunk

        response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


@require_http_methods(["GET", "HEAD"])
def serve_media(request, path: str) -> HttpResponse:
    """/media/images/… and /media/original_images/… from the default storage, for when no proxy
    sends them (runserver, tests, a bucket behind the app servers). Only Wagtail's images: a
    document is sent by Wagtail's view (which checks a private collection's viewers), H5P and
    SCORM files by their players' views (approval, the sandbox's CSP) — the same rule as
    deploy/nginx.conf."""
    from django.core.files.storage import default_storage

    if not path.startswith(PUBLIC_MEDIA) or path.endswith("/") or ".." in path.split("/"):
        raise Http404("no such file")
    response = storage_file_response(request, default_storage, path)
    # An uploaded SVG or HTML file opened on its own runs in an opaque origin, never ours.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self' data:"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response


def ensure_buckets() -> list[str]:
    """Create the buckets the S3 storages name when they are missing (a fresh engine, a
    restore into new storage); returns the names created. Does nothing on the local disk."""
    from django.core.files.storage import default_storage, storages

    created = []
    for storage in (default_storage, storages["private"]):
        s3 = _s3(storage)
        if s3 is None:
            continue
        client = s3.connection.meta.client
        try:
            client.head_bucket(Bucket=s3.bucket_name)
        except Exception:
            client.create_bucket(Bucket=s3.bucket_name)
            created.append(s3.bucket_name)
    return created
