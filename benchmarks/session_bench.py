"""The engine's speed in one run: per operation and per whole request, beside every alternative.

Per operation, on a typical session (``_auth_user_*`` and a few app keys, 288 bytes of
JSON) and a 2 KB one (about the largest that fits one 4,096-byte cookie unsealed):

- a ``SessionStore``'s save and load for Django's ``signed_cookies``, ``cache`` (on a real
  redis-server when one and the ``redis`` package are there, else locmem: the header says
  which), ``db`` (SQLite in memory, the fastest a database gets) and this engine, warm (a
  cookie this process sealed or opened lately) and cold (one it has never seen: with N
  workers or servers, a cookie comes back to the process that sealed it about 1/N of the
  time, so cold is the common case in production);
- this package's Iron core alone (``seal_data``/``open_data``, cold);
- the floor: the least Python that writes and reads a correct seal (JSON, ``os.urandom``,
  two PBKDF2-SHA1 key derivations, AES-256-CBC, HMAC-SHA256, base64url), nothing cached;
- the C primitives alone: the two PBKDF2s, AES-256-CBC and HMAC-SHA256 on ready bytes, with
  no JSON, base64, random bytes or parsing (below any correct seal: what no Python can beat);
- @hapi/iron 7 in Node (``benchmarks/iron_bench.mjs``), awaited one after the other.

Then whole requests: a WSGI call into Django (handler, URL resolving, ``SessionMiddleware``,
a view, the response) that reads the session, or reads it and changes one key (so it is
saved and a cookie engine re-seals it), warm and cold.

Every figure is the median of interleaved rounds, each round giving every candidate the
same CPU time of this process (``--wall`` for wall-clock time, which also counts the wait
for Redis), so that other load on the machine skews the ratios less.

    .venv/bin/python benchmarks/session_bench.py [--seconds 0.1] [--rounds 7] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Run as a script from the repository root: the helpers next to this file are a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cryptography
import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

IRON = "django_iron_session.backend"
SIGNED = "django.contrib.sessions.backends.signed_cookies"
ENGINES = {
    "signed_cookies": SIGNED,
    "cache": "django.contrib.sessions.backends.cache",
    "db (SQLite memory)": "django.contrib.sessions.backends.db",
    "iron, warm": IRON,
    "iron, cold": IRON,
}
BASELINE = "signed_cookies"
COOKIE_NAME = "sessionid"
PASSWORD = "benchmark-only-password-of-at-least-32-characters"
#: calls between two looks at the clock
BATCH = 20

#: what django.contrib.auth, CSRF_USE_SESSIONS and a typical app keep: 288 bytes of JSON
TYPICAL_SESSION: dict[str, Any] = {
    "_auth_user_id": "48213",
    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
    "_auth_user_hash": "9f2c1b7e4d0a8c6f3e5b2d1a0c9e8f7b6a5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
    "_csrftoken": "kqR3vXz8wT2mN5pL7yB1cF4hJ6dG9sA0",
    "cart_id": 1734,
    "locale": "en-gb",
    "tz": "Europe/Brussels",
    "count": 0,
}
#: the same with a list of recently viewed products: 2 KB of JSON
SESSION_2KB: dict[str, Any] = {
    **TYPICAL_SESSION,
    "recently_viewed": [
        {"id": 100000 + n, "slug": f"product-number-{n:04d}", "seen": 1764200000 + n}
        for n in range(29)
    ],
}
#: 3 KB: too large for one cookie sealed plainly (revocation_bench.py compresses it)
LARGE_SESSION: dict[str, Any] = {
    **TYPICAL_SESSION,
    "recently_viewed": [
        {"id": 100000 + n, "slug": f"product-number-{n:04d}", "seen": 1764200000 + n}
        for n in range(44)
    ],
}
SESSIONS = {"typical": TYPICAL_SESSION, "2 KB": SESSION_2KB}


def read_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.session.get("_auth_user_id", ""))


def write_view(request: HttpRequest) -> HttpResponse:
    request.session["count"] = request.session.get("count", 0) + 1
    return HttpResponse(request.session.get("_auth_user_id", ""))


urlpatterns = [path("read", read_view), path("write", write_view)]


def configure(cache_location: str | None = None) -> None:
    """Django settings for the benchmarks; ``cache_location`` is a Redis URL for the
    default cache (else locmem)."""
    cache = (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if cache_location is None
        else {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_location}
    )
    settings.configure(
        DEBUG=False,
        SECRET_KEY="benchmark-only-secret-key-that-is-long-enough-for-django-checks",
        ALLOWED_HOSTS=["bench"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.sessions"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                # In memory: the fastest a database can be, so the comparison is
                # conservative (a file or a database server adds I/O to every save).
                "NAME": ":memory:",
            }
        },
        CACHES={"default": cache},
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_SERIALIZER="django.contrib.sessions.serializers.JSONSerializer",
        # revocation_bench.py seals a 3 KB session plainly to show its size: over what
        # browsers keep, so the size guard is raised (the check itself runs all the same).
        IRON_SESSION={"PASSWORD": PASSWORD, "COOKIE_SIZE_LIMIT": 16384},
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "sessions", verbosity=0)


@contextlib.contextmanager
def redis_if_available() -> Iterator[str | None]:
    """A redis-server of its own for the cache engine, or None if it cannot run here."""
    if shutil.which("redis-server") is None or importlib.util.find_spec("redis") is None:
        yield None
        return
    from testing.redis_server import redis_url, start_redis

    with tempfile.TemporaryDirectory() as directory, start_redis(Path(directory)) as server:
        yield redis_url(server)


def cache_label() -> str:
    backend = settings.CACHES["default"]["BACKEND"]
    return "Redis (redis-server on 127.0.0.1)" if backend.endswith("RedisCache") else "locmem"


def handler_for(name: str) -> Callable[..., Any]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    with override_settings(SESSION_ENGINE=ENGINES.get(name, IRON)):
        return WSGIHandler()  # SessionMiddleware picks its engine up here


def first_cookie(engine: str, data: dict[str, Any]) -> str:
    store = import_module(engine).SessionStore()
    store.update(data)
    store.save()
    return str(store.session_key)


def unseen_cookies(data: dict[str, Any]) -> list[str]:
    """Cookies of this engine that no cache of this process holds, to be used in turn.

    Sealed here, then every cache is emptied; there are more of them than any cache keeps,
    so that each one, by the time its turn comes again, has been evicted.
    """
    from django_iron_session.known_cookies import SIZE

    # The table is emptied when full: by its turn again, a cookie has been forgotten.
    cookies = [first_cookie(IRON, {**data, "count": n}) for n in range(2 * SIZE + 1)]
    forget_cookies()
    return cookies


def forget_cookies() -> None:
    """Empty the one cache this package keeps of cookies (see docs/performance.rst)."""
    from django_iron_session.known_cookies import known_cookies

    known_cookies.clear()


class Clock:
    """CPU time of this process by default: other load on the machine skews it less."""

    def __init__(self, wall: bool) -> None:
        self.now = time.perf_counter if wall else time.process_time
        self.name = "wall-clock time" if wall else "CPU time of this process"


def micros_per_call(operation: Callable[[], object], seconds: float, clock: Clock) -> float:
    calls = 0
    started = clock.now()
    while (elapsed := clock.now() - started) < seconds:
        for _ in range(BATCH):
            operation()
        calls += BATCH
    return elapsed / calls * 1e6


def medians(
    candidates: dict[Any, Callable[[], object]],
    seconds: float,
    rounds: int,
    clock: Clock,
    settings_for: dict[Any, dict[str, Any]],
) -> dict[Any, float]:
    """Median µs per call of each, the candidates taking turns in every round, each under
    its own settings if ``settings_for`` has any."""
    from django.test import override_settings

    samples: dict[Any, list[float]] = {key: [] for key in candidates}
    for _ in range(rounds):
        for key, operation in candidates.items():
            forget_cookies()  # a cold candidate then meets no cookie another one opened
            overrides = settings_for.get(key)
            with override_settings(**overrides) if overrides else contextlib.nullcontext():
                samples[key].append(micros_per_call(operation, seconds, clock))
    return {key: statistics.median(values) for key, values in samples.items()}


def in_turn(values: list[str]) -> Callable[[], str]:
    position = 0

    def following() -> str:
        nonlocal position
        position = (position + 1) % len(values)
        return values[position]

    return following


# ---- per operation ----------------------------------------------------------------------


def store_operations(
    engine: str, data: dict[str, Any], next_cookie: Callable[[], str]
) -> tuple[Callable[[], object], Callable[[], object]]:
    """Save: a store of the request's session key saves the session's data (as
    SessionMiddleware does after a view changed it). Load: a store of the key loads it."""
    store_class = import_module(engine).SessionStore

    def save() -> object:
        store = store_class(next_cookie())
        store._session_cache = dict(data)
        store.save()
        return store.session_key

    def load() -> object:
        return store_class(next_cookie()).load()

    return save, load


def operation_candidates(
    size: str, data: dict[str, Any], cold_cookies: list[str]
) -> dict[tuple[str, str, str], Callable[[], object]]:
    from benchmarks import iron_bench
    from django_iron_session import iron_session
    from django_iron_session.conf import get_config

    candidates: dict[tuple[str, str, str], Callable[[], object]] = {}
    for name, engine in ENGINES.items():
        if name == "iron, cold":
            _, load = store_operations(engine, data, in_turn(cold_cookies))
            candidates[(size, name, "load")] = load
            continue
        cookie = first_cookie(engine, data)
        save, load = store_operations(engine, data, functools.partial(str, cookie))
        candidates[(size, name, "save")] = save
        candidates[(size, name, "load")] = load
    keyring = get_config().passwords.keyring()
    next_cold = in_turn(cold_cookies)
    candidates[(size, CORE, "save")] = lambda: iron_session.seal_data(data, keyring)
    candidates[(size, CORE, "load")] = lambda: iron_session.open_data(next_cold(), keyring)
    floor_sealed = iron_bench.floor_seal(data)
    candidates[(size, FLOOR, "save")] = lambda: iron_bench.floor_seal(data)
    candidates[(size, FLOOR, "load")] = lambda: iron_bench.floor_unseal(
        floor_sealed, iron_bench.floor_keys(floor_sealed)
    )
    candidates[(size, PRIMITIVES, "save")], candidates[(size, PRIMITIVES, "load")] = (
        iron_bench.primitives(data)
    )
    return candidates


CORE = "Iron core (seal_data/open_data), cold"
FLOOR = "floor: least Python seal, no cache"
PRIMITIVES = "C primitives only (2 PBKDF2, AES, HMAC)"
HAPI = "@hapi/iron 7, Node"
OPERATION_ROWS = [*ENGINES, CORE, FLOOR, PRIMITIVES, HAPI]


def node_figures(seconds: float, rounds: int) -> tuple[dict[Any, float], dict[str, str]]:
    """µs per seal and unseal of @hapi/iron 7 (best of ``rounds``), and the versions."""
    from benchmarks import iron_bench

    answer = iron_bench.node_results(seconds, rounds, SESSIONS, password=PASSWORD)
    figures = {}
    for size in SESSIONS:
        ops = answer["results"][iron_bench.HAPI][size]
        figures[(size, HAPI, "save")] = 1e6 / ops["seal"]
        figures[(size, HAPI, "load")] = 1e6 / ops["unseal"]
    return figures, answer["versions"]


# ---- whole requests ---------------------------------------------------------------------


def environ(path: str, cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "bench",
        "HTTP_COOKIE": f"{COOKIE_NAME}={cookie}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


class Browser:
    """One user's requests to one handler: sends the cookie the last response set, or,
    cold, each time one this process has not seen (the last response came from another
    worker)."""

    def __init__(self, handler: Any, path: str, cookie: str, unseen: list[str] | None) -> None:
        self.handler, self.path, self.cookie = handler, path, cookie
        self.next_unseen = in_turn(unseen) if unseen else None
        self._prefix = f"{COOKIE_NAME}="

    def request(self) -> None:
        headers_seen: list[list[tuple[str, str]]] = []

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            if status != "200 OK":
                raise SystemExit(f"{self.path}: {status}")
            headers_seen.append(headers)

        cookie = self.next_unseen() if self.next_unseen else self.cookie
        self.handler(environ(self.path, cookie), start_response)
        for name, value in headers_seen[0]:
            if name == "Set-Cookie" and value.startswith(self._prefix):
                self.cookie = value[len(self._prefix) : value.index(";")]


VIEWS = {"read+write": "/write", "read only": "/read"}


def request_candidates(
    size: str, data: dict[str, Any], cold_cookies: list[str]
) -> dict[tuple[str, str, str], Callable[[], object]]:
    candidates: dict[tuple[str, str, str], Callable[[], object]] = {}
    for name, engine in ENGINES.items():
        handler = handler_for(name)
        for view, url in VIEWS.items():
            unseen = cold_cookies if name == "iron, cold" else None
            browser = Browser(handler, url, first_cookie(engine, data), unseen)
            candidates[(size, view, name)] = browser.request
    return candidates


SLIDING = "read only, sliding"
REFRESH_AFTER = 3600
#: whole read-only requests with SESSION_SAVE_EVERY_REQUEST, and REFRESH_AFTER where named
SLIDING_ROWS = [
    "signed_cookies",
    "iron, warm",
    "iron, cold",
    "iron, warm, REFRESH_AFTER",
    "iron, cold, REFRESH_AFTER",
]


def sliding_candidates(
    size: str, data: dict[str, Any], cold_cookies: list[str]
) -> tuple[dict[Any, Callable[[], object]], dict[Any, dict[str, Any]]]:
    candidates: dict[Any, Callable[[], object]] = {}
    settings_for: dict[Any, dict[str, Any]] = {}
    for name in SLIDING_ROWS:
        engine_name = name.removesuffix(", REFRESH_AFTER")
        overrides: dict[str, Any] = {"SESSION_SAVE_EVERY_REQUEST": True}
        if name != engine_name:
            overrides["IRON_SESSION"] = {**settings.IRON_SESSION, "REFRESH_AFTER": REFRESH_AFTER}
        unseen = cold_cookies if engine_name == "iron, cold" else None
        cookie = first_cookie(ENGINES[engine_name], data)
        browser = Browser(handler_for(engine_name), "/read", cookie, unseen)
        candidates[(size, SLIDING, name)] = browser.request
        settings_for[(size, SLIDING, name)] = overrides
    return candidates, settings_for


COMPRESS = "COMPRESS"
#: sessions of growing size: the typical one and lists of recently viewed products
COMPRESS_ITEMS = (0, 10, 29, 44, 100)


def compress_candidates() -> tuple[
    dict[Any, Callable[[], object]], dict[Any, dict[str, Any]], dict[Any, int]
]:
    """SessionStore save and cold load with COMPRESS off and on, and the cookies' lengths."""
    from django.test import override_settings

    candidates: dict[Any, Callable[[], object]] = {}
    settings_for: dict[Any, dict[str, Any]] = {}
    lengths: dict[Any, int] = {}
    for items in COMPRESS_ITEMS:
        data = {**SESSION_2KB, "recently_viewed": SESSION_2KB["recently_viewed"] * 4}
        data["recently_viewed"] = data["recently_viewed"][:items]
        if not items:
            data = TYPICAL_SESSION
        size = len(json.dumps(data, separators=(",", ":")))
        for compress in (False, True):
            overrides = {"IRON_SESSION": {**settings.IRON_SESSION, "COMPRESS": compress}}
            with override_settings(**overrides):
                cookie = first_cookie(IRON, data)
                unseen = unseen_cookies(data)
            save, _ = store_operations(IRON, data, functools.partial(str, cookie))
            _, load = store_operations(IRON, data, in_turn(unseen))
            for kind, operation in (("save", save), ("load", load)):
                candidates[(COMPRESS, size, compress, kind)] = operation
                settings_for[(COMPRESS, size, compress, kind)] = overrides
            lengths[(size, compress)] = len(cookie)
    return candidates, settings_for, lengths


