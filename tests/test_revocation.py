"""Revocation: log-out and "log out everywhere" through a Django cache.

The fast tests use locmem; a Redis that cannot be reached is a RedisCache pointed at a port
nothing listens on. The ``server`` tests run a real redis-server and stop it mid-test.
"""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
import redis
from django.contrib.auth import (
    aupdate_session_auth_hash,
    login,
    update_session_auth_hash,
)
from django.contrib.auth.models import User
from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookiesStore
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory

from django_iron_session import iron_session
from django_iron_session.backend import SessionStore
from django_iron_session.revocation import (
    CHECKED_KEY,
    CREATED_KEY,
    SID_KEY,
    Admission,
    Lineage,
    arevoke_user_sessions,
    revoke_user_sessions,
)
from testing.constants import PASSWORD
from testing.redis_server import redis_url, start_redis
from testing.servers import free_port
from tests.helpers import our_ids, session_cookie

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from django.contrib.sessions.backends.base import SessionBase
    from django.http import HttpRequest
    from pytest_django import Settings

    from testing.servers import ServerProcess
    from tests.helpers import Clock

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"
DAY = 86400
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# Each test twice: with every cookie already in the known-cookies table, and with none.
pytestmark = pytest.mark.usefixtures("cookie_history")


def use_revocation_cache(settings: Settings, cache: dict[str, Any], **iron_session: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": LOCMEM, "LOCATION": "default"},
        "revocation": cache,
    }
    settings.IRON_SESSION = {
        "PASSWORD": PASSWORD,
        "REVOCATION_CACHE": "revocation",
        **iron_session,
    }


@pytest.fixture(autouse=True)
def revoking(settings: Settings) -> None:
    """A fresh locmem cache for each test."""
    use_revocation_cache(settings, {"BACKEND": LOCMEM, "LOCATION": str(uuid.uuid4())})


def dead() -> dict[str, str]:
    """A Redis nobody answers for."""
    return {"BACKEND": REDIS, "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}


@pytest.fixture
def dead_redis(settings: Settings) -> None:
    use_revocation_cache(settings, dead())


@pytest.fixture
def dead_redis_accepting(settings: Settings) -> None:
    use_revocation_cache(settings, dead(), REVOCATION_CACHE_DOWN="accept")


def test_a_store_holds_revocation_state_with_revocation_cache_only() -> None:
    """Revocation's state lives in one object (revocation.Admission) the store holds only
    when REVOCATION_CACHE is set (test_backend.py checks the store without it)."""
    lineage = Lineage("a-session-id", 1)
    store = SessionStore(iron_session.seal_data({"a": 1, **lineage.fields()}, PASSWORD))

    assert store.load() == {"a": 1}
    assert isinstance(store._revocation, Admission)
    assert store._revocation.sealed_lineage == lineage


def sealed(client: Client) -> dict[str, Any]:
    """Everything the session cookie holds, lineage included."""
    data: dict[str, Any] = iron_session.unseal_data(session_cookie(client), PASSWORD)
    return data


def with_lineage(data: dict[str, Any]) -> str:
    """A cookie for ``data`` as a site with revocation on seals it."""
    lineage = Lineage("a-session-id", created_us=0)
    return iron_session.seal_data({**data, **lineage.fields()}, PASSWORD)


def replay(client: Client, cookie: str, path: str = "/session/") -> Any:
    client.cookies["sessionid"] = cookie
    return client.get(path)


def log_in(username: str) -> Client:
    user = User.objects.get_or_create(username=username)[0]
    client = Client()
    client.force_login(user)
    return client


def whoami(client: Client) -> str:
    return client.get("/whoami/").content.decode()


# --- the lineage in the seal ----------------------------------------------------------


def test_a_sealed_session_carries_its_lineage_out_of_the_sessions_sight(client: Client) -> None:
    before = time.time()
    client.get("/session/write/", {"colour": "red"})

    data = sealed(client)

    assert set(data) == {"colour", SID_KEY, CREATED_KEY, CHECKED_KEY}
    assert len(data[SID_KEY]) >= 22
    assert before * 1_000_000 <= data[CREATED_KEY] <= time.time() * 1_000_000 + 1
    assert data[CHECKED_KEY] <= data[CREATED_KEY]
    assert client.get("/session/").json() == {"colour": "red"}


def test_the_id_and_creation_time_survive_reseals(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})
    first = sealed(client)
    client.get("/session/write/", {"expiry": "60"})
    second = sealed(client)

    assert first[SID_KEY] == second[SID_KEY]
    assert first[CREATED_KEY] == second[CREATED_KEY]


