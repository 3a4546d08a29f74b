"""Object storage settings, read by config/settings.py (so this module imports no more than it
needs): STORAGE_URL or the AWS_* variables → settings.STORAGES["default"] and ["private"].
What the storages do and how files are served: config/storage.py."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def s3_options_from_env(env) -> dict | None:
    """The S3 options shared by both buckets, from STORAGE_URL or the AWS_* variables, or None
    when neither names a bucket (the local disk, the embedded default).

    STORAGE_URL=s3+http://KEY:SECRET@HOST:PORT/MEDIA_BUCKET?private_bucket=PRIVATE_BUCKET
    (`s3://` or `s3+https://` for TLS; optional `region=`)."""
    url = env.str("STORAGE_URL", default="")
    if url:
        parts = urlsplit(url)
        scheme = {"s3": "https", "s3+https": "https", "s3+http": "http"}.get(parts.scheme)
        if scheme is None or not parts.hostname:
            raise ImproperlyConfigured(
                f"STORAGE_URL must look like s3+http://KEY:SECRET@HOST:PORT/BUCKET?"
                f"private_bucket=PRIVATE_BUCKET (or s3:// for HTTPS), not {parts.scheme}://…"
            )
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        options = {
            "access_key": unquote(parts.username or ""),
            "secret_key": unquote(parts.password or ""),
            "endpoint_url": f"{scheme}://{host}",
            "region_name": query.get("region", "us-east-1"),
            "bucket_name": parts.path.strip("/"),
            "private_bucket_name": query.get("private_bucket", ""),
        }
    else:
        bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
        if not bucket:
            return None
        options = {
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=""),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="us-east-1"),
            "bucket_name": bucket,
            "private_bucket_name": env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default=""),
        }
    if not options["bucket_name"] or not options["private_bucket_name"]:
        raise ImproperlyConfigured(
            "Object storage needs two buckets: one for public media and one for private files "
            "(certificate PDFs, exports), e.g. STORAGE_URL=s3+http://KEY:SECRET@HOST:8333/"
            "formation-media?private_bucket=formation-private, or AWS_STORAGE_BUCKET_NAME and "
            "AWS_PRIVATE_STORAGE_BUCKET_NAME."
        )
    if options["bucket_name"] == options["private_bucket_name"]:
        raise ImproperlyConfigured(
            "The private bucket must not be the media bucket: media are readable by anyone."
        )
    return options


def s3_storages(options: dict) -> dict:
    """settings.STORAGES["default"] and ["private"] for the S3 options above."""
    common = {
        "access_key": options["access_key"],
        "secret_key": options["secret_key"],
        "endpoint_url": options["endpoint_url"],
        "region_name": options["region_name"],
        "signature_version": "s3v4",
        # Path-style addresses (HOST/BUCKET/KEY) work with every engine (SeaweedFS, MinIO, AWS)
        # and with an endpoint given as an IP address.
        "addressing_style": "path",
        # Like the local disk: a new file never replaces another one of the same name.
        "file_overwrite": False,
        "default_acl": None,
        # Files larger than this are buffered on the temporary disk, not in memory.
        "max_memory_size": 2_621_440,
    }
    return {
        "default": {
            "BACKEND": "config.s3_storages.PublicMediaStorage",
            "OPTIONS": {**common, "bucket_name": options["bucket_name"], "querystring_auth": False},
        },
        "private": {
            "BACKEND": "config.s3_storages.PrivateMediaStorage",
            "OPTIONS": {
                **common,
                "bucket_name": options["private_bucket_name"],
                "querystring_auth": True,
            },
        },
    }