LIBRARY_CASES = [
    ("read+write", "iron, warm"),
    ("read+write", "iron, cold"),
    ("read only", "iron, cold"),
]
SHIPPED = "as shipped"
SHIPPED_AGAIN = "as shipped, measured again (the noise)"
ALL_LIBRARY = "every routine by its library call"


def library_call_variants() -> dict[str, tuple[str, ...]]:
    """The package as shipped (twice), with each routine of ``speedups.py`` replaced by its
    library call, and with all of them replaced."""
    from testing.library_calls import LIBRARY_CALLS

    return {
        SHIPPED: (),
        SHIPPED_AGAIN: (),
        **{routine: (routine,) for routine in LIBRARY_CALLS},
        ALL_LIBRARY: tuple(LIBRARY_CALLS),
    }


def measure_library_calls(
    seconds: float, rounds: int, clock: Clock
) -> dict[tuple[str, str, str], float]:
    """Median µs per whole request (typical session) of each case of ``LIBRARY_CASES`` for
    each variant of ``library_call_variants``.

    A case's variants take turns, in an order rotated every round, each after a few
    requests not timed: the first request after another case's runs other code, and the
    candidate that always came first would pay for it.
    """
    from testing.library_calls import library_calls

    data = TYPICAL_SESSION
    cold_cookies = unseen_cookies(data)
    variants = library_call_variants()
    browsers: dict[tuple[str, str, str], Callable[[], object]] = {}
    for view, name in LIBRARY_CASES:
        unseen = cold_cookies if name == "iron, cold" else None
        for variant in variants:
            browser = Browser(handler_for(name), VIEWS[view], first_cookie(IRON, data), unseen)
            browsers[(view, name, variant)] = browser.request
    forget_cookies()
    samples: dict[tuple[str, str, str], list[float]] = {key: [] for key in browsers}
    names = list(variants)
    for turn in range(rounds):
        for view, name in LIBRARY_CASES:
            for variant in names[turn % len(names) :] + names[: turn % len(names)]:
                request = browsers[(view, name, variant)]
                forget_cookies()  # a cold candidate then meets no cookie another one opened
                with library_calls(*variants[variant]):
                    for _ in range(BATCH):
                        request()
                    samples[(view, name, variant)].append(micros_per_call(request, seconds, clock))
    return {key: statistics.median(values) for key, values in samples.items()}


