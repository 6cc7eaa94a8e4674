"""A WebSocket's session under Channels' middleware: read it, and a write is an error.

Channels' ``WebsocketCommunicator`` drives the ASGI stack in this process; tests/e2e runs
the demo site's WebSocket on real servers.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.auth import AuthMiddlewareStack, login, logout
from channels.sessions import SessionMiddlewareStack
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.contrib.sessions.backends import signed_cookies

from django_iron_session.backend import SessionReadOnlyError, SessionStore
from django_iron_session.websocket import ReadOnlySessionMiddleware
from testing.constants import PASSWORD

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from pytest_django import Settings

    from django_iron_session.websocket import ASGIApp, Message, Receive, Scope, Send

    Action = Callable[[Scope], Awaitable[object]]

T = TypeVar("T")

# Channels' login(), logout() and AuthMiddleware run in database_sync_to_async, which closes
# old connections around each call: after a test that opened the database in this thread,
# that touches the connection even when nothing is queried.
# Each test twice: with every cookie already in the known-cookies table, and with none.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_history")]


def cookie_for(data: dict[str, Any]) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    assert store.session_key is not None
    return store.session_key


def consumer(action: Action) -> ASGIApp:
    """Accepts, does ``action`` with the scope, then sends the session's sorted keys."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await action(scope)
        keys = sorted(await scope["session"].akeys())
        await send({"type": "websocket.send", "text": json.dumps(keys)})
        await send({"type": "websocket.close"})

    return app


# Seconds to wait for the application to answer. Channels' default, 1, was too short for a
# log-out on a loaded CI machine; an application that fails is not waited for.
ANSWER_TIMEOUT = 30


async def unless_the_application_fails(
    communicator: WebsocketCommunicator, step: Awaitable[T]
) -> T:
    """What ``step`` returns or, as soon as the application stops with an error, that error
    (the communicator alone would only find it once ``step`` timed out)."""
    waiting = asyncio.ensure_future(step)
    await asyncio.wait([waiting, communicator.future], return_when=asyncio.FIRST_COMPLETED)
    if not waiting.done() and communicator.future.exception() is not None:
        waiting.cancel()
        communicator.future.result()
    return await waiting


def connect(application: ASGIApp, cookie: str | None) -> Any:
    """What ``application`` sends first on a WebSocket that brings ``cookie``."""

    async def scenario() -> Any:
        headers = [] if cookie is None else [(b"cookie", f"sessionid={cookie}".encode())]
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        try:
            connected, _ = await unless_the_application_fails(
                communicator, communicator.connect(timeout=ANSWER_TIMEOUT)
            )
            assert connected
            return await unless_the_application_fails(
                communicator, communicator.receive_json_from(timeout=ANSWER_TIMEOUT)
            )
        finally:
            await communicator.disconnect()

    return async_to_sync(scenario)()


def guarded(action: Action) -> ASGIApp:
    application: ASGIApp = AuthMiddlewareStack(ReadOnlySessionMiddleware(consumer(action)))
    return application


async def read_only(scope: Scope) -> None:
    assert await scope["session"].aget("colour") == "red"


async def write_and_asave(scope: Scope) -> None:
    await scope["session"].aset("size", "large")
    await scope["session"].asave()


async def write_and_save(scope: Scope) -> None:
    scope["session"]["size"] = "large"
    await sync_to_async(scope["session"].save)()


async def cycle_key(scope: Scope) -> None:
    await scope["session"].acycle_key()


async def channels_login(scope: Scope) -> None:
    await login(scope, User(pk=1, username="ada"), backend="django.contrib.auth.backends.Backend")


async def aflush(scope: Scope) -> None:
    await scope["session"].aflush()


async def channels_logout(scope: Scope) -> None:
    await logout(scope)


def test_without_the_middleware_a_consumers_save_is_lost_without_a_word() -> None:
    # What Channels alone does with this engine: no error, and no Set-Cookie on a WebSocket.
    cookie = cookie_for({"colour": "red"})
    application = SessionMiddlewareStack(consumer(write_and_asave))

    assert connect(application, cookie) == ["colour", "size"]
    # The browser still has the cookie it had: the next connection finds the session unchanged.
    assert connect(SessionMiddlewareStack(consumer(read_only)), cookie) == ["colour"]


def test_a_websocket_reads_the_session() -> None:
    cookie = cookie_for({"colour": "red", "size": "large"})

    assert connect(guarded(read_only), cookie) == ["colour", "size"]


@pytest.mark.parametrize(
    ("action", "what"),
    [
        (write_and_asave, "save()"),
        (write_and_save, "save()"),
        (cycle_key, "cycle_key()"),
        (channels_login, "cycle_key()"),
        (aflush, "flush()"),
        (channels_logout, "flush()"),
    ],
)
def test_a_websocket_that_writes_the_session_gets_an_error_that_says_why(
    action: Action, what: str
) -> None:
    cookie = cookie_for({"colour": "red"})

    with pytest.raises(SessionReadOnlyError, match="HTTP request") as raised:
        connect(guarded(action), cookie)

    assert what in str(raised.value)
    assert connect(guarded(read_only), cookie) == ["colour"]


def test_with_a_revocation_cache_logging_out_in_a_websocket_revokes_the_session(
    settings: Settings,
) -> None:
    settings.CACHES = {
        "revocation": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        }
    }
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REVOCATION_CACHE": "revocation"}
    cookie = cookie_for({"colour": "red"})
    assert connect(guarded(read_only), cookie) == ["colour"]

    assert connect(guarded(channels_logout), cookie) == []

    assert SessionStore(cookie).load() == {}


def test_other_engines_keep_what_a_consumer_saves(settings: Settings) -> None:
    # Their sessions live on the server, or are theirs to guard.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    store = signed_cookies.SessionStore()
    store["colour"] = "red"
    store.save()

    assert connect(guarded(write_and_asave), store.session_key) == ["colour", "size"]


@pytest.mark.django_db(transaction=True)
def test_the_user_is_found_from_the_cookie() -> None:
    ada = User.objects.create_user("ada")
    store = SessionStore()
    store.update(
        {
            "_auth_user_id": str(ada.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": ada.get_session_auth_hash(),
        }
    )
    store.save()

    async def username(scope: Scope) -> None:
        assert scope["user"].get_username() == "ada"

    assert connect(guarded(username), store.session_key) == [
        "_auth_user_backend",
        "_auth_user_hash",
        "_auth_user_id",
    ]


def test_http_passes_as_it_is() -> None:
    seen: list[Scope] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def nothing() -> Message:
        raise AssertionError("not called")

    async def ignore(message: Message) -> None:
        raise AssertionError("not called")

    scope: Scope = {"type": "http", "session": SessionStore()}
    async_to_sync(ReadOnlySessionMiddleware(inner))(scope, nothing, ignore)

    assert seen == [scope]
    scope["session"].save()  # still writable: Django's or Channels' middleware sends it


def test_outside_a_session_middleware_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="inside Channels' AuthMiddlewareStack"):
        connect(ReadOnlySessionMiddleware(consumer(read_only)), None)
