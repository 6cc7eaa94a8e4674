from __future__ import annotations

import asyncio
import inspect
import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends import base
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from django_iron_session import iron, iron_session
from django_iron_session.backend import SessionStore, SessionTooLargeError
from django_iron_session.conf import get_config
from django_iron_session.known_cookies import Opened, known_cookies
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import forged, session_cookie

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_django import Settings

#: the seal holds milliseconds
MILLISECOND = 0.001
OUR_LOGGERS = ("django_iron_session", "django.security.SuspiciousSession")

# Each test twice: with every cookie already in the known-cookies table, and with none.
pytestmark = pytest.mark.usefixtures("cookie_history")


def rejections(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name in OUR_LOGGERS]


def open_cookie(value: str, passwords: Any = PASSWORD) -> iron.Unsealed:
    return iron_session.open_data(value, passwords, options=iron.Options(timestamp_skew=0))


def test_the_seen_run_reads_the_known_cookies_table_and_the_unseen_run_never_does(
    client: Client, cookie_history: str
) -> None:
    cookie = iron_session.seal_data({"from": "the seal"}, PASSWORD)
    keyring = get_config().passwords.keyring()
    known_cookies.add(cookie, keyring, Opened(b'{"from": "the table"}', None))
    client.cookies["sessionid"] = cookie

    read = client.get("/session/").json()

    assert read == {"seen": {"from": "the table"}, "unseen": {"from": "the seal"}}[cookie_history]


# --- through Django's test client and SessionMiddleware ------------------------------


def test_the_cookie_is_an_iron_session_seal_that_hides_the_data(client: Client) -> None:
    client.get("/session/write/", {"colour": "octarine"})

    cookie = session_cookie(client)
    assert cookie.startswith("Fe26.2*1*")
    assert cookie.endswith("~2")
    assert "octarine" not in cookie
    # What iron-session's unsealData returns in Node with the same password.
    assert iron_session.unseal_data(cookie, PASSWORD) == {"colour": "octarine"}


def test_a_session_written_on_one_request_is_read_on_the_next(client: Client) -> None:
    client.get("/session/write/", {"colour": "octarine"})
    client.get("/session/write/", {"size": "large"})

    assert client.get("/session/").json() == {"colour": "octarine", "size": "large"}


def test_a_session_sealed_elsewhere_with_the_password_is_read(client: Client) -> None:
    client.cookies["sessionid"] = iron_session.seal_data({"from": "node"}, {1: PASSWORD})

    assert client.get("/session/").json() == {"from": "node"}


def test_reading_does_not_rewrite_the_cookie_but_varies_on_it(client: Client) -> None:
    client.get("/session/write/", {"colour": "octarine"})

    response = client.get("/session/")

    assert "sessionid" not in response.cookies
    assert response.headers["Vary"] == "Cookie"


def test_cookie_attributes_come_from_django_settings(client: Client, settings: Settings) -> None:
    settings.SESSION_COOKIE_NAME = "shared"
    settings.SESSION_COOKIE_DOMAIN = "example.com"
    settings.SESSION_COOKIE_PATH = "/app"
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_SAMESITE = "Strict"

    morsel = client.get("/session/write/", {"a": "1"}).cookies["shared"]

    assert morsel["domain"] == "example.com"
    assert morsel["path"] == "/app"
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["max-age"] == 1209600
    assert iron_session.unseal_data(morsel.value, PASSWORD) == {"a": "1"}


def test_set_expiry_seconds_is_sealed_to_the_second(client: Client) -> None:
    before = time.time()
    response = client.get("/session/write/", {"expiry": "300"})
    after = time.time()

    assert response.cookies["sessionid"]["max-age"] == 300
    expires_at = open_cookie(session_cookie(client)).expires_at
    assert expires_at is not None
    # The seal holds whole milliseconds, rounded either way.
    assert before + 300 - MILLISECOND <= expires_at <= after + 300 + MILLISECOND


@pytest.mark.parametrize("age", [1, 300, 3600])
def test_a_cookie_past_its_sealed_expiry_is_refused_whatever_its_max_age(
    client: Client, log_everything: pytest.LogCaptureFixture, age: int
) -> None:
    # Sealed `age` seconds (and one more) ago with a ttl of `age`: it expired a second ago,
    # and a client that ignores Max-Age sends it anyway.
    client.cookies["sessionid"] = iron_session.seal_data(
        {"user": "7"}, PASSWORD, ttl=age, now=time.time() - age - 1
    )

    response = client.get("/session/")

    assert response.json() == {}
    assert response.cookies["sessionid"]["max-age"] == 0  # deleted
    [record] = rejections(log_everything)
    assert (record.name, record.levelno) == ("django_iron_session", logging.DEBUG)
    assert record.getMessage() == "Session cookie rejected: expired"


