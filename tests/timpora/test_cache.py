"""The Redis cache keeps one client per connection pool (timpora/cache.py)."""

from django.core.cache import caches

from timpora.cache import SharedClientRedisCache


def test_the_cache_reuses_one_client_and_still_reads_what_it_wrote():
    cache = caches["default"]
    assert isinstance(cache, SharedClientRedisCache)
    client = cache._cache.get_client("k", write=True)
    assert cache._cache.get_client("k") is client  # one server: reads use the same pool
    cache.set("shared-client-test", {"a": 1}, 30)
    assert cache.get("shared-client-test") == {"a": 1}
    assert cache.get_many(["shared-client-test", "missing"]) == {"shared-client-test": {"a": 1}}
    cache.delete("shared-client-test")
    assert cache.get("shared-client-test") is None
    assert cache._cache.get_client("k", write=True) is client


def test_a_new_pool_gets_its_own_client():
    backend = caches["default"]._cache
    first = backend.get_client(write=True)
    pools = dict(backend._pools)
    backend._pools.clear()  # as after a reconfiguration: a fresh pool
    try:
        second = backend.get_client(write=True)
        assert second is not first
        assert second.connection_pool is backend._pools[0]
        assert second.ping()
    finally:
        backend._pools.clear()
        backend._pools.update(pools)
