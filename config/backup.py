"""Backups that restore: the database and every stored file, in one dated folder.

    manage.py backup [--to FOLDER] [--keep N]   # FOLDER/formation-YYYYMMDD-HHMMSSZ/
    manage.py restore FOLDER/formation-…/ [--replace]

A backup folder holds
- `database.dump`: `pg_dump --format=custom` of PostgreSQL (or `database.sqlite3`, a copy made
  with SQLite's online backup, on the embedded default);
- `media/…` and `private/…`: every file of the two storages (the local disk or the buckets,
  read through the storage API alike), under its stored name;
- `manifest.json`, written last (a folder without it is an interrupted backup): when, which
  database, and each file's name, size and SHA-256, which `restore` checks before it writes.

The database is dumped first, then the files copied: every file the dump names is in the
backup unless it was deleted in between (a certificate PDF missing after a restore is rendered
again by the sweep or on download; H5P files are deleted only with their activity).

`restore` writes into the database and storages the settings name (DATABASE_URL, STORAGE_URL
or the local folders), creating missing buckets; it refuses a database that already holds tables
unless `--replace` is given (then pg_restore --clean replaces them), and empties the shared
cache at the end (it holds pages and lookups of the data that was there before)."""

from __future__ import annotations

import datetime
import hashlib
import json
import mimetypes
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, default_storage, storages
from django.db import connections
from storages.utils import clean_name

from config.storage import _s3, ensure_buckets, is_local

FORMAT = 1
PREFIX = "formation-"
STORAGE_FOLDERS = {"media": "default", "private": "private"}
COPY_THREADS = 8


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, and why (shown as the command's error)."""


def _storage(folder: str) -> Storage:
    return default_storage if folder == "media" else storages["private"]


def stored_names(storage: Storage) -> Iterator[str]:
    """Every file name of `storage`: a bucket is listed page by page, a folder walked."""
    s3 = _s3(storage)
    if s3 is not None:
        prefix = s3.location.strip("/") + "/" if s3.location else ""
        paginator = s3.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=s3.bucket_name, Prefix=prefix):
            for item in page.get("Contents", []):
                if not item["Key"].endswith("/"):
                    yield item["Key"][len(prefix) :]
        return
    if not is_local(storage):
        raise BackupError(f"cannot list the files of {type(storage).__name__}")
    root = Path(storage.location)
    if not root.exists():
        return
    for folder, _dirs, files in os.walk(root):
        for name in files:
            yield (Path(folder) / name).relative_to(root).as_posix()


def _key(s3, name: str) -> str:
    return s3._normalize_name(clean_name(name))


def _database() -> dict:
    return settings.DATABASES["default"]


