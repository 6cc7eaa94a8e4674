"""No log line, from any logger, holds a session cookie or a piece of it.

``session_key`` is the cookie itself, a bearer credential: whoever reads it in a log can
replay the session. Every path that refuses a cookie, or logs anything about one, runs here
with every logger at DEBUG, and each line is scanned for the cookie and its secret fields.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.core import signing

from django_iron_session import iron_session
from django_iron_session.revocation import revoke_user_sessions
from testing.constants import PASSWORD
from testing.servers import free_port
from tests.helpers import session_cookie

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.test import Client
    from pytest_django import Settings

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"

# Each test twice: with every cookie already in the known-cookies table, and with none.
pytestmark = pytest.mark.usefixtures("cookie_history")


def with_revocation(settings: Settings, *, reachable: bool = True, down: str = "refuse") -> None:
    cache = (
        {"BACKEND": LOCMEM, "LOCATION": str(uuid.uuid4())}
        if reachable
        else {"BACKEND": REDIS, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    )
    settings.CACHES = {"default": {"BACKEND": LOCMEM}, "revocation": cache}
    settings.IRON_SESSION = {
        "PASSWORD": PASSWORD,
        "REVOCATION_CACHE": "revocation",
        "REVOCATION_CACHE_DOWN": down,
    }


def a_session(client: Client) -> str:
    client.get("/session/write/", {"colour": "red"})
    return session_cookie(client)


def tampered(client: Client, settings: Settings) -> tuple[str, str]:
    parts = a_session(client).split("*")
    parts[4] = ("A" if parts[4][0] != "A" else "B") + parts[4][1:]
    return "*".join(parts), "/session/"


def expired(client: Client, settings: Settings) -> tuple[str, str]:
    return iron_session.seal_data(
        {"colour": "red"}, PASSWORD, ttl=1, now=time.time() - 60
    ), "/session/"


def truncated(client: Client, settings: Settings) -> tuple[str, str]:
    cookie = a_session(client)
    return cookie[: len(cookie) // 2], "/session/"


def other_password(client: Client, settings: Settings) -> tuple[str, str]:
    cookie = iron_session.seal_data({"colour": "red"}, "another-site's-password-of-32-characters")
    return cookie, "/session/"


def not_a_dict(client: Client, settings: Settings) -> tuple[str, str]:
    return iron_session.seal_data(["colour"], PASSWORD), "/session/"


def unknown_password_id(client: Client, settings: Settings) -> tuple[str, str]:
    return iron_session.seal_data({"colour": "red"}, {9: PASSWORD}), "/session/"


def another_engines_cookie(client: Client, settings: Settings) -> tuple[str, str]:
    return signing.dumps({"colour": "red"}, compress=True), "/session/"


def logged_out(client: Client, settings: Settings) -> tuple[str, str]:
    with_revocation(settings)
    cookie = a_session(client)
    client.get("/session/flush/")
    return cookie, "/session/"


def user_revoked(client: Client, settings: Settings) -> tuple[str, str]:
    with_revocation(settings)
    ada = User.objects.create_user("ada")
    client.force_login(ada)
    revoke_user_sessions(ada)
    return session_cookie(client), "/whoami/"


def cache_down_refusing(client: Client, settings: Settings) -> tuple[str, str]:
    with_revocation(settings)
    cookie = a_session(client)
    with_revocation(settings, reachable=False)
    return cookie, "/session/"


def cache_down_accepting(client: Client, settings: Settings) -> tuple[str, str]:
    with_revocation(settings)
    cookie = a_session(client)
    with_revocation(settings, reachable=False, down="accept")
    return cookie, "/session/"


def log_out_not_recorded(client: Client, settings: Settings) -> tuple[str, str]:
    with_revocation(settings)
    cookie = a_session(client)
    with_revocation(settings, reachable=False)
    return cookie, "/session/flush/"


PATHS: list[Callable[[Client, Settings], tuple[str, str]]] = [
    tampered,
    expired,
    truncated,
    other_password,
    not_a_dict,
    unknown_password_id,
    another_engines_cookie,
    logged_out,
    user_revoked,
    cache_down_refusing,
    cache_down_accepting,
    log_out_not_recorded,
]


def pieces_of(cookie: str) -> set[str]:
    """The cookie, and every 16 characters (at steps of 8) of each field long enough to be a
    salt, an IV, a ciphertext or a MAC: so any 24 characters of one of them is caught."""
    fields = [field for field in cookie.removesuffix("~2").split("*") if len(field) >= 16]
    return {cookie} | {
        field[start : start + 16] for field in fields for start in range(0, len(field) - 15, 8)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("refusal", PATHS, ids=lambda refusal: refusal.__name__)
def test_no_log_line_holds_the_cookie(
    client: Client,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    refusal: Callable[[Client, Settings], tuple[str, str]],
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, Django's, redis-py's
    cookie, path = refusal(client, settings)
    caplog.clear()
    client.cookies["sessionid"] = cookie

    response = client.get(path)

    assert response.status_code == 200
    assert caplog.records, "this path logs nothing: it is not the path meant"
    lines = [caplog.handler.format(record) for record in caplog.records]
    leaks = [piece for piece in pieces_of(cookie) for line in lines if piece in line]
    assert not leaks
