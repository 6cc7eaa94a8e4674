"""``IRON_SESSION["MIGRATE_FROM"]``: another engine's sessions moved into seals, no log-out."""

from __future__ import annotations

import asyncio
import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from django_iron_session import iron_session, revocation
from django_iron_session.backend import SessionStore
from django_iron_session.conf import get_config
from django_iron_session.validation import settings_problems
from testing.constants import PASSWORD
from tests.helpers import Clock, browse, our_ids, our_messages, session_cookie

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase
    from pytest_django import DjangoAssertNumQueries, Settings

DB = "django.contrib.sessions.backends.db"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
CACHE = "django.contrib.sessions.backends.cache"
SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"
FILE = "django.contrib.sessions.backends.file"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_history")]


def migrate_from(settings: Settings, engines: str | list[str]) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "MIGRATE_FROM": engines}


def old_session(engine: str, data: dict[str, Any]) -> SessionBase:
    """A session saved by ``engine``, as the site made it before the switch."""
    store: SessionBase = import_module(engine).SessionStore()
    store.update(data)
    store.save()
    return store


def with_cookie(client: Client, value: str) -> Client:
    client.cookies["sessionid"] = value
    return client


@pytest.mark.parametrize("engine", [DB, CACHED_DB, CACHE, SIGNED_COOKIES, FILE])
def test_a_session_of_the_old_engine_is_kept_and_sealed(
    client: Client, settings: Settings, engine: str, tmp_path: Any
) -> None:
    settings.SESSION_FILE_PATH = str(tmp_path)
    old = old_session(engine, {"cart": [3, 5]})
    migrate_from(settings, engine)

    assert with_cookie(client, str(old.session_key)).get("/session/").json() == {"cart": [3, 5]}

    assert iron_session.unseal_data(session_cookie(client), PASSWORD) == {"cart": [3, 5]}
    assert client.get("/session/").json() == {"cart": [3, 5]}


@pytest.mark.parametrize(("expiry", "age"), [(300, 300), (None, 1209600)])
def test_the_expiry_is_the_one_the_old_engine_would_give_on_a_save(
    client: Client, settings: Settings, clock: Clock, expiry: int | None, age: int
) -> None:
    """A set_expiry() is kept; without one, SESSION_COOKIE_AGE from the move."""
    store: SessionBase = import_module(DB).SessionStore()
    store["cart"] = [3]
    store.set_expiry(expiry)
    store.save()
    migrate_from(settings, DB)

    with_cookie(client, str(store.session_key)).get("/session/")

    expires_at = iron_session.open_data(session_cookie(client), PASSWORD).expires_at
    assert expires_at is not None
    assert expires_at == pytest.approx(clock() + age, abs=0.001)


def test_a_logged_in_user_stays_logged_in(client: Client, settings: Settings) -> None:
    settings.SESSION_ENGINE = DB
    user = User.objects.create_user("ada")
    client.force_login(user)
    settings.SESSION_ENGINE = "django_iron_session.backend"
    migrate_from(settings, DB)

    assert client.get("/whoami/").content == b"ada"
    assert session_cookie(client).startswith("Fe26.2*")
    assert client.get("/whoami/").content == b"ada"


def test_the_old_record_is_deleted_once_sealed(client: Client, settings: Settings) -> None:
    old = old_session(DB, {"cart": [3]})
    migrate_from(settings, DB)

    with_cookie(client, str(old.session_key)).get("/session/")

    assert not Session.objects.exists()
    assert with_cookie(Client(), str(old.session_key)).get("/session/").json() == {}


def test_a_request_that_fails_leaves_the_old_record_to_try_again(
    client: Client, settings: Settings
) -> None:
    old = old_session(DB, {"cart": [3]})
    migrate_from(settings, DB)
    with_cookie(client, str(old.session_key))

    assert client.get("/session/fail/").status_code == 500

    assert Session.objects.filter(session_key=old.session_key).exists()
    assert session_cookie(client) == old.session_key
    assert client.get("/session/").json() == {"cart": [3]}