def library_call_table(figures: dict[tuple[str, str, str], float]) -> Iterator[str]:
    yield (
        "whole request (WSGI), typical session, µs: each routine of speedups.py replaced by"
        " its library call; + is what the routine saves"
    )
    for view, name in LIBRARY_CASES:
        shipped = figures[(view, name, SHIPPED)]
        yield f"{view}, {name}: {shipped:.1f} µs as shipped"
        for variant in library_call_variants():
            if variant == SHIPPED:
                continue
            micros = figures[(view, name, variant)]
            yield (
                f"  {variant:52} {micros:7.1f}  {micros - shipped:+6.1f} µs"
                f"  {(micros / shipped - 1) * 100:+5.1f}%"
            )


# ---- the report -------------------------------------------------------------------------


def ratio(baseline: float, micros: float) -> float:
    """How many times as fast as the baseline (µs per call, lower is faster)."""
    return baseline / micros


def operation_table(figures: dict[Any, float]) -> Iterator[str]:
    yield f"{'per operation, µs':40} {'save':>7} {'load':>7}   vs signed_cookies (save / load)"
    for size, data in SESSIONS.items():
        yield f"{size} session ({len(json.dumps(data, separators=(',', ':')))} bytes of JSON)"
        base_save, base_load = figures[(size, BASELINE, "save")], figures[(size, BASELINE, "load")]
        for row in OPERATION_ROWS:
            save = figures.get((size, row, "save"), figures.get((size, "iron, warm", "save")))
            load = figures.get((size, row, "load"))
            if load is None or save is None:
                continue
            if row == "iron, cold":
                row += " (save as warm)"
            yield (
                f"  {row:38} {save:7.1f} {load:7.1f}   "
                f"{ratio(base_save, save):5.2f} / {ratio(base_load, load):5.2f}"
            )


