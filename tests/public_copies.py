"""The rendered copies of visitors' pages kept in the cache (`courses.routing.serve`)."""

from django.core.cache import cache


def kept_copies() -> list[str]:
    """Their keys (without the cache's own prefix), in the locmem or the Redis cache."""
    if hasattr(cache._cache, "keys"):  # locmem
        return [k.split(":", 2)[-1] for k in cache._cache if ":public-page:" in k]
    client = cache._cache.get_client()  # Redis
    return [k.decode().split(":", 2)[-1] for k in client.scan_iter("*:public-page:*")]


def forget_kept_copies() -> None:
    """The next visitor's page is rendered (as after an eviction, or on another server)."""
    keys = kept_copies()
    if keys:
        cache.delete_many(keys)