def test_a_cookie_within_its_sealed_expiry_is_read(client: Client) -> None:
    client.cookies["sessionid"] = iron_session.seal_data(
        {"user": "7"}, PASSWORD, ttl=300, now=time.time() - 290
    )

    assert client.get("/session/").json() == {"user": "7"}


@pytest.mark.parametrize(("past_expiry", "opens"), [(-0.5, True), (0.005, False)])
def test_the_sealed_expiry_is_enforced_to_the_millisecond(
    client: Client, past_expiry: float, opens: bool
) -> None:
    # Half a second before its expiry the cookie opens; five milliseconds after, it does not:
    # nothing rounds the expiry to whole seconds.
    client.cookies["sessionid"] = iron_session.seal_data(
        {"user": "7"}, PASSWORD, ttl=300, now=time.time() - 300 - past_expiry
    )

    assert client.get("/session/").json() == ({"user": "7"} if opens else {})


def test_timestamp_skew_accepts_that_much_past_expiry(client: Client, settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "TIMESTAMP_SKEW": 60}
    client.cookies["sessionid"] = iron_session.seal_data(
        {"user": "7"}, PASSWORD, ttl=300, now=time.time() - 330
    )

    assert client.get("/session/").json() == {"user": "7"}


def test_browser_close_sessions_still_expire_in_the_seal(
    client: Client, settings: Settings
) -> None:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.SESSION_COOKIE_AGE = 600
    before = time.time()
    response = client.get("/session/write/", {"a": "1"})
    after = time.time()

    assert response.cookies["sessionid"]["max-age"] == ""
    expires_at = open_cookie(session_cookie(client)).expires_at
    assert expires_at is not None
    assert before + 600 - MILLISECOND <= expires_at <= after + 600 + MILLISECOND


def tamper(cookie: str) -> str:
    """Flip one character of the ciphertext, keeping it base64url."""
    parts = cookie.split("*")
    parts[4] = ("A" if parts[4][5] != "A" else "B").join((parts[4][:5], parts[4][6:]))
    return "*".join(parts)


def sealed_list() -> str:
    return iron_session.seal_data([1, 2], PASSWORD)


def sealed_under_another_password() -> str:
    return iron_session.seal_data({"a": 1}, "another-app's-password-that-is-32-chars-long")


#: kind: (the bad cookie made from a good one, log level, reason logged)
BAD_COOKIES: dict[str, tuple[Callable[[str], str], int, str]] = {
    "tampered": (lambda good: tamper(good), logging.WARNING, "invalid (Bad hmac value)"),
    "truncated": (
        lambda good: good[: len(good) // 2],
        logging.WARNING,
        "invalid (Incorrect number of sealed components)",
    ),
    "other password": (
        lambda good: sealed_under_another_password(),
        logging.WARNING,
        "invalid (Bad hmac value)",
    ),
    "not an object": (
        lambda good: sealed_list(),
        logging.WARNING,
        "invalid (The seal holds a list, not a dict)",
    ),
    "unknown password id": (
        lambda good: iron_session.seal_data({"a": 1}, {9: PASSWORD}),
        logging.WARNING,
        "unknown password (id '9')",
    ),
    "signed_cookies value": (
        lambda good: signing.dumps({"a": 1}, compress=True),
        logging.INFO,
        "invalid (not an Iron seal)",
    ),
    "db session key": (
        lambda good: "q2x8m0v5l3k7j1h4g6f9d2s5a8p0o3i6",
        logging.INFO,
        "invalid (not an Iron seal)",
    ),
}


@pytest.mark.parametrize("kind", BAD_COOKIES)
def test_a_bad_cookie_gives_an_empty_session_and_one_log_line(
    client: Client, log_everything: pytest.LogCaptureFixture, kind: str
) -> None:
    make, level, reason = BAD_COOKIES[kind]
    client.get("/session/write/", {"user": "7"})
    bad = make(session_cookie(client))
    client.cookies["sessionid"] = bad
    log_everything.clear()

    response = client.get("/session/")

    assert response.status_code == 200
    assert response.json() == {}
    assert response.cookies["sessionid"].value == ""  # deleted, not replaced
    [record] = rejections(log_everything)
    assert record.levelno == level
    assert reason in record.getMessage()
    assert bad not in record.getMessage()
    assert record.exc_info is None


def test_tampering_is_logged_as_a_security_event(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/session/write/", {"user": "7"})
    client.cookies["sessionid"] = tamper(session_cookie(client))

    client.get("/session/")

    [record] = rejections(caplog)
    assert record.name == "django.security.SuspiciousSession"


def test_a_bad_cookie_is_replaced_when_the_request_writes(client: Client) -> None:
    client.cookies["sessionid"] = "Fe26.2*1*garbage~2"

    client.get("/session/write/", {"user": "8"})

    assert iron_session.unseal_data(session_cookie(client), PASSWORD) == {"user": "8"}


def test_rotation_reseals_an_unread_session_under_the_newest_id(
    client: Client, settings: Settings
) -> None:
    client.get("/session/write/", {"user": "7"})
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, "2": NEWER_PASSWORD}}

    response = client.get("/session/untouched/")

    cookie = response.cookies["sessionid"].value
    assert cookie.startswith("Fe26.2*2*")
    assert iron_session.unseal_data(cookie, {2: NEWER_PASSWORD}) == {"user": "7"}
    # Once re-sealed, nothing more to do.
    assert "sessionid" not in client.get("/session/untouched/").cookies


