"""Private files: certificate PDFs and register exports. They are not media.

They live in the `private` storage (settings.STORAGES["private"], rooted at PRIVATE_MEDIA_ROOT,
outside MEDIA_ROOT), which has no public URL: the proxy never serves that folder, and the only way
to a private file is a view that checks who asks, then answers with `private_file_response`.

That response streams the file through Django (FileResponse), or, when the setting
PRIVATE_MEDIA_ACCEL_REDIRECT names an nginx `internal` location (e.g. "/protected/") and the
files are on the local disk, hands the sending to nginx with an X-Accel-Redirect header (see
README, « Fichiers privés »). In object storage (config/storage.py) the private bucket is read
only by the app: the file is always streamed through Django, never a signed link."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

from config.storage import is_local


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage without URLs (FileSystemStorage falls back to MEDIA_URL when given
    no base_url: a private file must never get a /media/ address)."""

    def url(self, name):
        raise ValueError("Private files have no public URL: serve them through a view.")


class _PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up when first used and again after the setting
    changes (tests point it at a temporary folder), like Django's default_storage."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        _private_storage._wrapped = empty


def private_storage():
    """The storage of private FileFields (a callable, so migrations name it, not its folder)."""
    return _private_storage


def private_file_response(
    fieldfile, *, filename: str, content_type: str | None = None
) -> HttpResponse:
    """The download of a private file, for a view that has already checked the reader."""
    accel = getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", "")
    # nginx sends from the private folder of the local disk; a file in a bucket is streamed
    # through Django (the bucket is never opened to nginx, nor to a signed link).
    if accel and is_local(fieldfile.storage):
        guessed = mimetypes.guess_type(filename)[0]
        response = HttpResponse(content_type=content_type or guessed or "application/octet-stream")
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(fieldfile.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            fieldfile.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    # Personal data: no shared cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
