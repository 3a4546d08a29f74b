"""What one request costs the worker that served it, for `make bench` only.

Enabled by `DJANGO_BENCH_TIMING=1` (bench/run.py sets it; never in production): the middleware
goes first in `MIDDLEWARE`, so everything below it — the other middleware, the view, the
template, gzip — is counted. Each response carries

- `X-Bench-CPU-us`: the CPU time of the serving thread (user + system, `time.thread_time`),
  which stays right with threaded workers, where the process's CPU time mixes requests;
- `X-Bench-Queries`: the SQL queries the request ran on the default connection.

The load generator adds them up over the measured period (bench/locustfile.py). CPU time is
what a request costs on a shared machine, where requests per second move with the neighbours'
load; the database server's own CPU is not in it (another process)."""

from __future__ import annotations

import time

from django.db import connection


class BenchTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.thread_time_ns()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-CPU-us"] = str((time.thread_time_ns() - started) // 1000)
        response["X-Bench-Queries"] = str(queries)
        return response
