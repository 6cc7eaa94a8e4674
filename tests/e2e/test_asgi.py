"""The demo site under ASGI on real servers (uvicorn, daphne): the async views over HTTP, the
session's WebSocket with the ``websockets`` client and in chromium, revocation on Redis."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from django_iron_session import iron_session
from django_iron_session.keyring_file import read_passwords
from testing.components import require_module
from testing.constants import USER_PASSWORD, USERNAME
from testing.load import SessionClient
from testing.redis_server import redis_url, start_redis
from testing.servers import ASGI_SERVERS, ServerProcess, start_site
from tests.e2e.browser import PAGE_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests.e2e.browser import Browser

pytestmark = pytest.mark.server

COOKIE = "sessionid"
LOGGED_IN_KEYS = ["_auth_user_backend", "_auth_user_hash", "_auth_user_id"]
ANONYMOUS: dict[str, Any] = {"user": None, "keys": []}


def serve(env: dict[str, str], log: Path, server: str) -> ServerProcess:
    # daphne is one process; uvicorn gets several, as in production.
    return start_site(env, log, server=server, workers=1 if server == "daphne" else 2)


@pytest.fixture(params=ASGI_SERVERS)
def asgi_site(
    request: pytest.FixtureRequest, site_env: dict[str, str], tmp_path: Path
) -> Iterator[ServerProcess]:
    """testproject's ASGI application under each ASGI server, sessions in the keyring file."""
    with serve(site_env, tmp_path / f"{request.param}.log", request.param) as server:
        yield server


def websocket_message(site: ServerProcess, cookie: str | None, origin: str | None = None) -> Any:
    """The message ``/ws/session/`` sends first to a handshake with ``cookie``, from a page
    of ``origin`` (the site's own unless told)."""
    require_module("websockets", "pip install websockets")
    from websockets.sync.client import connect
    from websockets.typing import Origin

    headers = {} if cookie is None else {"Cookie": f"{COOKIE}={cookie}"}
    url = site.base_url.replace("http://", "ws://") + "/ws/session/"
    with connect(
        url,
        origin=Origin(origin or site.base_url),
        additional_headers=headers,
        open_timeout=PAGE_TIMEOUT,
    ) as socket:
        return json.loads(socket.recv(timeout=PAGE_TIMEOUT))


def log_in(site: ServerProcess, client: SessionClient) -> str:
    """Log ``alice`` in through the async log-in view; her session cookie."""
    form = {"username": USERNAME, "password": USER_PASSWORD}
    assert client.post(site.base_url, "/async/login/", form).status == 302
    return client.cookies[COOKIE]


def test_the_websocket_sees_what_the_async_views_did(asgi_site: ServerProcess) -> None:
    with SessionClient() as client:
        assert websocket_message(asgi_site, None) == ANONYMOUS
        log_in(asgi_site, client)
        assert client.post(asgi_site.base_url, "/async/counter/").status == 302

        assert websocket_message(asgi_site, client.cookies[COOKIE]) == {
            "user": USERNAME,
            "keys": [*LOGGED_IN_KEYS, "counter"],
        }
        assert client.post(asgi_site.base_url, "/async/logout/").status == 302
        assert COOKIE not in client.cookies
        assert client.session_facts(asgi_site.base_url)["user_id"] is None

    assert "Traceback" not in asgi_site.log.read_text()


def tampered(cookie: str, keyring_file: Path) -> str:
    middle = len(cookie) // 2
    return cookie[:middle] + ("A" if cookie[middle] != "A" else "B") + cookie[middle + 1 :]


def expired(cookie: str, keyring_file: Path) -> str:
    passwords = read_passwords(keyring_file)
    return iron_session.seal_data(
        iron_session.unseal_data(cookie, passwords), passwords, ttl=60, now=1e9
    )


def another_sites(cookie: str, keyring_file: Path) -> str:
    passwords = read_passwords(keyring_file)
    other = {id: f"another site's password {id} of 32 characters" for id in passwords}
    return iron_session.seal_data(iron_session.unseal_data(cookie, passwords), other)