def request_table(figures: dict[Any, float]) -> Iterator[str]:
    yield f"{'whole request (WSGI)':40} {'µs':>7} {'req/s':>7}   vs signed_cookies"
    for size in SESSIONS:
        for view in VIEWS:
            yield f"{size} session, {view}"
            yield from request_rows(figures, (size, view), ENGINES)
        yield f"{size} session, {SLIDING} (SESSION_SAVE_EVERY_REQUEST)"
        yield from request_rows(figures, (size, SLIDING), SLIDING_ROWS)


def request_rows(
    figures: dict[Any, float], case: tuple[str, str], names: Iterable[str]
) -> Iterator[str]:
    baseline = figures[(*case, BASELINE)]
    for name in names:
        micros = figures[(*case, name)]
        speed = ratio(baseline, micros)
        yield f"  {name:38} {micros:7.1f} {1e6 / micros:7.0f}   {speed:5.2f}"


def compress_table(figures: dict[Any, float], lengths: dict[Any, int]) -> Iterator[str]:
    yield (
        "COMPRESS off -> on, this engine's SessionStore: cookie characters, save µs, cold load µs"
    )
    yield f"{'JSON bytes':>10} {'cookie':>13} {'save µs':>15} {'load µs':>15}"
    for size in sorted({key[0] for key in lengths}):
        plain, packed = lengths[(size, False)], lengths[(size, True)]
        save = [figures[(COMPRESS, size, compress, "save")] for compress in (False, True)]
        load = [figures[(COMPRESS, size, compress, "load")] for compress in (False, True)]
        yield (
            f"{size:10} {plain:6} {packed:6} {save[0]:7.1f} {save[1]:7.1f} "
            f"{load[0]:7.1f} {load[1]:7.1f}"
        )


