"""The Redis cache backend keeps one client per connection pool (config/cache.py), on the real
Redis of CACHE_URL, and behaves as Django's own."""

import threading

import pytest
from django.conf import settings
from django.core.cache import caches

from config.cache import RedisCache

pytestmark = pytest.mark.skipif(
    not settings.CACHES["default"]["LOCATION"].startswith("redis"),
    reason="CACHE_URL is not Redis (CI sets it)",
)


@pytest.fixture
def redis_cache():
    location = settings.CACHES["default"]["LOCATION"]
    backend = RedisCache(location, {"KEY_PREFIX": "test-redis-client"})
    yield backend
    backend.delete_many(["a", "b", "counter"])


def test_a_redis_cache_url_selects_the_backend_that_reuses_its_client():
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.RedisCache"
    assert isinstance(caches["default"], RedisCache)


def test_every_operation_uses_the_same_client_and_pool(redis_cache):
    first = redis_cache._cache.get_client()
    redis_cache.set("a", {"x": 1})
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache._cache.get_client() is first
    assert redis_cache._cache.get_client(write=True) is first
    assert first.connection_pool is redis_cache._cache._get_connection_pool(False)


def test_the_shared_client_serves_threads_at_once(redis_cache):
    redis_cache.set("counter", 0)
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set("b", (n, i))
                assert redis_cache.get("b")[1] in range(50)
                redis_cache.incr("counter")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert redis_cache.get("counter") == 400
    assert len(redis_cache._cache._clients) == 1
