"""``django_iron_session.redis_cache.RedisCache``: Django's RedisCache, one client per server.

Django's ``RedisCache`` builds a new ``redis.Redis`` client around its connection pool on
every call; building it costs about as much as the round trip to Redis itself. This
backend keeps one client per connection pool instead (redis-py's clients are safe to
share between threads: a command takes a connection from the pool only while it runs).
Everything else, settings and stored values included, is Django's: the two read and write
the same entries. Use it for ``IRON_SESSION["REVOCATION_CACHE"]``, which is asked on every
request, or for any cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

if TYPE_CHECKING:
    from collections.abc import Callable

    import redis

__all__ = ["RedisCache"]


class RedisCache(DjangoRedisCache):
    """Django's ``RedisCache``, with its client built once per server and kept."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _KeptClients


class _KeptClients(RedisCacheClient):
    """Django's client factory, the "custom cache client" its ``get_client`` invites."""

    # Django's own, which django-stubs does not declare.
    _get_connection_pool: Callable[[bool], redis.ConnectionPool]
    _client: type[redis.Redis]

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(
        self, key: str | bytes | memoryview | None = None, *, write: bool = False
    ) -> redis.Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # A pool lives as long as this object (Django keeps them in self._pools).
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client
