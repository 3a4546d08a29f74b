"""The multi-server tests (`-m multiserver`): one deployment for the whole module — PostgreSQL,
Redis, two gunicorn app servers, nginx with deploy/nginx.conf, a Celery worker and beat — each a
real process (tests/multiserver/cluster.py). The tests use the site through nginx only.

They need nginx, PostgreSQL's server programs and redis-server: without them they are skipped
with a message, except in CI, where they fail. The test process itself touches no database:
pytest-django's test database is not made for these tests."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.multiserver.cluster import Deployment, Missing
from tests.multiserver.visitor import Visitor


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.multiserver)


@pytest.fixture(scope="session")
def django_db_setup():
    """No test database: the deployment has its own cluster (the other tests keep theirs)."""


@pytest.fixture(autouse=True)
def _empty_cache():
    """The suite's cache is not the deployment's: nothing to empty (and nothing of another
    test run's to touch)."""


@pytest.fixture(scope="session")
def deployment():
    folder = Path(tempfile.mkdtemp(prefix="formation-multiserver-"))
    try:
        site = Deployment(folder)
    except Missing as missing:
        message = (
            f"{missing} is not installed: the multi-server tests need nginx, PostgreSQL and "
            "Redis (apt-get install nginx postgresql redis-server)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        site.start()  # the world's `setup` included: site.people
        yield site
    finally:
        site.stop()
        if os.environ.get("MULTISERVER_KEEP") is None:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def visitor(deployment):
    return Visitor(deployment)


@pytest.fixture(scope="session")
def editor(deployment):
    """The editor, signed in once with the password on app-a and the code on app-b (a TOTP
    code cannot be used twice: a second sign-in would wait for the next one)."""
    visitor = Visitor(deployment)
    person = deployment.people["editor"]
    visitor.signed_in_on = visitor.sign_in(person["email"], totp=person["totp"], first="app-a")
    return visitor


@pytest.fixture(scope="session")
def member(deployment):
    """The committee member (register exports), signed in once, the second factor included."""
    visitor = Visitor(deployment)
    person = deployment.people["member"]
    visitor.sign_in(person["email"], totp=person["totp"])
    return visitor
