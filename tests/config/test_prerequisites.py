"""bin/check-prerequisites, which `make install` (so `make run` and `make test`) runs first.

Each test runs the real script with a PATH of its own, made of links to this machine's tools
minus the one the test takes away. `apt-get` and `id` are the only stand-ins: a test cannot
install packages, nor stop being root."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = settings.BASE_DIR / "bin" / "check-prerequisites"
TOOLS = ["sh", "grep", "id", "ldconfig", "node", "npm", "xgettext", "chromium", "nginx"]


def _tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


@pytest.fixture
def machine(tmp_path):
    missing = [name for name in ["sh", "grep", "id", "ldconfig", "node", "npm"] if not _tool(name)]
    if missing:
        pytest.skip(f"this machine lacks {missing}")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in TOOLS:
        if _tool(name):
            (bin_dir / name).symlink_to(_tool(name))
    (bin_dir / "python3").symlink_to(sys.executable)
    return bin_dir


def _script(bin_dir: Path, body: str, name: str) -> None:
    path = bin_dir / name
    if path.exists() or path.is_symlink():
        path.unlink()
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _not_root(bin_dir: Path) -> None:
    _script(bin_dir, 'if [ "${1:-}" = "-u" ]; then echo 1000; else echo uid=1000; fi\n', "id")


def _run(bin_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_dir / "sh"), str(SCRIPT), *args],
        cwd=bin_dir.parent,  # no .venv there: the venv check runs
        env={"PATH": str(bin_dir), "HOME": str(bin_dir.parent), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_machine_with_everything_passes_silently(machine):
    result = _run(machine)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_without_npm_it_stops_with_the_command_to_run(machine):
    (machine / "npm").unlink()
    _not_root(machine)
    _script(machine, "echo apt-get must not run >&2; exit 9\n", "apt-get")
    result = _run(machine)
    assert result.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y nodejs npm" in result.stderr
    assert "apt-get must not run" not in result.stderr


def test_without_pango_it_names_the_two_libraries(machine):
    # An empty loader cache: the libraries WeasyPrint opens are not there.
    _script(machine, 'echo "0 libs found in cache"\n', "ldconfig")
    _not_root(machine)
    _script(machine, "exit 9\n", "apt-get")
    result = _run(machine)
    assert result.returncode == 1
    assert "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0" in result.stderr


def test_a_python_without_ensurepip_needs_python3_venv(machine, tmp_path):
    # Debian's python3 without the python3-venv package: `import ensurepip` fails.
    debian = tmp_path / "debian"
    (debian / "ensurepip").mkdir(parents=True)
    (debian / "ensurepip" / "__init__.py").write_text("raise ImportError('ensurepip')\n")
    _not_root(machine)
    _script(machine, "exit 9\n", "apt-get")
    result = _run(machine, PYTHONPATH=str(debian))
    assert result.returncode == 1
    assert "sudo apt-get install -y python3-venv" in result.stderr


def test_without_apt_get_it_says_what_is_missing(machine):
    (machine / "npm").unlink()
    result = _run(machine)
    assert result.returncode == 1
    assert "nodejs npm" in result.stderr
    assert "package manager" in result.stderr


def test_as_root_with_apt_get_it_installs_what_is_missing_then_checks_again(machine):
    npm = (machine / "npm").resolve()
    (machine / "npm").unlink()
    log = machine.parent / "apt-get.log"
    # apt-get "installs" npm by putting it back, as the package would.
    put_back = f"{shutil.which('ln')} -s {npm} {machine}/npm"
    _script(machine, f'echo "$@" >> {log}\nif [ "$1" = install ]; then {put_back}; fi\n', "apt-get")
    result = _run(machine)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert calls == ["update -qq", "install -y -qq nodejs npm"]


def test_a_python_older_than_311_is_refused(machine):
    _script(machine, f'exec {sys.executable} -c "import sys; sys.exit(1)"\n', "python3")
    result = _run(machine)
    assert result.returncode == 1
    assert "Python 3.11" in result.stderr


def test_for_the_tests_it_names_what_skipped_tests_need(machine):
    for name in ["xgettext", "chromium", "nginx"]:
        if (machine / name).is_symlink():
            (machine / name).unlink()
    _not_root(machine)
    result = _run(machine, "--tests")
    assert result.returncode == 0
    assert "apt-get install -y gettext chromium nginx" in result.stderr


@pytest.mark.parametrize(
    ("target", "argument"), [("install", ""), ("run", ""), ("test", "--tests")]
)
def test_make_checks_them_before_anything_else(target, argument):
    if not shutil.which("make"):
        pytest.skip("no make")
    result = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", target],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    first = result.stdout.splitlines()[0]
    assert (
        first.strip() == f"PYTHON=python3 VENV=.venv sh bin/check-prerequisites {argument}".strip()
    )
    assert os.access(SCRIPT, os.X_OK)
