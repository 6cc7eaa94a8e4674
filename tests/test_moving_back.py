"""``django_iron_session.back_to``'s engines: sealed sessions moved back to a server-side store."""

from __future__ import annotations

import asyncio
from importlib import import_module
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from tests.helpers import our_ids, session_cookie

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_django import Settings

IRON = "django_iron_session.backend"
ENGINES = ["db", "cached_db", "cache", "file"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_history")]


def move_back(settings: Settings, engine: str) -> str:
    settings.SESSION_ENGINE = f"django_iron_session.back_to.{engine}"
    return f"django.contrib.sessions.backends.{engine}"


def restarted(client: Client) -> Client:
    """The same browser on the restarted site: a client keeps the middleware it started with."""
    new = Client()
    new.cookies = client.cookies
    return new


def held_by(engine: str, key: str) -> dict[str, Any]:
    data: dict[str, Any] = import_module(engine).SessionStore(key).load()
    return data


@pytest.fixture(autouse=True)
def session_files(settings: Settings, tmp_path: Path) -> None:
    settings.SESSION_FILE_PATH = str(tmp_path)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_sealed_session_is_kept_in_the_engine_moved_back_to(
    client: Client, settings: Settings, engine: str
) -> None:
    client.get("/session/write/", {"cart": "3,5"})
    old = move_back(settings, engine)
    client = restarted(client)

    assert client.get("/session/").json() == {"cart": "3,5"}

    key = session_cookie(client)
    assert not key.startswith("Fe26.2*")
    assert held_by(old, key) == {"cart": "3,5"}
    assert client.get("/session/write/", {"size": "L"}).json() == {"cart": "3,5", "size": "L"}
    assert session_cookie(client) == key


def test_a_logged_in_user_stays_logged_in(client: Client, settings: Settings) -> None:
    client.force_login(User.objects.create_user("ada"))
    move_back(settings, "db")

    assert client.get("/whoami/").content == b"ada"
    assert Session.objects.filter(session_key=session_cookie(client)).exists()
    assert client.get("/whoami/").content == b"ada"


def test_the_sealed_expiry_is_kept(client: Client, settings: Settings) -> None:
    client.get("/session/write/", {"expiry": "300"})
    old = move_back(settings, "db")
    client = restarted(client)

    client.get("/session/")

    store = import_module(old).SessionStore(session_cookie(client))
    assert 295 <= store.get_expiry_age() <= 300


def test_a_bad_seal_is_refused_and_saves_nothing(
    client: Client, settings: Settings, refused_reasons: list[str]
) -> None:
    move_back(settings, "db")
    client.cookies["sessionid"] = "Fe26.2*1*tampered"

    assert client.get("/session/").json() == {}

    assert refused_reasons == ["invalid"]
    assert not Session.objects.exists()


def test_the_engines_own_sessions_work_as_before(client: Client, settings: Settings) -> None:
    move_back(settings, "db")

    client.get("/session/write/", {"cart": "3"})

    assert client.get("/session/").json() == {"cart": "3"}
    assert Session.objects.count() == 1


def test_the_async_api_moves_a_seal_back(client: Client, settings: Settings) -> None:
    client.get("/session/write/", {"cart": "3"})
    seal = session_cookie(client)
    old = move_back(settings, "cache")
    store = import_module(settings.SESSION_ENGINE).SessionStore(seal)

    async def scenario() -> str | None:
        assert dict(await store.aitems()) == {"cart": "3"}
        await store.asave()
        key: str | None = store.session_key
        return key

    key = asyncio.run(scenario())

    assert key is not None
    assert held_by(old, key) == {"cart": "3"}


def test_the_async_api_passes_other_cookies_to_the_engine(settings: Settings) -> None:
    old = import_module(move_back(settings, "cache")).SessionStore()
    old["cart"] = "3"
    old.save()
    store = import_module(settings.SESSION_ENGINE).SessionStore(old.session_key)

    assert asyncio.run(store.aload()) == {"cart": "3"}


def test_iron_session_is_checked_while_moving_back(settings: Settings) -> None:
    move_back(settings, "db")

    assert our_ids() == []
    assert our_ids(deploy=True) == []
    del settings.IRON_SESSION
    assert our_ids() == ["E001"]


def test_a_rolling_switch_keeps_the_session_whichever_engine_answers(
    client: Client, settings: Settings
) -> None:
    """While some processes run back_to.db and the others this engine with MIGRATE_FROM, a
    session goes back and forth between a row and a seal, and is never lost."""
    settings.IRON_SESSION = {
        **settings.IRON_SESSION,
        "MIGRATE_FROM": "django.contrib.sessions.backends.db",
    }
    client.force_login(User.objects.create_user("ada"))  # a seal
    for step, engine in enumerate(["back_to.db", IRON, "back_to.db", "back_to.db", IRON, IRON]):
        settings.SESSION_ENGINE = engine if engine == IRON else f"django_iron_session.{engine}"
        client = restarted(client)

        client.get("/session/write/", {f"step{step}": "done"})

        assert client.get("/whoami/").content == b"ada"
        assert session_cookie(client).startswith("Fe26.2*") is (engine == IRON)
    assert set(client.get("/session/").json()) >= {f"step{step}" for step in range(6)}
    assert not Session.objects.exists()


def test_a_seal_revoked_by_a_log_out_is_not_moved_back(client: Client, settings: Settings) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "revocation": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.IRON_SESSION = {**settings.IRON_SESSION, "REVOCATION_CACHE": "revocation"}
    client.force_login(User.objects.create_user("ada"))
    copy = session_cookie(client)
    client.get("/logout/")  # revokes every copy of the session
    move_back(settings, "db")
    client = restarted(client)
    client.cookies["sessionid"] = copy

    assert client.get("/whoami/").content == b""
    assert not Session.objects.exists()