def _pg_environment(db: dict) -> dict:
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("USER", "PGUSER"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed: apt-get install postgresql-client"
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{' '.join(command[:2])} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(folder: Path) -> dict:
    db = _database()
    if db["ENGINE"].endswith("postgresql"):
        target = folder / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], _pg_environment(db))
        return {"engine": "postgresql", "file": target.name}
    if db["ENGINE"].endswith("sqlite3"):
        target = folder / "database.sqlite3"
        source = sqlite3.connect(db["NAME"])
        copy = sqlite3.connect(target)
        with source, copy:
            source.backup(copy)
        source.close()
        copy.close()
        return {"engine": "sqlite", "file": target.name}
    raise BackupError(f"no backup for the database engine {db['ENGINE']}")


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _copy_out(storage: Storage, name: str, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    s3 = _s3(storage)
    if s3 is not None:
        # boto3's client is safe to share between threads (its resources are not).
        s3.connection.meta.client.download_file(s3.bucket_name, _key(s3, name), str(target))
    else:
        with storage.open(name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
    return {"name": name, "size": target.stat().st_size, "sha256": _sha256(target)}


def _copy_named(storage: Storage, root: Path, name: str) -> dict:
    return _copy_out(storage, name, _safe_target(root, name))


def _restore_item(storage: Storage, root: Path, item: dict) -> None:
    _restore_file(storage, _safe_target(root, item["name"]), item)


def _safe_target(root: Path, name: str) -> Path:
    target = (root / name).resolve()
    if root.resolve() not in target.parents:
        raise BackupError(f"refusing a file name outside the backup: {name!r}")
    return target


def backup(*, to: Path, out: Callable[[str], None] = lambda line: None) -> Path:
    """Dump the database and copy every stored file into a new dated folder under `to`."""
    now = datetime.datetime.now(datetime.UTC)
    folder = Path(to) / f"{PREFIX}{now:%Y%m%d-%H%M%S}Z"
    if folder.exists():
        raise BackupError(f"{folder} exists already")
    work = folder.with_name(folder.name + ".partial")
    work.mkdir(parents=True)
    try:
        out("database…")
        database = _dump_database(work)
        files: dict[str, list[dict]] = {}
        for label in STORAGE_FOLDERS:
            storage = _storage(label)
            root = work / label
            names = list(stored_names(storage))
            out(f"{label}: {len(names)} files…")
            with ThreadPoolExecutor(COPY_THREADS) as pool:
                files[label] = sorted(
                    pool.map(partial(_copy_named, storage, root), names),
                    key=lambda item: item["name"],
                )
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": database,
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def prune(*, to: Path, keep: int) -> list[Path]:
    """Remove the oldest complete backups under `to` beyond the `keep` newest; returns them."""
    complete = sorted(
        path
        for path in Path(to).glob(f"{PREFIX}*")
        if path.is_dir() and (path / "manifest.json").is_file()
    )
    removed = complete[:-keep] if keep > 0 else []
    for path in removed:
        shutil.rmtree(path)
    return removed


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise BackupError(f"{folder} is not a complete backup: it has no manifest.json")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for label, items in manifest["files"].items():
        root = Path(folder) / label
        for item in items:
            source = _safe_target(root, item["name"])
            if not source.is_file() or source.stat().st_size != item["size"]:
                raise BackupError(f"{label}/{item['name']} is missing or truncated in the backup")
    return manifest


def _database_has_tables() -> bool:
    connection = connections["default"]
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def _restore_database(folder: Path, database: dict, *, replace: bool) -> None:
    db = _database()
    engine = "postgresql" if db["ENGINE"].endswith("postgresql") else "sqlite"
    if engine != database["engine"]:
        raise BackupError(f"the backup is of {database['engine']}, the settings name {engine}")
    if _database_has_tables() and not replace:
        raise BackupError(
            f"the database {db['NAME']} already holds tables: restore into a new, empty "
            "database, or give --replace to overwrite it"
        )
    connections["default"].close()
    source = Path(folder) / database["file"]
    if engine == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--jobs={max(1, min(4, os.cpu_count() or 1))}",
                f"--dbname={db['NAME']}",
                *(["--clean", "--if-exists"] if replace else []),
                str(source),
            ],
            _pg_environment(db),
        )
    else:
        backup_db = sqlite3.connect(source)
        target = sqlite3.connect(db["NAME"])
        with backup_db, target:
            backup_db.backup(target)
        backup_db.close()
        target.close()


def _restore_file(storage: Storage, source: Path, item: dict) -> None:
    if _sha256(source) != item["sha256"]:
        raise BackupError(f"{item['name']} does not match its SHA-256 in the manifest")
    s3 = _s3(storage)
    if s3 is not None:
        content_type = mimetypes.guess_type(item["name"])[0] or "application/octet-stream"
        s3.connection.meta.client.upload_file(
            str(source),
            s3.bucket_name,
            _key(s3, item["name"]),
            ExtraArgs={"ContentType": content_type},
        )
        return
    if storage.exists(item["name"]):
        storage.delete(item["name"])
    with open(source, "rb") as handle:
        saved = storage.save(item["name"], File(handle))
    if saved != item["name"]:
        raise BackupError(f"the storage renamed {item['name']} to {saved}")


def restore(
    *, folder: Path, replace: bool = False, out: Callable[[str], None] = lambda line: None
) -> dict:
    """Bring a backup back: the database, then every file into the configured storages.
    Returns the counts restored."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    out("database…")
    _restore_database(folder, manifest["database"], replace=replace)
    created = ensure_buckets()
    if created:
        out(f"buckets created: {', '.join(created)}")
    counts = {}
    for label, items in manifest["files"].items():
        storage = _storage(label)
        root = folder / label
        out(f"{label}: {len(items)} files…")
        with ThreadPoolExecutor(COPY_THREADS) as pool:
            list(
                pool.map(
                    partial(_restore_item, storage, root),
                    items,
                )
            )
        counts[label] = len(items)
    # The shared cache holds pages and lookups of the data that was there before (courses/
    # cache.py, Wagtail's site lookups): none of it may outlive the restore.
    cache.clear()
    out("cache emptied")
    return counts
