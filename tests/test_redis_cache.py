"""django_iron_session.redis_cache against a real redis-server: Django's RedisCache, with
its client kept instead of built per call."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.test import Client

from django_iron_session.redis_cache import RedisCache
from testing.constants import PASSWORD
from testing.redis_server import redis_url, start_redis

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytest_django import Settings

    from testing.servers import ServerProcess

pytestmark = pytest.mark.server


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with start_redis(tmp_path) as server:
        yield server


def test_it_reads_and_writes_what_djangos_redis_cache_does(redis_server: ServerProcess) -> None:
    ours = RedisCache(redis_url(redis_server), {})
    djangos = DjangoRedisCache(redis_url(redis_server), {})

    ours.set("a", {"x": [1, 2]})
    djangos.set("b", 7)

    assert djangos.get("a") == {"x": [1, 2]}
    assert ours.get_many(["a", "b", "c"]) == {"a": {"x": [1, 2]}, "b": 7}


def test_one_client_per_server_is_kept(redis_server: ServerProcess) -> None:
    # Writes go to the first server, reads to the others: one client each, kept.
    url = redis_url(redis_server)
    cache = RedisCache([url, url.replace("/0", "/1")], {})
    cache.set("k", 1)

    writer = cache._cache.get_client("k", write=True)
    reader = cache._cache.get_client("k")

    assert reader is not writer
    assert cache._cache.get_client("other", write=True) is writer
    assert cache._cache.get_client("other") is reader
    assert cache.get("k") is None  # read from the second database, which has no entry


@pytest.mark.django_db
def test_revocation_on_it_refuses_a_cookie_after_logout(
    settings: Settings, redis_server: ServerProcess
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "revocation": {
            "BACKEND": "django_iron_session.redis_cache.RedisCache",
            "LOCATION": redis_url(redis_server),
        },
    }
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REVOCATION_CACHE": "revocation"}
    client = Client()
    client.get("/session/write/", {"a": "1"})
    copy = client.cookies["sessionid"].value

    client.get("/session/flush/")

    replay = Client()
    replay.cookies["sessionid"] = copy
    assert replay.get("/session/").json() == {}