def targets(figures: dict[Any, float]) -> Iterator[tuple[str, float, bool]]:
    """The performance targets of the engine, each a ratio from this run."""
    for size in SESSIONS:

        def vs_signed(name: str, kind: str, size: str = size) -> float:
            return ratio(figures[(size, BASELINE, kind)], figures[(size, name, kind)])

        save, cold, warm = (
            vs_signed("iron, warm", "save"),
            vs_signed("iron, cold", "load"),
            vs_signed("iron, warm", "load"),
        )
        yield f"{size}: SessionStore save >= 1.3x signed_cookies", save, save >= 1.3
        yield f"{size}: SessionStore load, cold >= 1.1x", cold, cold >= 1.1
        yield f"{size}: SessionStore load, warm >= 3x", warm, warm >= 3.0
        for kind in ("save", "load"):
            for floor, label in ((FLOOR, "the floor"), (PRIMITIVES, "the C primitives")):
                slower = figures[(size, CORE, kind)] / figures[(size, floor, kind)]
                yield f"{size}: Iron core {kind} within 1.5x of {label}", slower, slower <= 1.5
        for view, name, at_least in (
            ("read+write", "iron, cold", 1.0),
            ("read+write", "iron, warm", 1.05),
            ("read only", "iron, cold", 1.0),
        ):
            value = ratio(figures[(size, view, BASELINE)], figures[(size, view, name)])
            yield f"{size}: request {view}, {name} >= {at_least}x", value, value >= at_least