def test_rotation_reseals_a_read_session_and_keeps_it(client: Client, settings: Settings) -> None:
    client.get("/session/write/", {"user": "7"})
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, 2: NEWER_PASSWORD}}

    assert client.get("/session/").json() == {"user": "7"}
    assert session_cookie(client).startswith("Fe26.2*2*")
    settings.IRON_SESSION = {"PASSWORD": {2: NEWER_PASSWORD}}
    assert client.get("/session/").json() == {"user": "7"}


def test_no_reseal_for_a_cookie_that_is_no_seal(client: Client) -> None:
    client.cookies["sessionid"] = "q2x8m0v5l3k7j1h4g6f9d2s5a8p0o3i6"

    assert "sessionid" not in client.get("/session/untouched/").cookies


def test_cycle_key_keeps_the_data_under_a_new_cookie(client: Client) -> None:
    client.get("/session/write/", {"user": "7"})
    before = session_cookie(client)

    client.get("/session/cycle/")

    assert session_cookie(client) != before
    assert client.get("/session/").json() == {"user": "7"}


def test_flush_deletes_the_cookie(client: Client) -> None:
    client.get("/session/write/", {"user": "7"})

    response = client.get("/session/flush/")

    assert response.cookies["sessionid"].value == ""
    assert response.cookies["sessionid"]["max-age"] == 0
    assert client.get("/session/").json() == {}


@pytest.mark.django_db
def test_log_in_and_out_with_django_auth(client: Client) -> None:
    user = User.objects.create_user("ada", password="correct horse battery staple")

    client.force_login(user)

    assert client.get("/session/").json()["_auth_user_id"] == str(user.pk)
    assert session_cookie(client).startswith("Fe26.2*1*")
    client.logout()
    assert client.get("/session/").json() == {}


# --- the size guard --------------------------------------------------------------------


def test_a_session_too_large_for_a_cookie_raises_a_clear_error(client: Client) -> None:
    with pytest.raises(SessionTooLargeError) as raised:
        client.get("/session/write/", {"a": "x" * 2000, "b": "x" * 1000, "c": "x" * 500, "d": "x"})

    message = str(raised.value)
    assert "cookie 'sessionid' would be " in message
    assert "over the limit of 4096" in message
    assert "'a' (2002 bytes), 'b' (1002 bytes), 'c' (502 bytes)." in message
    assert "'d'" not in message


COOKIE_SETTINGS: dict[str, dict[str, object]] = {
    "defaults": {},
    "every attribute": {
        "SESSION_COOKIE_NAME": "a_longer_name",
        "SESSION_COOKIE_DOMAIN": "sub.example.com",
        "SESSION_COOKIE_PATH": "/some/path/",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "None",
    },
    "browser session": {"SESSION_EXPIRE_AT_BROWSER_CLOSE": True},
    "short age": {"SESSION_COOKIE_AGE": 5},
}


@pytest.mark.parametrize("cookie_settings", COOKIE_SETTINGS)
def test_the_size_limit_is_the_exact_set_cookie_size(
    settings: Settings, cookie_settings: str
) -> None:
    for name, value in COOKIE_SETTINGS[cookie_settings].items():
        setattr(settings, name, value)
    data = {"k": "v" * 1000}
    response = Client().get("/session/write/", data)
    size = len(response.cookies[settings.SESSION_COOKIE_NAME].OutputString().encode())

    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "COOKIE_SIZE_LIMIT": size}
    assert Client().get("/session/write/", data).status_code == 200
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "COOKIE_SIZE_LIMIT": size - 1}
    with pytest.raises(SessionTooLargeError, match=f"would be {size} bytes"):
        Client().get("/session/write/", data)