@pytest.mark.django_db
def test_logging_out_on_the_first_request_deletes_the_old_record(settings: Settings) -> None:
    settings.SESSION_ENGINE = DB
    client = Client()
    client.force_login(User.objects.create_user("ada"))
    settings.SESSION_ENGINE = "django_iron_session.backend"
    migrate_from(settings, DB)

    browse(client, "/logout/")

    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies


def test_with_revocation_a_moved_session_gets_a_lineage(client: Client, settings: Settings) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "revocation": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    old = old_session(DB, {"cart": [3]})
    settings.IRON_SESSION = {
        "PASSWORD": PASSWORD,
        "MIGRATE_FROM": DB,
        "REVOCATION_CACHE": "revocation",
    }

    assert with_cookie(client, str(old.session_key)).get("/session/").json() == {"cart": [3]}

    data, lineage = revocation.split(iron_session.unseal_data(session_cookie(client), PASSWORD))
    assert data == {"cart": [3]}
    assert lineage is not None
    assert client.get("/session/").json() == {"cart": [3]}


def test_each_engine_of_a_list_is_asked_in_order(client: Client, settings: Settings) -> None:
    old = old_session(SIGNED_COOKIES, {"cart": [7]})
    migrate_from(settings, [DB, SIGNED_COOKIES])

    assert with_cookie(client, str(old.session_key)).get("/session/").json() == {"cart": [7]}


def test_a_cookie_no_engine_knows_is_an_empty_session_and_deleted(
    client: Client, settings: Settings, refused_reasons: list[str]
) -> None:
    migrate_from(settings, [DB, SIGNED_COOKIES])

    response = browse(with_cookie(client, "nosuchsession0123456789abcdefgh"), "/session/")

    assert response.json() == {}
    assert "sessionid" not in client.cookies
    assert refused_reasons == ["not-a-seal"]


def test_an_unknown_cookie_costs_the_old_engine_one_query(
    client: Client, settings: Settings, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    migrate_from(settings, DB)
    with_cookie(client, "x" * 5000)

    with django_assert_num_queries(1):
        assert client.get("/session/").json() == {}


def test_a_bad_seal_is_not_looked_up_in_the_old_engine(
    client: Client,
    settings: Settings,
    refused_reasons: list[str],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    migrate_from(settings, DB)
    with_cookie(client, "Fe26.2*1*tampered")

    with django_assert_num_queries(0):
        assert client.get("/session/").json() == {}

    assert refused_reasons == ["invalid"]


def test_without_migrate_from_another_engines_cookie_is_refused(
    client: Client, refused_reasons: list[str]
) -> None:
    old = old_session(DB, {"cart": [3]})

    assert with_cookie(client, str(old.session_key)).get("/session/").json() == {}

    assert refused_reasons == ["not-a-seal"]
    assert Session.objects.exists()


def test_a_store_without_migrate_from_holds_none_of_its_state(settings: Settings) -> None:
    old = old_session(DB, {"cart": [3]})
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}
    store = SessionStore(str(old.session_key))
    assert store.load() == {}
    store["b"] = 2
    store.save()
    store.delete()

    assert store._moving_in is None
    assert "moving" not in " ".join(vars(store))
    assert "MovingIn" not in repr(list(vars(store).values()))


def test_with_migrate_from_a_seal_holds_none_of_its_state(settings: Settings) -> None:
    migrate_from(settings, DB)
    store = SessionStore(iron_session.seal_data({"a": 1}, PASSWORD))
    assert store.load() == {"a": 1}
    store.save()

    assert store._moving_in is None


def test_the_async_api_moves_a_session_in(settings: Settings) -> None:
    old = old_session(CACHE, {"cart": [3]})
    migrate_from(settings, CACHE)

    async def scenario() -> tuple[dict[str, Any], str, dict[str, Any]]:
        store = SessionStore(old.session_key)
        data = dict(await store.aitems())
        await store.asave()
        assert store.session_key is not None
        return (
            data,
            store.session_key,
            await import_module(CACHE).SessionStore(old.session_key).aload(),
        )

    data, seal, left = asyncio.run(scenario())

    assert data == {"cart": [3]}
    assert iron_session.unseal_data(seal, PASSWORD) == {"cart": [3]}
    assert left == {}


def test_the_async_api_deletes_the_old_record_on_flush(settings: Settings) -> None:
    old = old_session(CACHE, {"cart": [3]})
    migrate_from(settings, CACHE)

    async def scenario() -> dict[str, Any]:
        store = SessionStore(old.session_key)
        await store.akeys()
        await store.aflush()
        left: dict[str, Any] = await import_module(CACHE).SessionStore(old.session_key).aload()
        return left

    assert asyncio.run(scenario()) == {}


def test_the_async_api_refuses_a_cookie_no_engine_knows(
    settings: Settings, refused_reasons: list[str]
) -> None:
    migrate_from(settings, CACHE)

    store = SessionStore("nosuchsession0123456789abcdefgh")

    assert asyncio.run(store.aload()) == {}
    assert store.session_key is None
    assert refused_reasons == ["not-a-seal"]


# --- the settings and their checks ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        DB,
        [DB, SIGNED_COOKIES],
        (CACHED_DB,),
    ],
)
def test_migrate_from_takes_an_engine_or_a_list(value: object) -> None:
    assert settings_problems({"PASSWORD": PASSWORD, "MIGRATE_FROM": value}) == []


