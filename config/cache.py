"""The Redis cache backend, with one client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every operation; redis-py's
constructor fills a table of some 170 response callbacks each time, which cost a third of a
millisecond of CPU per cache read: more than the read itself, and a lesson page makes about ten
(`courses.cache`). A `redis.Redis` is safe to share between threads (each command takes a
connection from the pool and gives it back), so one is built per pool and kept. Behaviour,
keys, serialisation and pools are Django's own."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