def test_cycle_key_starts_a_new_lineage_and_keeps_the_data() -> None:
    store = SessionStore()
    store["colour"] = "red"
    store.save()
    assert store.session_key is not None
    old = iron_session.unseal_data(store.session_key, PASSWORD)

    again = SessionStore(store.session_key)
    again.cycle_key()
    assert again.session_key is not None
    new = iron_session.unseal_data(again.session_key, PASSWORD)

    assert new["colour"] == "red"
    assert new[SID_KEY] != old[SID_KEY]
    assert new[CREATED_KEY] >= old[CREATED_KEY]


@pytest.mark.django_db
def test_log_in_starts_a_new_session_id(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})
    anonymous = sealed(client)[SID_KEY]

    client.force_login(User.objects.create_user("ada"))

    assert sealed(client)[SID_KEY] != anonymous
    assert whoami(client) == "ada"


def test_a_cookie_from_before_revocation_gets_a_lineage_on_its_next_response(
    client: Client,
) -> None:
    client.cookies["sessionid"] = iron_session.seal_data({"colour": "red"}, PASSWORD)

    response = client.get("/session/")

    assert response.json() == {"colour": "red"}
    assert SID_KEY in sealed(client)


@pytest.mark.parametrize(
    "lineage",
    [{SID_KEY: 1, CREATED_KEY: 1}, {SID_KEY: "a", CREATED_KEY: True}],
)
def test_a_malformed_lineage_is_replaced(client: Client, lineage: dict[str, Any]) -> None:
    client.cookies["sessionid"] = iron_session.seal_data({"colour": "red", **lineage}, PASSWORD)

    assert client.get("/session/").json() == {"colour": "red"}
    assert isinstance(sealed(client)[SID_KEY], str)


def test_an_empty_or_new_session_costs_no_cache_access(client: Client) -> None:
    response = client.get("/session/")

    assert response.json() == {}
    assert response.cookies == {}


def test_without_revocation_the_lineage_is_dropped_on_the_next_seal(
    client: Client, settings: Settings
) -> None:
    client.get("/session/write/", {"colour": "red"})
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}

    assert client.get("/session/").json() == {"colour": "red"}
    client.get("/session/write/", {"size": "L"})
    assert sealed(client) == {"colour": "red", "size": "L"}


# --- log-out --------------------------------------------------------------------------


def test_log_out_revokes_every_cookie_the_session_ever_had(
    client: Client, log_everything: pytest.LogCaptureFixture
) -> None:
    client.get("/session/write/", {"colour": "red"})
    older = session_cookie(client)
    client.get("/session/write/", {"size": "L"})
    newer = session_cookie(client)

    client.get("/session/flush/")

    for copy in (older, newer):
        response = replay(client, copy)
        assert response.json() == {}
        assert response.cookies["sessionid"]["max-age"] == 0
    assert "Session cookie rejected: revoked (logged out)" in log_everything.messages
    assert newer not in log_everything.text


@pytest.mark.django_db
def test_a_copied_cookie_is_refused_after_django_logout() -> None:
    client = log_in("ada")
    copy = session_cookie(client)

    client.logout()

    stolen = Client()
    stolen.cookies["sessionid"] = copy
    assert whoami(stolen) == ""


def test_writing_after_log_out_starts_a_session_that_loads(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})
    store = SessionStore(session_cookie(client))

    store.flush()
    store["flash"] = "Logged out"
    store.save()

    assert SessionStore(store.session_key).load() == {"flash": "Logged out"}


def test_a_revoked_session_written_to_gets_a_new_lineage(client: Client) -> None:
    client.get("/session/write/", {"colour": "red"})
    copy = session_cookie(client)
    client.get("/session/flush/")

    replay(client, copy, "/session/write/?colour=blue")

    assert client.get("/session/").json() == {"colour": "blue"}


def test_a_cookie_from_before_revocation_cannot_be_revoked_alone() -> None:
    """The documented limit: it has no session id. Log-out everywhere covers it."""
    legacy = iron_session.seal_data({"colour": "red"}, PASSWORD)

    SessionStore(legacy).flush()

    assert SessionStore(legacy).load() == {"colour": "red"}


# --- log out everywhere -----------------------------------------------------------------


@pytest.mark.django_db
def test_revoke_user_sessions_logs_the_user_out_everywhere() -> None:
    laptop, phone, other = log_in("ada"), log_in("ada"), log_in("bob")
    ada = User.objects.get(username="ada")

    revoke_user_sessions(ada)

    assert whoami(laptop) == whoami(phone) == ""
    assert whoami(other) == "bob"
    assert whoami(log_in("ada")) == "ada"


