"""Django's Redis cache, with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` around the pool on every
cache call, and redis-py's constructor fills a table of about 170 response callbacks each time:
0.1–0.2 ms of CPU per call, and a page makes three or four (the session, the access, the
throttle). A ``redis.Redis`` holds no connection of its own (it borrows one from the pool per
command) and is safe to share between threads, so one per pool does the same work. The pool
itself already re-connects after a fork (redis-py checks the process id), which is what
gunicorn's and Celery's workers do after importing this.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with :class:`SharedClientRedisCacheClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