# --- SessionBase behaviours, on the store itself -----------------------------------------


def reopened(store: SessionStore) -> SessionStore:
    """The store a next request builds from the cookie this one would write."""
    store.save()
    return SessionStore(store.session_key)


def test_a_new_session_is_empty_untouched_and_keyless() -> None:
    store = SessionStore()

    assert (store.modified, store.accessed, store.session_key) == (False, False, None)
    assert store.is_empty()
    assert store.load() == {}


def test_a_key_too_short_to_be_a_seal_is_no_key() -> None:
    assert SessionStore("short").session_key is None


def test_session_key_is_the_seal_and_read_only() -> None:
    store = SessionStore()
    store["a"] = 1
    store.save()

    assert store.session_key is not None
    assert iron_session.unseal_data(store.session_key, PASSWORD) == {"a": 1}
    with pytest.raises(AttributeError):
        store.session_key = "other"  # type: ignore[misc]


def test_the_store_has_every_attribute_sessionbase_init_sets() -> None:
    """The store's __init__ skips SessionBase's (for speed): an attribute a new Django sets
    there must be set by ours too, or be one the class provides (a property)."""
    cookie = iron_session.seal_data({"a": 1}, PASSWORD)
    django_store = base.SessionBase(cookie)
    store = SessionStore(cookie)

    for name, value in vars(django_store).items():
        assert name in vars(store) or hasattr(SessionStore, name), name
        assert getattr(store, name) == value, name


def test_a_store_without_revocation_cache_holds_none_of_its_state() -> None:
    store = SessionStore(iron_session.seal_data({"a": 1}, PASSWORD))
    store["b"] = 2
    store.save()
    store.cycle_key()

    assert store._revocation is None
    held = " ".join(vars(store))
    for revocation_state in ("lineage", "admitted", "held", "Admission"):
        assert revocation_state not in held
        assert revocation_state not in repr(list(vars(store).values()))


def test_the_store_class_stays_under_250_lines() -> None:
    """The store is Django's session API over session_cookie.py and revocation.py: what
    opens and seals a cookie, or admits a session, belongs there."""
    assert len(inspect.getsourcelines(SessionStore)[0]) < 250


def test_flags_follow_reads_and_writes() -> None:
    store = reopened(SessionStore())
    assert (store.accessed, store.modified) == (False, False)

    assert store.get("a") is None
    assert (store.accessed, store.modified) == (True, False)
    store["a"] = 1
    assert store.modified


def test_set_expiry_in_seconds_datetime_timedelta_zero_and_none(settings: Settings) -> None:
    store = SessionStore()
    store.set_expiry(300)
    assert store.get_expiry_age() == 300
    assert not store.get_expire_at_browser_close()

    store.set_expiry(timezone.now() + timedelta(seconds=600))
    assert 599 <= store.get_expiry_age() <= 600
    store.set_expiry(timedelta(seconds=900))
    assert 899 <= store.get_expiry_age() <= 900

    store.set_expiry(0)
    assert store.get_expire_at_browser_close()
    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE

    store.set_expiry(None)
    assert store.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert not store.get_expire_at_browser_close()


@pytest.mark.parametrize("expiry", [timedelta(seconds=-10), -10], ids=["past", "negative"])
def test_a_session_set_to_expire_before_now_does_not_load(expiry: Any) -> None:
    store = SessionStore()
    store["a"] = 1
    store.set_expiry(expiry)

    assert reopened(store).get("a") is None


@pytest.mark.parametrize("age", [1234, 86400.5])
def test_without_an_expiry_the_cookie_age_is_sealed(settings: Settings, age: float) -> None:
    settings.SESSION_COOKIE_AGE = age
    store = SessionStore()
    store["a"] = 1
    before = time.time()
    store.save()
    after = time.time()

    assert store.session_key is not None
    expires_at = iron_session.open_data(store.session_key, PASSWORD, now=0).expires_at
    assert expires_at is not None
    assert before + age - MILLISECOND <= expires_at <= after + age + MILLISECOND


@pytest.mark.parametrize(
    "ahead", [timedelta(seconds=3600), timedelta(milliseconds=500)], ids=["hour", "subsecond"]
)
def test_an_expiry_datetime_is_sealed_exactly(ahead: timedelta) -> None:
    store = SessionStore()
    expiry = timezone.now() + ahead
    store.set_expiry(expiry)
    store.save()

    assert store.session_key is not None
    expires_at = iron_session.open_data(store.session_key, PASSWORD, now=0).expires_at
    assert expires_at == pytest.approx(expiry.timestamp(), abs=MILLISECOND)