@pytest.mark.django_db
def test_only_sessions_created_before_the_revocation_stop() -> None:
    ada = User.objects.create_user("ada")
    client = log_in("ada")
    created_us = sealed(client)[CREATED_KEY]

    revoke_user_sessions(ada, now=created_us / 1_000_000 - 1)
    assert whoami(client) == "ada"

    revoke_user_sessions(ada, now=created_us / 1_000_000 + 1)
    assert whoami(client) == ""


def password_change_request(user: User, cookie: str) -> HttpRequest:
    """A request as a password-change view has it: the session read (for request.user)."""
    request = RequestFactory().get("/")
    request.session = SessionStore(cookie)
    request.user = user
    assert request.session["_auth_user_id"] == str(user.pk)
    return request


def loads(session: SessionBase) -> dict[str, Any]:
    """What the cookie the response would carry opens to, on the next request."""
    return SessionStore(session.session_key).load()


@pytest.mark.django_db
def test_revoke_user_sessions_can_keep_the_calling_requests_session() -> None:
    ada = User.objects.create_user("ada")
    cookie, phone = session_cookie(log_in("ada")), log_in("ada")
    request = password_change_request(ada, cookie)

    revoke_user_sessions(ada, keep=request.session)
    update_session_auth_hash(request, ada)
    request.session.save()

    assert loads(request.session)["_auth_user_id"] == str(ada.pk)
    assert SessionStore(cookie).load() == {}  # copies of the kept session's old cookie
    assert whoami(phone) == ""


@pytest.mark.django_db
def test_the_kept_session_needs_no_other_write_to_be_carried_on() -> None:
    ada = User.objects.create_user("ada")
    request = password_change_request(ada, session_cookie(log_in("ada")))

    revoke_user_sessions(ada, keep=request.session)

    assert request.session.modified
    request.session.save()
    assert loads(request.session)["_auth_user_id"] == str(ada.pk)


@pytest.mark.django_db
def test_keeping_a_session_without_data_gives_it_no_lineage() -> None:
    store = SessionStore()

    revoke_user_sessions(User.objects.create_user("ada"), keep=store)

    assert not store.modified
    assert store.is_empty()


@pytest.mark.django_db
def test_only_a_session_of_this_engine_can_be_kept() -> None:
    with pytest.raises(TypeError, match=r"signed_cookies\.SessionStore"):
        revoke_user_sessions(User.objects.create_user("ada"), keep=SignedCookiesStore())


@pytest.mark.django_db
def test_the_async_revocation_can_keep_a_session_too() -> None:
    ada = User.objects.create_user("ada")
    cookie, phone = session_cookie(log_in("ada")), log_in("ada")

    async def scenario() -> SessionStore:
        store = SessionStore(cookie)
        await arevoke_user_sessions(ada, keep=store)
        await store.asave()
        return store

    kept = asyncio.run(scenario())
    assert loads(kept)["_auth_user_id"] == str(ada.pk)
    assert SessionStore(cookie).load() == {}
    assert whoami(phone) == ""


# --- issue 17: a request straddling a log-out, or revoke_user_sessions ------------------


def log_out_elsewhere(cookie: str) -> None:
    """Another request, with a copy of the same cookie, logs out."""
    SessionStore(cookie).flush()


def revoke_elsewhere(cookie: str) -> None:
    """Another request (an admin, a password change) revokes the user's sessions."""
    del cookie
    revoke_user_sessions(User.objects.get(username="ada"))


STRADDLED = [log_out_elsewhere, revoke_elsewhere]


def ada_with_a_colour() -> tuple[User, str]:
    """Ada, and the cookie of her session, which holds more than her log-in."""
    client = log_in("ada")
    client.get("/session/write/", {"colour": "red"})
    return User.objects.get(username="ada"), session_cookie(client)


@pytest.mark.django_db
@pytest.mark.parametrize("elsewhere", STRADDLED)
@pytest.mark.parametrize("cycle", ["update_session_auth_hash", "cycle_key"])
def test_cycle_key_after_a_revocation_does_not_carry_the_revoked_session_on(
    elsewhere: Any, cycle: str
) -> None:
    """Loaded before another request's log-out or revoke_user_sessions, cycled after: the
    new lineage holds nothing of the revoked session."""
    ada, cookie = ada_with_a_colour()
    request = password_change_request(ada, cookie)

    elsewhere(cookie)
    if cycle == "update_session_auth_hash":
        update_session_auth_hash(request, ada)
    else:
        request.session.cycle_key()
    request.session.save()

    assert loads(request.session).keys() <= {"_auth_user_hash"}