def measure(seconds: float, rounds: int, clock: Clock) -> tuple[dict[Any, float], dict[Any, int]]:
    """µs per call of every candidate, and the cookie lengths of the COMPRESS table."""
    candidates: dict[Any, Callable[[], object]] = {}
    settings_for: dict[Any, dict[str, Any]] = {}
    for size, data in SESSIONS.items():
        cold_cookies = unseen_cookies(data)
        candidates.update(operation_candidates(size, data, cold_cookies))
        candidates.update(request_candidates(size, data, cold_cookies))
        sliding, sliding_settings = sliding_candidates(size, data, cold_cookies)
        candidates.update(sliding)
        settings_for.update(sliding_settings)
    compressed, compress_settings, lengths = compress_candidates()
    candidates.update(compressed)
    settings_for.update(compress_settings)
    forget_cookies()
    return medians(candidates, seconds, rounds, clock, settings_for), lengths


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.1, help="seconds per figure and round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; median counts")
    parser.add_argument("--wall", action="store_true", help="wall-clock time, not CPU time")
    parser.add_argument("--no-node", action="store_true", help="leave @hapi/iron out")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--library-calls",
        action="store_true",
        help="only whole requests with each routine of speedups.py and with its library call",
    )
    args = parser.parse_args(argv)
    clock = Clock(args.wall)
    if args.library_calls:
        configure()
        out(f"Python {sys.version.split()[0]}, Django {django.get_version()}; {clock.name}")
        out(f"median of {args.rounds} interleaved rounds of {args.seconds} s")
        for line in library_call_table(measure_library_calls(args.seconds, args.rounds, clock)):
            out(line)
        return
    with redis_if_available() as redis:
        configure(redis)
        figures, lengths = measure(args.seconds, args.rounds, clock)
        label = cache_label()
    versions = None
    if not args.no_node:
        node, versions = node_figures(args.seconds * 2, max(3, args.rounds // 2))
        figures.update(node)
    if args.json:
        out(json.dumps({" / ".join(key): value for key, value in figures.items()}, indent=2))
        return
    out(
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, cryptography "
        f"{cryptography.__version__}"
        + (f", Node {versions['node']}, @hapi/iron {versions['@hapi/iron']}" if versions else "")
    )
    out(
        f"{clock.name}; median of {args.rounds} interleaved rounds of {args.seconds} s; "
        f"cache engine on {label}"
    )
    out("")
    for line in operation_table(figures):
        out(line)
    out("")
    for line in request_table(figures):
        out(line)
    out("")
    for line in compress_table(figures, lengths):
        out(line)
    out("")
    out("targets")
    for name, value, met in targets(figures):
        out(f"  {name:56} {value:5.2f}x  {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
