"""Revocation beside a Node app that shares the session and does not check it: the Node app of
the tests (node/django-session.mjs over iron-session 8 and 9), plain iron-session re-seals,
Django in this process, the revocation cache on a real redis-server.

SESSION_COOKIE_AGE is 4 seconds, so that log-out entries expire within the test.
"""

from __future__ import annotations

import http.client
import os
import time
import urllib.parse
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from django_iron_session import iron_session
from django_iron_session.revocation import CHECKED_KEY
from testing.constants import PASSWORD
from testing.redis_server import redis_url, start_redis
from testing.servers import ServerProcess, start_node_app
from tests.helpers import session_cookie

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytest_django import Settings

    from tests.interop.node_driver import NodeDriver

pytestmark = [pytest.mark.server, pytest.mark.interop]

AGE = 4


@pytest.fixture(autouse=True)
def revocation_on_redis(settings: Settings, tmp_path: Path) -> Iterator[None]:
    with start_redis(tmp_path) as server:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "revocation": {
                "BACKEND": "django_iron_session.redis_cache.RedisCache",
                "LOCATION": redis_url(server),
            },
        }
        settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REVOCATION_CACHE": "revocation"}
        settings.SESSION_COOKIE_AGE = AGE
        yield


@pytest.fixture(params=[8, 9], ids=["iron-session8", "iron-session9"])
def node_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "PATH": os.environ["PATH"],
        "IRON_SESSION_PASSWORD": PASSWORD,
        "SESSION_COOKIE_AGE": str(AGE),
    }
    with start_node_app(env, tmp_path / "node.log", iron_session_version=request.param) as app:
        yield app


def saved_by_node(app: ServerProcess, cookie: str, note: str) -> Any:
    """The Node app's answer to a form that writes ``note`` in the session and saves it with
    saveHonouringDjangoExpiry: the Set-Cookie it sends (a SimpleCookie morsel)."""
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    try:
        connection.request(
            "POST",
            "/note",
            body=urllib.parse.urlencode({"note": note}),
            headers={
                "Cookie": f"sessionid={cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        assert response.status == 303, response.read()
        jar: SimpleCookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return jar["sessionid"]
    finally:
        connection.close()


def opened_in_django(cookie: str) -> Any:
    client = Client()
    client.cookies["sessionid"] = cookie
    return client.get("/session/").json()


def expiry_of(cookie: str) -> float:
    expires_at = iron_session.open_data(cookie, PASSWORD).expires_at
    assert expires_at is not None
    return expires_at


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def test_a_logged_out_copy_resealed_by_node_never_opens_in_django_again(
    node_app: ServerProcess, node: NodeDriver
) -> None:
    """Issue 17, item 1: the copy re-sealed after the log-out, with a fresh ttl, by the helper
    and by iron-session alone, once the log-out's entry has expired."""
    user = Client()
    user.get("/session/write/", {"colour": "red"})
    copy = session_cookie(user)
    start = time.time()
    user.get("/session/flush/")  # the log-out's entry lives AGE seconds

    sleep_until(start + 2)
    by_helper = saved_by_node(node_app, copy, "revived").value
    data = node.unseal("session9", copy, PASSWORD)
    by_iron_session = node.seal("session9", data, PASSWORD, ttl=AGE)
    # The helper ends the seal when Django would refuse it: AGE after Django's last check.
    checked = data[CHECKED_KEY] / 1_000_000
    assert expiry_of(by_helper) <= checked + AGE + 0.001
    assert expiry_of(by_iron_session) > start + AGE + 1

    sleep_until(start + AGE + 0.5)  # the entry has expired
    assert opened_in_django(by_helper) == {}
    assert opened_in_django(by_iron_session) == {}


def test_a_session_shared_with_node_lives_age_after_djangos_last_seal(
    node_app: ServerProcess, node: NodeDriver
) -> None:
    """A user who stays on the Node side: every Node save keeps the session for Django until
    SESSION_COOKIE_AGE after Django last sealed it, and a Django seal starts that time again.
    Past it, the helper deletes a cookie that iron-session alone re-sealed rather than seal
    what Django would refuse."""
    user = Client()
    user.get("/session/write/", {"colour": "red"})
    first = session_cookie(user)
    start = time.time()
    by_iron_session = node.seal("session9", node.unseal("session9", first, PASSWORD), PASSWORD)

    sleep_until(start + 1)
    by_node = saved_by_node(node_app, first, "on node").value
    assert opened_in_django(by_node) == {"colour": "red", "node_note": "on node"}
    sleep_until(start + 2.5)
    user.cookies["sessionid"] = by_node
    user.get("/session/write/", {"size": "L"})  # Django seals it again
    resealed = session_cookie(user)

    sleep_until(start + AGE + 0.2)
    later = saved_by_node(node_app, resealed, "later")
    assert int(later["max-age"]) > 0
    assert opened_in_django(later.value) == {"colour": "red", "size": "L", "node_note": "later"}
    assert int(saved_by_node(node_app, by_iron_session, "too late")["max-age"]) == 0