@pytest.mark.django_db
def test_a_log_in_after_a_log_out_of_the_session_it_began_in_starts_afresh(
    client: Client,
) -> None:
    """login() of an anonymous session that another request logged out since it loaded:
    the log-in stands (it authenticated), the revoked session's data does not come with it."""
    client.get("/session/write/", {"colour": "red"})
    request = RequestFactory().post("/login/")
    request.session = SessionStore(session_cookie(client))
    assert request.session["colour"] == "red"

    log_out_elsewhere(session_cookie(client))
    login(request, User.objects.create_user("ada"), backend=MODEL_BACKEND)
    request.session.save()

    assert "colour" not in loads(request.session)
    assert loads(request.session)["_auth_user_id"] == str(User.objects.get().pk)


@pytest.mark.django_db
@pytest.mark.parametrize("elsewhere", STRADDLED)
def test_the_async_cycle_key_after_a_revocation_does_not_carry_it_on_either(
    elsewhere: Any,
) -> None:
    ada, cookie = ada_with_a_colour()
    request = password_change_request(ada, cookie)
    elsewhere(cookie)

    async def auser() -> User:
        return ada

    request.auser = auser

    async def scenario() -> None:
        await aupdate_session_auth_hash(request, ada)
        await request.session.asave()
        assert (await SessionStore(request.session.session_key).aload()).keys() <= {
            "_auth_user_hash"
        }

    asyncio.run(scenario())


def test_cycle_key_of_a_session_loaded_earlier_asks_the_cache_again(
    client: Client, settings: Settings
) -> None:
    """Without a revocation since the load, the session goes on under its new id."""
    client.get("/session/write/", {"colour": "red"})
    store = SessionStore(session_cookie(client))
    assert store["colour"] == "red"

    store.cycle_key()

    assert loads(store) == {"colour": "red"}


@pytest.mark.django_db
def test_a_session_from_before_revocation_loaded_before_revoke_user_sessions_stays_covered() -> (
    None
):
    """Issue 17, item 3: sealed after the call, it began before it all the same."""
    ada = User.objects.create_user("ada")
    legacy = iron_session.seal_data(
        {"_auth_user_id": str(ada.pk), "_auth_user_backend": "x", "_auth_user_hash": "x"},
        PASSWORD,
    )
    store = SessionStore(legacy)
    assert store["_auth_user_id"] == str(ada.pk)

    revoke_user_sessions(ada)
    store["colour"] = "red"
    store.save()

    assert loads(store) == {}


@pytest.mark.django_db
def test_a_users_cookie_from_before_revocation_is_covered() -> None:
    ada = User.objects.create_user("ada")
    client = Client()
    client.cookies["sessionid"] = iron_session.seal_data(
        {"_auth_user_id": str(ada.pk), "_auth_user_backend": "x", "_auth_user_hash": "x"},
        PASSWORD,
    )

    revoke_user_sessions(ada)

    assert client.get("/session/").json() == {}


@pytest.mark.django_db
def test_the_async_api_revokes_and_checks_natively() -> None:
    ada = User.objects.create_user("ada")
    cookie = session_cookie(log_in("ada"))

    async def scenario() -> None:
        store = SessionStore(cookie)
        assert (await store.aload())["_auth_user_id"] == str(ada.pk)
        await arevoke_user_sessions(ada)
        assert await SessionStore(cookie).aload() == {}

        fresh = SessionStore()
        await fresh.aset("colour", "red")
        await fresh.asave()
        copy = fresh.session_key
        await fresh.acycle_key()
        assert await SessionStore(copy).aload() == {"colour": "red"}
        current = SessionStore(fresh.session_key)
        await current.aflush()
        assert await SessionStore(fresh.session_key).aload() == {}
        assert await SessionStore(None).aload() == {}
        legacy = iron_session.seal_data({"colour": "red"}, PASSWORD)
        await SessionStore(legacy).aflush()
        assert await SessionStore(legacy).aload() == {"colour": "red"}

    asyncio.run(scenario())


def test_revoking_users_needs_a_revocation_cache(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}

    with pytest.raises(ImproperlyConfigured, match="REVOCATION_CACHE"):
        revoke_user_sessions(User(pk=1, username="ada"))


# --- the management command -----------------------------------------------------------