def test_cycle_key_keeps_data_and_changes_the_key() -> None:
    store = reopened(SessionStore())
    store["a"] = 1
    store.save()
    before = store.session_key

    store.cycle_key()

    assert store.session_key != before
    assert dict(reopened(store).items()) == {"a": 1}


def test_flush_clear_delete_and_exists() -> None:
    store = SessionStore()
    store["a"] = 1
    store = reopened(store)

    store.clear()
    assert (dict(store.items()), store.modified, store.accessed) == ({}, True, True)
    store = reopened(SessionStore())
    store["a"] = 1
    store.flush()
    assert (dict(store.items()), store.session_key) == ({}, None)
    assert (store.modified, store.accessed) == (True, True)
    store.delete()
    assert store.is_empty()
    assert store.exists("anything") is False


def test_clearsessions_has_nothing_to_do() -> None:
    SessionStore.clear_expired()
    call_command("clearsessions")  # raises CommandError for engines that cannot


# --- the async API ------------------------------------------------------------------------


def test_the_async_api_works_natively_without_thread_hops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def thread_hop(*args: object, **kwargs: object) -> None:
        raise AssertionError("sync_to_async was used")

    monkeypatch.setattr(base, "sync_to_async", thread_hop)

    async def scenario() -> None:
        store = SessionStore()
        await store.aset("a", 1)
        await store.aset_expiry(300)
        assert await store.aget_expiry_age() == 300
        assert not await store.aget_expire_at_browser_close()
        await store.asave()
        assert store.session_key is not None
        assert await store.aexists(store.session_key) is False

        again = SessionStore(store.session_key)
        assert await again.aget("a") == 1
        before = again.session_key
        await again.acycle_key()
        assert again.session_key != before
        assert await again.aitems() == {"a": 1, "_session_expiry": 300}.items()

        reloaded = SessionStore(again.session_key)
        assert await reloaded.aload() == {"a": 1, "_session_expiry": 300}
        await reloaded.acreate()
        assert reloaded.modified
        await reloaded.aflush()
        assert reloaded.session_key is None
        assert await reloaded.aget("a") is None
        await reloaded.adelete()
        await SessionStore.aclear_expired()

    asyncio.run(scenario())


def test_sessionbase_encode_and_decode_use_session_serializer(settings: Settings) -> None:
    # The serializer is looked up when first needed, not on every request.
    settings.SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
    store = SessionStore()

    assert store.serializer is signing.JSONSerializer
    assert store.decode(store.encode({"a": 1})) == {"a": 1}


# Issue 9, scenario 3: forged cookies naming a password id the keyring does not hold.


@pytest.mark.parametrize("path", ["/session/untouched/", "/session/"])
@pytest.mark.parametrize("password_id", ["9", "9" * 3000, "x"])
def test_a_forged_cookie_naming_an_unknown_id_is_deleted_not_resealed(
    client: Client, path: str, password_id: str
) -> None:
    client.cookies["sessionid"] = forged(password_id)

    response = client.get(path)

    assert response.cookies["sessionid"].value == ""
    assert response.cookies["sessionid"]["max-age"] == 0


def test_a_cookie_under_an_old_id_is_resealed_only_if_it_opens(
    client: Client, settings: Settings
) -> None:
    client.get("/session/write/", {"user": "7"})
    parts = session_cookie(client).split("*")
    parts[4] = ("A" if parts[4][0] != "A" else "B") + parts[4][1:]
    client.cookies["sessionid"] = "*".join(parts)
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, "2": NEWER_PASSWORD}}

    response = client.get("/session/untouched/")

    assert response.cookies["sessionid"].value == ""


def test_the_log_lines_of_forged_cookies_are_short_and_few(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    for number in range(200):
        client.cookies["sessionid"] = forged(f"{number}{'9' * 3000}")
        client.get("/session/")

    lines = [record.getMessage() for record in caplog.records]
    assert 1 <= len(lines) <= 10
    assert max(len(line) for line in lines) < 100


def test_with_every_request_saved_a_refused_cookie_is_deleted_not_resealed(
    client: Client, settings: Settings
) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client.get("/session/write/", {"user": "7"})
    parts = session_cookie(client).split("*")
    parts[4] = ("A" if parts[4][0] != "A" else "B") + parts[4][1:]
    for refused in ("*".join(parts), forged("1")):
        client.cookies["sessionid"] = refused

        response = client.get("/session/untouched/")

        assert response.cookies["sessionid"].value == ""