@pytest.mark.parametrize(
    "value",
    [
        "django_iron_session.backend",
        "django.contrib.sessions.backends.nosuch",
        "django.contrib.sessions",
        "django.contrib.sessions.models",
        [],
        [DB, 3],
        {DB: 1},
    ],
    ids=[
        "this engine",
        "no such module",
        "no store",
        "store not an engine",
        "empty",
        "int",
        "dict",
    ],
)
def test_migrate_from_refuses_what_is_not_another_engine(value: object) -> None:
    problems = settings_problems({"PASSWORD": PASSWORD, "MIGRATE_FROM": value})

    assert [problem.id for problem in problems] == ["E006"]
    assert "MIGRATE_FROM" in problems[0].message


@pytest.mark.parametrize("value", ["2026-12-07", datetime.date(2026, 12, 7), None])
def test_migrate_since_takes_a_date(value: object) -> None:
    assert settings_problems({"PASSWORD": PASSWORD, "MIGRATE_SINCE": value}) == []


@pytest.mark.parametrize("value", ["07/12/2026", "soon", 20261207])
def test_migrate_since_refuses_what_is_not_a_date(value: object) -> None:
    assert [p.id for p in settings_problems({"PASSWORD": PASSWORD, "MIGRATE_SINCE": value})] == [
        "E006"
    ]


def test_migrate_from_without_a_date_is_a_warning(settings: Settings) -> None:
    migrate_from(settings, DB)

    assert our_ids() == ["W018"]


def test_the_check_is_quiet_while_old_sessions_may_live(settings: Settings) -> None:
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    since = timezone.now().date() - datetime.timedelta(days=14)
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "MIGRATE_FROM": DB, "MIGRATE_SINCE": since}

    assert our_ids() == []


def test_the_check_says_when_migrate_from_can_go(settings: Settings) -> None:
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    since = timezone.now().date() - datetime.timedelta(days=15)
    settings.IRON_SESSION = {
        "PASSWORD": PASSWORD,
        "MIGRATE_FROM": DB,
        "MIGRATE_SINCE": since.isoformat(),
    }

    [message] = our_messages()

    assert message.id == "django_iron_session.W019"
    assert (since + datetime.timedelta(days=14)).isoformat() in message.msg


def test_the_config_holds_the_old_engines_stores(settings: Settings) -> None:
    migrate_from(settings, [DB, SIGNED_COOKIES])

    assert get_config().migrate_from == (
        import_module(DB).SessionStore,
        import_module(SIGNED_COOKIES).SessionStore,
    )
