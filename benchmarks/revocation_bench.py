"""What revocation costs per request against a real Redis, and what compression saves.

Starts Debian's redis-server on a free port of 127.0.0.1, then runs whole WSGI requests
through Django's SessionMiddleware (as benchmarks/session_bench.py does) on a logged-in
session, with the default stateless engine, with ``REVOCATION_CACHE`` on Django's
RedisCache and on ``django_iron_session.redis_cache.RedisCache`` (its client kept), and
with Django's own ``cache`` session engine on the same Redis (which also pays one round
trip per request), in the same process, rounds interleaved, the best round counting. Wall
time, not CPU time: the cost of revocation is mostly the wait for Redis's answer.

    .venv/bin/python benchmarks/revocation_bench.py [--seconds 1] [--rounds 5]

Then the cookie sizes of a 3 KB repetitive session: plain seal, compressed seal, Django's
``signed_cookies``, and what the session id costs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Run as a script: the repository root, for testing/ (redis-server) and benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django
from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings

from benchmarks import session_bench
from django_iron_session import iron
from testing.redis_server import redis_url, start_redis

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ENGINE = "django_iron_session.backend"
CACHE_ENGINE = "django.contrib.sessions.backends.cache"
DJANGO_REDIS = "django.core.cache.backends.redis.RedisCache"
KEPT_CLIENT_REDIS = "django_iron_session.redis_cache.RedisCache"
REQUESTS = {"read only": "/read", "read+write": "/write"}
STATELESS = "stateless (default)"
REVOCATION = "revocation, Django RedisCache"
REVOCATION_KEPT = "revocation, redis_cache"
CACHE_SESSIONS = "Django cache engine"


def modes(url: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each way to run, as a session engine and its settings: stateless, revocation on a
    real Redis through Django's RedisCache or this package's, and Django's ``cache``
    session engine on the same Redis (one round trip per request too)."""
    iron_session = settings.IRON_SESSION

    def revocation_on(backend: str) -> dict[str, Any]:
        return {
            "CACHES": {**settings.CACHES, "revocation": {"BACKEND": backend, "LOCATION": url}},
            "IRON_SESSION": {**iron_session, "REVOCATION_CACHE": "revocation"},
        }

    return {
        STATELESS: (ENGINE, {}),
        REVOCATION: (ENGINE, revocation_on(DJANGO_REDIS)),
        REVOCATION_KEPT: (ENGINE, revocation_on(KEPT_CLIENT_REDIS)),
        CACHE_SESSIONS: (
            CACHE_ENGINE,
            {"CACHES": {"default": {"BACKEND": DJANGO_REDIS, "LOCATION": url}}},
        ),
    }


def requests_per_second(handler: Any, path: str, cookie: str, seconds: float) -> float:
    """Whole requests per wall-clock second, the same cookie on each."""

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        if status != "200 OK":
            raise SystemExit(f"{path}: {status}")

    requests = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(session_bench.BATCH):
            handler(session_bench.environ(path, cookie), start_response)
        requests += session_bench.BATCH
    return requests / elapsed


def measure(url: str, seconds: float, rounds: int) -> dict[tuple[str, str], float]:
    handlers, cookies = {}, {}
    for mode, (engine, overrides) in modes(url).items():
        with override_settings(SESSION_ENGINE=engine, **overrides):
            handlers[mode] = WSGIHandler()  # SessionMiddleware picks its engine up here
            cookies[mode] = session_bench.first_cookie(engine, session_bench.TYPICAL_SESSION)
    best: dict[tuple[str, str], float] = {}
    for request, path in REQUESTS.items():
        for _ in range(rounds):
            for mode, (_, overrides) in modes(url).items():
                with override_settings(**overrides):
                    rate = requests_per_second(handlers[mode], path, cookies[mode], seconds)
                best[(request, mode)] = max(best.get((request, mode), 0.0), rate)
    return best


def redis_round_trip(url: str, count: int = 2000) -> float:
    """Seconds of one ``get_many`` of two keys, alone, best of a few runs."""
    with override_settings(**modes(url)[REVOCATION_KEPT][1]):
        cache = caches["revocation"]
        keys = ["django_iron_session:revoked:sid:x", "django_iron_session:revoked:user:1"]
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(count):
                cache.get_many(keys)
            timings.append((time.perf_counter() - started) / count)
    return min(timings)


def latency_table(best: dict[tuple[str, str], float], round_trip: float) -> Iterator[str]:
    yield (
        f"{'request':11} {'engine':31} {'req/s':>7} {'µs/request':>11} {'added µs':>9} "
        f"{'vs stateless':>13} {'vs cache engine':>16}"
    )
    for request in REQUESTS:
        stateless, cache_engine = best[(request, STATELESS)], best[(request, CACHE_SESSIONS)]
        for mode in (STATELESS, REVOCATION, REVOCATION_KEPT, CACHE_SESSIONS):
            rate = best[(request, mode)]
            added = 1e6 / rate - 1e6 / stateless
            yield (
                f"{request:11} {mode:31} {rate:7.0f} {1e6 / rate:11.1f} {added:9.1f} "
                f"{rate / stateless:12.2f}x {rate / cache_engine:15.2f}x"
            )
    yield f"(one get_many of two keys alone, same Redis, redis_cache: {round_trip * 1e6:.1f} µs)"


def cookie_sizes(url: str) -> Iterator[str]:
    data = session_bench.LARGE_SESSION
    signed = "django.contrib.sessions.backends.signed_cookies"
    iron_session = settings.IRON_SESSION
    figures = {
        "signed_cookies (zlib)": session_bench.first_cookie(signed, data),
        "iron, plain seal": session_bench.first_cookie(ENGINE, data),
    }
    with override_settings(IRON_SESSION={**iron_session, "COMPRESS": True}):
        figures["iron, COMPRESS"] = session_bench.first_cookie(ENGINE, data)
    with override_settings(**modes(url)[REVOCATION_KEPT][1]):
        figures["iron, plain + session id"] = session_bench.first_cookie(ENGINE, data)
    json_bytes = len(iron.serialize(data))
    yield f"A {json_bytes}-byte session of repetitive JSON, cookie value in characters:"
    for name, value in figures.items():
        yield f"  {name:26} {len(value):6}"


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per figure and round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; best counts")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is missing: apt-get install redis-server")
    session_bench.configure()
    with tempfile.TemporaryDirectory() as directory, start_redis(Path(directory)) as redis:
        url = redis_url(redis)
        best = measure(url, args.seconds, args.rounds)
        round_trip = redis_round_trip(url)
        out(
            f"Django {django.get_version()}, Python {sys.version.split()[0]}, redis-server on "
            f"127.0.0.1, {args.seconds} s x {args.rounds} rounds per figure, best round"
        )
        for line in latency_table(best, round_trip):
            out(line)
        out("")
        for line in cookie_sizes(url):
            out(line)


if __name__ == "__main__":
    main()
