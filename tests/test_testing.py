"""``django_iron_session.testing``: edit_session and the clients whose session saves."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User

from django_iron_session import iron_session
from django_iron_session.testing import (
    AsyncSessionSavingClient,
    SessionSavingClient,
    edit_session,
)
from testing.constants import PASSWORD
from tests.helpers import session_cookie

if TYPE_CHECKING:
    from pathlib import Path

    from django.test import AsyncClient, Client
    from pytest_django import Settings

pytestmark = pytest.mark.usefixtures("cookie_history")


def test_edit_session_puts_a_new_seal_in_the_jar(client: Client) -> None:
    with edit_session(client) as session:
        session["colour"] = "red"

    assert iron_session.unseal_data(session_cookie(client), PASSWORD) == {"colour": "red"}
    assert client.get("/session/").json() == {"colour": "red"}


def test_edit_session_keeps_what_the_cookie_held(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})

    with edit_session(client) as session:
        assert session["colour"] == "red"
        session["size"] = "L"

    assert client.get("/session/").json() == {"colour": "red", "size": "L"}


@pytest.mark.django_db
def test_edit_session_keeps_a_force_login(client: Client) -> None:
    client.force_login(User.objects.create_user("ada"))

    with edit_session(client) as session:
        session["cart"] = [3, 5]

    assert client.get("/whoami/").content == b"ada"
    assert client.get("/session/").json()["cart"] == [3, 5]


def test_a_flushed_session_leaves_no_cookie(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})

    with edit_session(client) as session:
        session.flush()

    assert "sessionid" not in client.cookies
    assert client.get("/session/").json() == {}


def test_an_untouched_empty_session_sets_no_cookie(client: Client) -> None:
    with edit_session(client):
        pass

    assert "sessionid" not in client.cookies


def test_a_cookie_deleted_by_a_response_reads_as_none(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})
    client.get("/session/flush/")  # leaves the cookie in Django's jar, empty

    with edit_session(client) as session:
        assert dict(session) == {}
        session["size"] = "L"

    assert client.get("/session/").json() == {"size": "L"}


def test_a_block_that_raises_leaves_the_jar_as_it_was(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})
    before = session_cookie(client)

    with pytest.raises(LookupError), edit_session(client) as session:  # noqa: PT012
        session["colour"] = "blue"
        session["size"]  # a KeyError, which is a LookupError

    assert session_cookie(client) == before


def test_the_cookie_gets_the_session_cookies_path_and_domain(
    client: Client, settings: Settings
) -> None:
    settings.SESSION_COOKIE_PATH = "/shop/"
    settings.SESSION_COOKIE_DOMAIN = "example.com"

    with edit_session(client) as session:
        session["colour"] = "red"

    morsel = client.cookies["sessionid"]
    assert (morsel["path"], morsel["domain"]) == ("/shop/", "example.com")


def test_edit_session_with_the_async_client(async_client: AsyncClient) -> None:
    with edit_session(async_client) as session:
        session["colour"] = "red"

    response = asyncio.run(async_client.get("/session/"))
    assert response.json() == {"colour": "red"}


def test_djangos_pattern_changes_nothing_with_djangos_client(client: Client) -> None:
    """Why this module exists: the saved seal never reaches the jar."""
    session = client.session
    session["colour"] = "red"
    session.save()

    assert client.get("/session/").json() == {}


def test_djangos_pattern_works_with_the_session_saving_client() -> None:
    client = SessionSavingClient()
    session = client.session
    session["colour"] = "red"
    session.save()

    assert client.get("/session/").json() == {"colour": "red"}
    session = client.session
    session["size"] = "L"
    session.save()
    assert client.get("/session/").json() == {"colour": "red", "size": "L"}


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.file", "django.contrib.sessions.backends.signed_cookies"],
)
def test_the_session_saving_client_reads_and_writes_another_engines_sessions(
    settings: Settings, tmp_path: Path, engine: str
) -> None:
    """What the engine's own store wrote, the client's session reads, and the other way."""
    settings.SESSION_ENGINE = engine
    settings.SESSION_FILE_PATH = str(tmp_path)
    client = SessionSavingClient()
    client.get("/session/write/", {"colour": "red"})

    session = client.session
    assert session["colour"] == "red"
    session["size"] = "L"
    session.save()

    assert client.get("/session/").json() == {"colour": "red", "size": "L"}


@pytest.mark.django_db
def test_the_session_saving_client_logs_in_and_out() -> None:
    User.objects.create_user("ada", password="a long password")
    client = SessionSavingClient()

    assert client.login(username="ada", password="a long password")
    session = client.session
    session["cart"] = [3]
    session.save()

    assert client.get("/whoami/").content == b"ada"
    client.logout()
    assert client.get("/whoami/").content == b""


def test_djangos_async_pattern_works_with_the_async_session_saving_client() -> None:
    client = AsyncSessionSavingClient()

    async def scenario() -> dict[str, str]:
        session = await client.asession()
        await session.aset("colour", "red")
        await session.asave()
        response = await client.get("/session/")
        data: dict[str, str] = response.json()
        return data

    assert asyncio.run(scenario()) == {"colour": "red"}