@pytest.mark.django_db
def test_the_command_revokes_users_by_name_or_pk() -> None:
    ada, bob = log_in("ada"), log_in("bob")
    out = io.StringIO()

    call_command("iron_revoke_user_sessions", "ada", stdout=out)
    bob_pk = str(User.objects.get(username="bob").pk)
    call_command("iron_revoke_user_sessions", "--pk", bob_pk, stdout=out)

    assert whoami(ada) == whoami(bob) == ""
    assert out.getvalue().splitlines() == [
        "Revoked every session of 'ada'.",
        "Revoked every session of 'bob'.",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("arguments", [["ada", "nobody"], ["--pk", "x"], ["--pk", "999"]])
def test_the_command_revokes_nobody_unless_all_exist(arguments: list[str]) -> None:
    ada = log_in("ada")

    with pytest.raises(CommandError, match="nobody was revoked"):
        call_command("iron_revoke_user_sessions", *arguments)

    assert whoami(ada) == "ada"


@pytest.mark.django_db
def test_the_command_says_what_is_missing(settings: Settings) -> None:
    User.objects.create_user("ada")
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}

    with pytest.raises(CommandError, match="REVOCATION_CACHE"):
        call_command("iron_revoke_user_sessions", "ada")


@pytest.mark.django_db
@pytest.mark.usefixtures("dead_redis")
def test_the_command_fails_when_the_cache_is_down() -> None:
    User.objects.create_user("ada")

    with pytest.raises(CommandError, match="Cannot write to the revocation cache"):
        call_command("iron_revoke_user_sessions", "ada")


# --- the cache down ---------------------------------------------------------------------


