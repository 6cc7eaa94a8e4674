"""Requests per second through Django's SessionMiddleware, this engine against Django's own.

Each request is a whole WSGI call into Django (handler, URL resolving, SessionMiddleware,
a view, the response) that either reads the session or reads it and changes one key (so
the session is saved and, for the cookie engines, re-sealed). Every engine runs in the
same process on the same data, timed in CPU seconds so that other load on the machine
skews the ratios less; rounds are interleaved and the best round counts. "iron, cold" is
this engine with no cookie known in advance (see known_cookies.py).

    .venv/bin/python benchmarks/session_bench.py [--seconds 1] [--rounds 7]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from importlib import import_module
from typing import TYPE_CHECKING, Any

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: this engine with its known cookies forgotten before every request: what a worker sees
#: when the previous response came from another worker (or on a first visit)
COLD = "iron, cold"
ENGINES = {
    "iron": "django_iron_session.backend",
    COLD: "django_iron_session.backend",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
    "cache (locmem)": "django.contrib.sessions.backends.cache",
    "db (SQLite memory)": "django.contrib.sessions.backends.db",
}
BASELINE = "signed_cookies"
COOKIE_NAME = "sessionid"
#: requests between two looks at the clock
BATCH = 20

#: what django.contrib.auth and a typical app keep in a session: about 250 bytes of JSON
TYPICAL_SESSION: dict[str, Any] = {
    "_auth_user_id": "48213",
    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
    "_auth_user_hash": "9f2c1b7e4d0a8c6f3e5b2d1a0c9e8f7b6a5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
    "cart_id": 1734,
    "locale": "en-gb",
    "count": 0,
}
#: the same with a 3 KB list of recently viewed products
LARGE_SESSION: dict[str, Any] = {
    **TYPICAL_SESSION,
    "recently_viewed": [
        {"id": 100000 + n, "slug": f"product-number-{n:04d}", "seen": 1764200000 + n}
        for n in range(44)
    ],
}


def read_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.session.get("_auth_user_id", ""))


def write_view(request: HttpRequest) -> HttpResponse:
    request.session["count"] = request.session.get("count", 0) + 1
    return HttpResponse(request.session.get("_auth_user_id", ""))


urlpatterns = [path("read", read_view), path("write", write_view)]


def configure() -> None:
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
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_SERIALIZER="django.contrib.sessions.serializers.JSONSerializer",
        # The 3 KB session seals to about 4.3 KB: over what browsers keep, so the size
        # guard is raised here to measure the cost of the work itself.
        IRON_SESSION={
            "PASSWORD": "benchmark-only-password-of-at-least-32-characters",
            "COOKIE_SIZE_LIMIT": 16384,
        },
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "sessions", verbosity=0)


def handler_for(name: str) -> Callable[..., Any]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    from django_iron_session.known_cookies import known_cookies

    with override_settings(SESSION_ENGINE=ENGINES[name]):
        handler = WSGIHandler()  # SessionMiddleware picks its engine up here
    if name != COLD:
        return handler

    def cold(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        known_cookies.clear()
        return handler(environ, start_response)

    return cold


def first_cookie(engine: str, data: dict[str, Any]) -> str:
    store = import_module(engine).SessionStore()
    store.update(data)
    store.save()
    return str(store.session_key)


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


def run(handler: Any, path: str, cookie: str, seconds: float) -> tuple[float, str]:
    """Requests per CPU second for about ``seconds`` of this process's CPU time, and the
    cookie the last response left (the browser's part)."""
    status: list[str] = []
    headers_seen: list[list[tuple[str, str]]] = []

    def start_response(code: str, headers: list[tuple[str, str]]) -> None:
        status.append(code)
        headers_seen.append(headers)

    prefix = f"{COOKIE_NAME}="
    requests = 0
    # CPU time, not wall time: other processes on the machine then do not skew the ratios.
    started = time.process_time()
    while (elapsed := time.process_time() - started) < seconds:
        for _ in range(BATCH):
            headers_seen.clear()
            handler(environ(path, cookie), start_response)
            for name, value in headers_seen[0]:
                if name == "Set-Cookie" and value.startswith(prefix):
                    cookie = value[len(prefix) : value.index(";")]
        requests += BATCH
    if set(status) != {"200 OK"}:
        raise SystemExit(f"{path}: unexpected responses {set(status)}")
    return requests / elapsed, cookie


def measure(seconds: float, rounds: int) -> dict[tuple[str, str, str], float]:
    sessions = {"~250 B": TYPICAL_SESSION, "3 KB": LARGE_SESSION}
    handlers = {name: handler_for(name) for name in ENGINES}
    best: dict[tuple[str, str, str], float] = {}
    for size, data in sessions.items():
        cookies = {name: first_cookie(engine, data) for name, engine in ENGINES.items()}
        for view in ("write", "read"):
            for _ in range(rounds):
                for name, handler in handlers.items():
                    rate, cookies[name] = run(handler, f"/{view}", cookies[name], seconds)
                    key = (size, view, name)
                    best[key] = max(best.get(key, 0.0), rate)
    return best


def table(best: dict[tuple[str, str, str], float]) -> Iterable[str]:
    yield (
        f"{'session':8} {'request':11} {'engine':18} {'req/s':>8} {'vs ' + BASELINE:>18} "
        f"{'iron vs it':>11} {'cold vs it':>11}"
    )
    for size in ("~250 B", "3 KB"):
        for view, label in (("write", "read+write"), ("read", "read only")):
            iron, cold = best[(size, view, "iron")], best[(size, view, COLD)]
            baseline = best[(size, view, BASELINE)]
            for name in ENGINES:
                rate = best[(size, view, name)]
                yield (
                    f"{size:8} {label:11} {name:18} {rate:8.0f} {rate / baseline:17.2f}x "
                    f"{iron / rate:10.2f}x {cold / rate:10.2f}x"
                )
            yield ""


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=1.0, help="CPU seconds per engine and round"
    )
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; best counts")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    configure()
    best = measure(args.seconds, args.rounds)
    if args.json:
        out(json.dumps({" / ".join(key): rate for key, rate in best.items()}, indent=2))
        return
    out(
        f"Django {django.get_version()}, Python {sys.version.split()[0]}, "
        f"{args.seconds} CPU s x {args.rounds} rounds per figure, best round"
    )
    for line in table(best):
        out(line)


if __name__ == "__main__":
    main()
