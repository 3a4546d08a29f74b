"""The bench's per-request timer: each response says the CPU time and SQL queries it cost."""

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

TIMED = override_settings(
    MIDDLEWARE=["config.bench_timing.BenchTimingMiddleware", *settings.MIDDLEWARE]
)


def test_the_timer_is_off_unless_the_bench_turns_it_on(client):
    assert "config.bench_timing.BenchTimingMiddleware" not in settings.MIDDLEWARE
    assert "X-Bench-CPU-us" not in client.get("/bench/ceiling/")


@TIMED
def test_each_response_carries_its_cpu_time_and_query_count(client, django_assert_num_queries):
    response = client.get("/bench/ceiling/")
    assert response["X-Bench-Queries"] == "0"
    assert int(response["X-Bench-CPU-us"]) >= 0

    with django_assert_num_queries(1) as captured:
        response = client.get("/healthz")
    assert response["X-Bench-Queries"] == str(len(captured))
