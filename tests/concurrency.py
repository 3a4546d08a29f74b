"""Helpers for tests that run the same service from several threads at once, each thread on its
own database connection (PostgreSQL; SQLite serialises every write, so nothing runs at once)."""

import threading

import pytest
from django.db import close_old_connections, connection


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so nothing runs at once")


def run_concurrently(target, count: int, *, timeout: float = 60) -> list[BaseException]:
    """Start `count` threads that call `target()` at the same moment; return their errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait(timeout=10)
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