@pytest.mark.parametrize(
    ("spoil", "logged"),
    [
        (tampered, ["Session cookie rejected: invalid ("]),
        # An expired cookie is routine: logged at DEBUG, which the site does not print.
        (expired, []),
        (another_sites, ["Session cookie rejected: invalid ("]),
    ],
)
def test_a_spoiled_cookie_gives_the_websocket_an_empty_session_and_one_log_line(
    asgi_site: ServerProcess,
    keyring_file: Path,
    spoil: Callable[[str, Path], str],
    logged: list[str],
) -> None:
    with SessionClient() as client:
        cookie = spoil(log_in(asgi_site, client), keyring_file)

    assert websocket_message(asgi_site, cookie) == ANONYMOUS

    log = asgi_site.log.read_text()
    rejections = [line for line in log.splitlines() if "rejected" in line]
    assert len(rejections) == len(logged)
    assert all(line.startswith(start) for line, start in zip(rejections, logged, strict=True))
    assert "Traceback" not in log
    assert "ERROR" not in log
    assert cookie not in log


def test_a_page_of_another_site_cannot_open_the_websocket(asgi_site: ServerProcess) -> None:
    # Otherwise any page the user visits could read their session over the WebSocket.
    require_module("websockets", "pip install websockets")
    from websockets.exceptions import InvalidStatus

    with SessionClient() as client:
        cookie = log_in(asgi_site, client)

    with pytest.raises(InvalidStatus) as refused:
        websocket_message(asgi_site, cookie, origin="http://evil.test")

    assert refused.value.response.status_code == 403


# --- in chromium ------------------------------------------------------------------------


def shown_by_the_websocket(browser: Browser) -> Any:
    """What the session page shows of its WebSocket's message, once it came."""
    deadline = time.monotonic() + PAGE_TIMEOUT
    while (text := browser.text("websocket")) == "connecting…":
        if time.monotonic() > deadline:
            raise TimeoutError("the page's WebSocket said nothing")
        time.sleep(0.05)
    return json.loads(text)


@pytest.fixture
def uvicorn_site(site_env: dict[str, str], tmp_path: Path) -> Iterator[ServerProcess]:
    with serve(site_env, tmp_path / "uvicorn.log", "uvicorn") as server:
        yield server


@pytest.mark.browser
def test_in_chromium_the_pages_websocket_shows_the_log_in_made_with_the_form(
    uvicorn_site: ServerProcess, browser: Browser
) -> None:
    base_url = uvicorn_site.base_url
    browser.open(f"{base_url}/")
    assert shown_by_the_websocket(browser) == ANONYMOUS

    browser.driver.find_element("link text", "Log in").click()
    assert browser.driver.current_url == f"{base_url}/async/login/"
    browser.fill_and_submit(
        browser.driver.current_url, {"username": USERNAME, "password": USER_PASSWORD}
    )
    assert shown_by_the_websocket(browser) == {"user": USERNAME, "keys": LOGGED_IN_KEYS}

    browser.click("increment")
    assert shown_by_the_websocket(browser)["keys"] == [*LOGGED_IN_KEYS, "counter"]
    assert browser.text("counter") == "1"

    browser.click("logout")
    assert shown_by_the_websocket(browser) == ANONYMOUS
    assert "Traceback" not in uvicorn_site.log.read_text()


@pytest.mark.browser
def test_with_revocation_on_redis_a_log_out_closes_the_session_for_the_websocket(
    site_env: dict[str, str], tmp_path: Path, browser: Browser
) -> None:
    with (
        start_redis(tmp_path) as redis,
        serve(
            {**site_env, "REVOCATION_REDIS_URL": redis_url(redis)}, tmp_path / "site.log", "uvicorn"
        ) as site,
    ):
        browser.fill_and_submit(
            f"{site.base_url}/async/login/", {"username": USERNAME, "password": USER_PASSWORD}
        )
        # What another tab of a browser sharing the cookie, or a copy of it, would bring.
        copy = browser.session_cookie_value()
        assert websocket_message(site, copy)["user"] == USERNAME

        browser.click("logout")  # the async log-out: aflush, then the cache's aset

        assert shown_by_the_websocket(browser) == ANONYMOUS
        assert websocket_message(site, copy) == ANONYMOUS
        log = site.log.read_text()
        assert "Session cookie rejected: revoked (logged out)" in log
        assert "Traceback" not in log
