"""The S3 storages (django-storages): imported only when settings name a bucket."""

from __future__ import annotations

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PublicMediaStorage(S3Storage):
    """Public media in a bucket, at their /media/ address on the site's own origin."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(self._normalize_name(name).lstrip("/"))


class PrivateMediaStorage(S3Storage):
    """Private files in a bucket nobody reads anonymously, and no URL to them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL: serve them through a view.")