def test_cache_down_refuse_serves_the_request_without_the_session_and_keeps_the_cookie(
    client: Client, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/session/write/", {"colour": "red"})
    cookie = session_cookie(client)
    use_revocation_cache(settings, dead())

    response = client.get("/session/")

    assert response.json() == {}
    assert "sessionid" not in response.cookies
    assert "refused for this request" in caplog.text
    assert cookie not in caplog.text
    assert [record.levelname for record in caplog.records] == ["ERROR"]


@pytest.mark.usefixtures("dead_redis")
def test_cache_down_refuse_leaves_the_cookie_as_it_is_when_every_request_saves(
    settings: Settings,
) -> None:
    cookie = with_lineage({"colour": "red"})
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client = Client()

    response = replay(client, cookie)

    assert response.json() == {}
    assert response.cookies["sessionid"].value == cookie


@pytest.mark.usefixtures("dead_redis")
def test_cache_down_refuse_keeps_the_cookie_and_drops_a_write(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    cookie = with_lineage({"colour": "red"})

    response = replay(client, cookie, "/session/write/?size=L")

    assert response.cookies["sessionid"].value == cookie
    dropped = [record for record in caplog.records if record.levelname == "WARNING"]
    assert len(dropped) == 1
    assert "what this request wrote to the session is dropped" in dropped[0].getMessage()
    assert cookie not in caplog.text


@pytest.mark.usefixtures("dead_redis")
def test_cache_down_refuse_still_logs_out(client: Client) -> None:
    """flush() deletes the held cookie; a write after it starts a new session."""
    store = SessionStore(with_lineage({"colour": "red"}))
    assert store.load() == {}

    store.flush()
    store["flash"] = "Logged out"
    store.save()

    assert store.session_key is not None
    assert iron_session.unseal_data(store.session_key, PASSWORD)["flash"] == "Logged out"


@pytest.mark.usefixtures("dead_redis_accepting")
def test_cache_down_accept_loads_the_session_and_logs_an_error(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/session/write/", {"colour": "red"})

    assert client.get("/session/").json() == {"colour": "red"}
    assert "accepted unchecked" in caplog.text


@pytest.mark.usefixtures("dead_redis_accepting")
def test_log_out_with_the_cache_down_still_deletes_the_cookie(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/session/write/", {"colour": "red"})

    response = client.get("/session/flush/")

    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 0
    assert "stay valid until they expire" in caplog.text


@pytest.mark.usefixtures("dead_redis_accepting")
def test_the_async_api_with_the_cache_down(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/session/write/", {"colour": "red"})
    cookie = session_cookie(client)

    async def scenario() -> None:
        store = SessionStore(cookie)
        assert await store.aload() == {"colour": "red"}
        await store.aflush()
        with pytest.raises(redis.ConnectionError):
            await arevoke_user_sessions(User(pk=1, username="ada"))

    asyncio.run(scenario())
    assert "accepted unchecked" in caplog.text
    assert "stay valid until they expire" in caplog.text


# --- settings and checks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [("REVOCATION_CACHE", "nope"), ("REVOCATION_CACHE", 1), ("REVOCATION_CACHE_DOWN", "open")],
)
def test_bad_revocation_settings_are_errors(settings: Settings, key: str, value: Any) -> None:
    settings.IRON_SESSION = {**settings.IRON_SESSION, key: value}

    assert "E006" in our_ids()


@pytest.mark.parametrize(
    ("backend", "warned"),
    [(LOCMEM, True), ("django.core.cache.backends.dummy.DummyCache", True), (REDIS, False)],
)
def test_a_cache_each_process_has_alone_is_a_warning(
    settings: Settings, backend: str, warned: bool
) -> None:
    use_revocation_cache(settings, {**dead(), "BACKEND": backend})

    assert ("W012" in our_ids()) is warned


def test_no_revocation_no_warning(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}

    assert "W012" not in our_ids()


# --- against a real redis-server ------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with start_redis(tmp_path) as server:
        yield server


@pytest.fixture
def on_redis(settings: Settings, redis_server: ServerProcess) -> redis.Redis:
    """The revocation cache on the real server; a client to look inside it."""
    use_revocation_cache(settings, {"BACKEND": REDIS, "LOCATION": redis_url(redis_server)})
    return redis.Redis.from_url(redis_url(redis_server))


def revocation_ttls(server: redis.Redis, kind: str) -> list[int]:
    return [server.ttl(key) for key in server.scan_iter(f"*django_iron_session:revoked:{kind}:*")]


@pytest.mark.server
@pytest.mark.django_db
def test_with_redis_a_replayed_cookie_after_logout_is_refused(on_redis: redis.Redis) -> None:
    client = log_in("ada")
    copy = session_cookie(client)

    client.logout()

    stolen = Client()
    stolen.cookies["sessionid"] = copy
    assert whoami(stolen) == ""
    # The entry goes when every cookie of the session would have expired anyway.
    [ttl] = revocation_ttls(on_redis, "sid")
    assert ttl == pytest.approx(1209600, abs=2)


@pytest.mark.server
@pytest.mark.django_db
def test_with_redis_log_out_everywhere_is_one_entry_without_expiry(
    on_redis: redis.Redis,
) -> None:
    laptop, phone = log_in("ada"), log_in("ada")

    call_command("iron_revoke_user_sessions", "ada", stdout=io.StringIO())

    assert whoami(laptop) == whoami(phone) == ""
    assert revocation_ttls(on_redis, "user") == [-1]


@pytest.mark.server
@pytest.mark.django_db
def test_with_redis_a_request_costs_one_round_trip(on_redis: redis.Redis) -> None:
    client = log_in("ada")
    on_redis.config_resetstat()

    assert whoami(client) == "ada"

    stats = on_redis.info("commandstats")
    calls = {name: stat["calls"] for name, stat in stats.items() if "config" not in name}
    assert calls == {"cmdstat_mget": 1}


@pytest.mark.server
@pytest.mark.django_db
def test_with_redis_stopped_mid_test_refuse_then_back(
    on_redis: redis.Redis, redis_server: ServerProcess, tmp_path: Path
) -> None:
    client = log_in("ada")
    cookie = session_cookie(client)

    redis_server.close()
    response = client.get("/whoami/")
    assert response.content == b""
    assert "sessionid" not in response.cookies

    with start_redis(tmp_path, port=redis_server.port):
        assert whoami(client) == "ada"
        assert session_cookie(client) == cookie


@pytest.mark.server
@pytest.mark.django_db
def test_with_redis_stopped_mid_test_accept(
    settings: Settings, on_redis: redis.Redis, redis_server: ServerProcess
) -> None:
    settings.IRON_SESSION = {**settings.IRON_SESSION, "REVOCATION_CACHE_DOWN": "accept"}
    client = log_in("ada")
    client.logout()
    survivor = log_in("ada")

    redis_server.close()

    assert whoami(survivor) == "ada"


# --- issue 9: every copy, whatever was re-sealed, and a log-out whatever the read did -----


def expiry_of(cookie: str) -> float:
    expires_at = iron_session.open_data(cookie, PASSWORD).expires_at
    assert expires_at is not None
    return expires_at


@pytest.mark.server
def test_with_redis_a_copy_resealed_before_log_out_never_opens_again(
    settings: Settings, on_redis: redis.Redis
) -> None:
    """Issue 9 scenario 1, on a 4-second scale: the copy is re-sealed with a later expiry
    than the cookie that logs out; it must stay refused after that cookie's expiry."""
    settings.SESSION_COOKIE_AGE = 4
    user, attacker = Client(), Client()
    user.get("/session/write/", {"colour": "red"})
    attacker.cookies["sessionid"] = session_cookie(user)
    start = time.time()

    time.sleep(2)
    attacker.get("/session/write/", {"size": "L"})  # the copy, re-sealed: a later expiry
    user.get("/session/flush/")
    time.sleep(max(0.0, start + 4.6 - time.time()))  # past the user's cookie's expiry

    response = attacker.get("/session/")
    assert response.json() == {}
    assert response.cookies["sessionid"]["max-age"] == 0


@pytest.mark.server
def test_with_redis_the_log_out_entry_outlives_every_seal_of_the_session(
    settings: Settings, on_redis: redis.Redis
) -> None:
    """However a copy was re-sealed before the log-out (set_expiry longer than
    SESSION_COOKIE_AGE included), it expires before the revocation entry does."""
    settings.SESSION_COOKIE_AGE = 1000
    settings.IRON_SESSION = {**settings.IRON_SESSION, "TIMESTAMP_SKEW": 30}
    user, attacker = Client(), Client()
    user.get("/session/write/", {"colour": "red"})
    attacker.cookies["sessionid"] = session_cookie(user)
    attacker.get("/session/write/", {"expiry": "5000"})
    copy = session_cookie(attacker)

    user.get("/session/flush/")

    [ttl] = revocation_ttls(on_redis, "sid")
    assert expiry_of(copy) + 30 <= time.time() + ttl
    assert whoami(attacker) == ""


def test_with_revocation_set_expiry_is_capped_at_session_cookie_age(
    client: Client, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SESSION_COOKIE_AGE = 1000

    response = client.get("/session/write/", {"expiry": "5000"})

    assert response.cookies["sessionid"]["max-age"] == 1000
    # The seal holds the expiry rounded to the millisecond.
    assert expiry_of(session_cookie(client)) <= time.time() + 1000 + 0.001
    assert "set_expiry(5000)" in caplog.text
    assert [record.levelname for record in caplog.records] == ["WARNING"]


def test_the_async_set_expiry_is_capped_too(settings: Settings) -> None:
    settings.SESSION_COOKIE_AGE = 1000
    store = SessionStore()

    async def scenario() -> None:
        await store.aset_expiry(5000)
        assert await store.aget_expiry_age() == 1000
        await store.aset_expiry(10)
        assert await store.aget_expiry_age() == 10

    asyncio.run(scenario())


def test_a_seal_expires_at_most_session_cookie_age_after_the_check_that_admitted_it(
    settings: Settings, clock: Clock
) -> None:
    """A request that loaded the session before a log-out and saves it after cannot carry
    it past the log-out's entry."""
    settings.SESSION_COOKIE_AGE = 1000
    cookie = with_lineage({"colour": "red"})
    store = SessionStore(cookie)
    admitted_at = clock.now
    assert store["colour"] == "red"

    clock.advance(100)
    store["size"] = "L"
    store.save()

    assert store.session_key is not None
    # The seal holds whole milliseconds.
    assert expiry_of(store.session_key) == pytest.approx(admitted_at + 1000, abs=0.001)


@pytest.mark.usefixtures("dead_redis")
def test_a_log_out_that_cannot_be_recorded_is_an_error_naming_the_session(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    cookie = with_lineage({"colour": "red"})

    response = replay(client, cookie, "/session/flush/")

    assert response.cookies["sessionid"]["max-age"] == 0
    [failed] = [record for record in caplog.records if "not recorded" in record.getMessage()]
    assert failed.levelname == "ERROR"
    assert "a-session-id" in failed.getMessage()
    assert cookie not in caplog.text


@pytest.mark.server
def test_with_redis_a_log_out_whose_read_was_refused_still_revokes(
    on_redis: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 9 scenario 2: one failed get_many (here Redis's ACL refuses MGET) during the
    log-out request; the stolen copy must still be refused afterwards."""
    user, attacker = Client(), Client()
    user.get("/session/write/", {"colour": "red"})
    attacker.cookies["sessionid"] = session_cookie(user)

    on_redis.acl_setuser("default", enabled=True, commands=["-mget"])
    try:
        response = user.get("/session/flush/")
    finally:
        on_redis.acl_setuser("default", enabled=True, commands=["+mget"])

    assert "refused for this request" in caplog.text  # the read did fail
    assert response.cookies["sessionid"]["max-age"] == 0
    assert attacker.get("/session/").json() == {}


# --- issue 17: settings that change, and a cache that goes away ---------------------------


def test_after_lowering_session_cookie_age_a_log_out_ends_copies_sealed_under_the_old_one(
    client: Client, settings: Settings, clock: Clock
) -> None:
    """Item 5: a copy sealed under the longer age, opened once the log-out's entry (made
    under the shorter one) has expired. Refused by every process on the new value; the
    documented exception is a process still on the old one."""
    settings.SESSION_COOKIE_AGE = 1000  # before the deploy
    client.get("/session/write/", {"colour": "red"})
    copy = session_cookie(client)
    assert expiry_of(copy) > time.time() + 900

    settings.SESSION_COOKIE_AGE = 2  # the deploy
    client.get("/session/flush/")
    clock.advance(3)  # the entry has expired

    assert replay(Client(), copy).json() == {}
    settings.SESSION_COOKIE_AGE = 1000
    assert replay(Client(), copy).json() == {"colour": "red"}


def test_while_raising_session_cookie_age_a_log_out_on_the_old_value_lasts_the_old_value(
    client: Client, settings: Settings, clock: Clock
) -> None:
    """The documented exception of a rolling deploy that raises it: the copy was sealed by a
    process on the new value, the log-out handled by one on the old value."""
    settings.SESSION_COOKIE_AGE = 1000  # the new value
    client.get("/session/write/", {"colour": "red"})
    copy = session_cookie(client)

    settings.SESSION_COOKIE_AGE = 2  # a process still on the old value
    client.get("/session/flush/")
    clock.advance(3)

    settings.SESSION_COOKIE_AGE = 1000
    assert replay(Client(), copy).json() == {"colour": "red"}


def test_a_seal_carries_the_time_of_the_check_that_admitted_it(
    client: Client, settings: Settings, clock: Clock
) -> None:
    client.get("/session/write/", {"colour": "red"})
    first = sealed(client)[CHECKED_KEY]
    clock.advance(10)

    client.get("/session/write/", {"size": "L"})
    checked = sealed(client)[CHECKED_KEY]

    assert checked - first == pytest.approx(10_000_000, abs=1)  # whole microseconds


def test_a_seal_whose_check_is_older_than_the_entries_life_is_refused(
    client: Client, settings: Settings, log_everything: pytest.LogCaptureFixture
) -> None:
    """What any app that re-seals without checking (Node) makes: the lineage as it was, a
    fresh expiry. TIMESTAMP_SKEW lengthens the entries, so it lengthens this too."""
    settings.SESSION_COOKIE_AGE = 1000
    settings.IRON_SESSION = {**settings.IRON_SESSION, "TIMESTAMP_SKEW": 60}
    lineage = Lineage("a-session-id", created_us=0)
    checked_long_ago = lineage.checked_at(time.time() - 1065)
    checked_lately = lineage.checked_at(time.time() - 1055)

    for fields, expected in ((checked_long_ago, {}), (checked_lately, {"colour": "red"})):
        cookie = iron_session.seal_data({"colour": "red", **fields.fields()}, PASSWORD)
        assert replay(client, cookie).json() == expected
    assert (
        "Session cookie rejected: revoked (not checked for longer than SESSION_COOKIE_AGE)"
        in log_everything.messages
    )


def test_the_async_check_refuses_a_seal_unchecked_for_too_long_too() -> None:
    lineage = Lineage("a-session-id", created_us=0).checked_at(time.time() - 2 * 1209600)
    cookie = iron_session.seal_data({"colour": "red", **lineage.fields()}, PASSWORD)

    assert asyncio.run(SessionStore(cookie).aload()) == {}


@pytest.mark.server
@pytest.mark.django_db
def test_with_redis_stopped_mid_test_a_write_leaves_the_cookie_as_it_is(
    on_redis: redis.Redis,
    redis_server: ServerProcess,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Item 6: the view writes while the cache is down; the user's session is back, whole,
    with the cache."""
    client = log_in("ada")
    cookie = session_cookie(client)

    redis_server.close()
    response = client.get("/session/write/", {"colour": "red"})
    assert response.cookies["sessionid"].value == cookie
    assert [r.levelname for r in caplog.records if "is dropped" in r.getMessage()] == ["WARNING"]

    with start_redis(tmp_path, port=redis_server.port):
        assert whoami(client) == "ada"
        assert session_cookie(client) == cookie
