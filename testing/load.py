"""Load on a real server: users, each with its own cookies on a keep-alive connection,
sending requests one after the other and checking every answer, for the load tests and
``benchmarks/load_bench.py``.

Every request reads and writes the session (``POST /counter/``, or its async twin
``/async/counter/`` under ASGI); at the end each user checks that its counter equals the
number of requests it made (no lost update).
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from testing.paths import REPO_DIR
from testing.servers import (
    ASGI_SERVERS,
    ServerProcess,
    environment_for_site,
    migrate,
    new_password,
    start_site,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

ENGINES = {
    "iron": "django_iron_session.backend",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
    "db": "django.contrib.sessions.backends.db",
}
CSRF_COOKIE = "csrftoken"


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


class SessionClient:
    """One user: its cookies (shared by every server of 127.0.0.1, as in a browser) and one
    keep-alive connection per server."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self._connections: dict[str, http.client.HTTPConnection] = {}

    def get(self, base_url: str, path: str) -> Response:
        return self._request("GET", base_url, path)

    def post(self, base_url: str, path: str, form: dict[str, str] | None = None) -> Response:
        """A form post with the CSRF token a page gave, as the demo site's forms send it."""
        if CSRF_COOKIE not in self.cookies:
            self.get(base_url, "/")
        body = urlencode({**(form or {}), "csrfmiddlewaretoken": self.cookies[CSRF_COOKIE]})
        return self._request("POST", base_url, path, body)

    def log_in(self, base_url: str, username: str, password: str) -> None:
        response = self.post(base_url, "/login/", {"username": username, "password": password})
        if response.status != 302:
            raise RuntimeError(f"log-in failed with status {response.status}")

    def session_facts(self, base_url: str) -> dict[str, Any]:
        """What ``/session.json`` says: the session, the user id."""
        facts: dict[str, Any] = json.loads(self.get(base_url, "/session.json").body)
        return facts

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def __enter__(self) -> SessionClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(self, method: str, base_url: str, path: str, body: str | None = None) -> Response:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reused = base_url in self._connections
        try:
            response, content = self._exchange(base_url, method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            # The server closed the idle keep-alive connection before reading this request
            # (gunicorn keeps one 2 s): it was not processed, so send it again on a new one.
            response, content = self._exchange(base_url, method, path, body, headers)
        for header in response.msg.get_all("Set-Cookie") or []:
            self._keep(header)
        return Response(response.status, content)

    def _exchange(
        self, base_url: str, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        connection = self._connections.get(base_url)
        if connection is None:
            address = urlsplit(base_url)
            connection = http.client.HTTPConnection(
                address.hostname or "", address.port, timeout=30
            )
            self._connections[base_url] = connection
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response, response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            del self._connections[base_url]
            raise

    def _keep(self, set_cookie: str) -> None:
        for name, morsel in SimpleCookie(set_cookie).items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


@dataclass
class UserRun:
    """What one user did: its request latencies and what went wrong."""

    latencies: list[float] = field(default_factory=list)
    #: what went wrong ("status 500", "ConnectionResetError"), how many times
    errors: Counter[str] = field(default_factory=Counter)
    lost_updates: int = 0


def counter_path(server: str) -> str:
    """The counter view users post to: the async twin under an ASGI server."""
    return "/async/counter/" if server in ASGI_SERVERS else "/counter/"


def one_user(
    base_urls: Sequence[str],
    stop: Callable[[], bool],
    path: str = "/counter/",
    *,
    reconnect: bool = False,
    at_random: bool = False,
) -> UserRun:
    """Increments its counter (posting to ``path``) until ``stop()``, sending request i to
    ``base_urls[i % n]`` (to any of them ``at_random``), then checks the counter on the first
    server. ``reconnect``: a new connection for each request, so that each may land on
    another worker of the server."""
    client = SessionClient()
    run = UserRun()
    sent = 0
    try:
        while not stop():
            # random: a load pattern, not a secret (S311)
            index = random.randrange(len(base_urls)) if at_random else sent  # noqa: S311
            base_url = base_urls[index % len(base_urls)]
            started = time.perf_counter()
            try:
                status = client.post(base_url, path).status
                if status != 302:
                    run.errors[f"status {status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                run.errors[type(error).__name__] += 1
            run.latencies.append(time.perf_counter() - started)
            sent += 1
            if reconnect:
                client.close()
        counter = client.session_facts(base_urls[0])["session"].get("counter", 0)
        run.lost_updates = sent - run.errors.total() - counter
    finally:
        client.close()
    return run


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: Counter[str]
    lost_updates: int
    seconds: float
    latencies: list[float]

    @classmethod
    def total(cls, results: Sequence[LoadResult]) -> LoadResult:
        return cls(
            requests=sum(result.requests for result in results),
            errors=sum((result.errors for result in results), Counter()),
            lost_updates=sum(result.lost_updates for result in results),
            seconds=sum(result.seconds for result in results),
            latencies=[latency for result in results for latency in result.latencies],
        )

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, percent: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1] * 1000


def run_load(
    base_urls: Sequence[str],
    seconds: float,
    users: int,
    *,
    until: threading.Event | None = None,
    path: str = "/counter/",
    reconnect: bool = False,
    at_random: bool = False,
) -> LoadResult:
    """``users`` users at once, each posting to ``path`` one request after the other, for
    ``seconds`` or until ``until`` is set; ``at_random``: each request to any server."""
    runs: list[UserRun] = []
    started = time.monotonic()
    stop_at = started + seconds

    def stop() -> bool:
        return time.monotonic() >= stop_at or (until is not None and until.is_set())

    def user() -> None:
        runs.append(one_user(base_urls, stop, path, reconnect=reconnect, at_random=at_random))

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = sum((run.errors for run in runs), Counter[str]())
    if len(runs) < users:
        errors["user stopped by an exception"] += users - len(runs)
    return LoadResult(
        requests=sum(len(run.latencies) for run in runs),
        errors=errors,
        lost_updates=sum(run.lost_updates for run in runs),
        seconds=time.monotonic() - started,
        latencies=[latency for run in runs for latency in run.latencies],
    )


@contextmanager
def serve(
    engine: str, directory: Path, *, server: str = "gunicorn", workers: int = 2
) -> Iterator[ServerProcess]:
    """testproject under ``server`` (``workers`` processes) with ``ENGINES[engine]`` as
    SESSION_ENGINE and a fresh database."""
    name = f"{engine}-{server}"
    env = environment_for_site(
        directory / f"{name}.sqlite3",
        IRON_SESSION_PASSWORD=new_password(),
        DJANGO_SETTINGS_MODULE="testing.load_settings",
        LOAD_SESSION_ENGINE=ENGINES[engine],
        PYTHONPATH=str(REPO_DIR),
    )
    migrate(env)
    with start_site(env, directory / f"{name}.log", server=server, workers=workers) as site:
        yield site
