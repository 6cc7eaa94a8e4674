from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from django_iron_session import iron, iron_session
from django_iron_session.backend import SessionStore
from django_iron_session.conf import get_config
from django_iron_session.known_cookies import KnownCookies, Opened, known_cookies
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import session_cookie

if TYPE_CHECKING:
    from django.test import Client
    from pytest_django import Settings

KEYRING = iron_session.as_keyring(PASSWORD)
OPTIONS = iron.Options(timestamp_skew=0)


def test_a_known_cookie_gives_its_plaintext_for_the_same_keyring_only() -> None:
    known = KnownCookies()
    expires_at = time.time() + 60
    known.add("cookie", KEYRING, Opened(b'{"a":1}', expires_at))

    assert known.opened("cookie", KEYRING, OPTIONS) == (b'{"a":1}', expires_at)
    assert known.opened("cookie", iron_session.as_keyring(NEWER_PASSWORD), OPTIONS) is None
    assert known.opened("other", KEYRING, OPTIONS) is None


def test_a_known_cookie_past_its_expiry_is_expired() -> None:
    known = KnownCookies()
    known.add("cookie", KEYRING, Opened(b"{}", time.time() - 1))

    with pytest.raises(iron.ExpiredSealError):
        known.opened("cookie", KEYRING, OPTIONS)
    assert known.opened("cookie", KEYRING, iron.Options(timestamp_skew=60)) is not None


def test_a_cookie_without_expiry_never_expires() -> None:
    known = KnownCookies()
    known.add("cookie", KEYRING, Opened(b"{}", None))

    assert known.opened("cookie", KEYRING, OPTIONS) == (b"{}", None)


def test_a_full_table_starts_over() -> None:
    known = KnownCookies(size=2)
    for value in ("a", "b", "c"):
        known.add(value, KEYRING, Opened(value.encode(), None))

    assert [known.opened(value, KEYRING, OPTIONS) for value in "abc"] == [
        None,
        None,
        (b"c", None),
    ]
    known.clear()
    assert known.opened("c", KEYRING, OPTIONS) is None


def test_a_cookie_is_known_by_its_seal_whatever_follows_the_marker() -> None:
    """Text after ``~`` is outside the MAC: it must not make a cookie a new entry."""
    known = KnownCookies()
    known.add("seal~2", KEYRING, Opened(b"{}", None))

    assert known.opened("seal", KEYRING, OPTIONS) == (b"{}", None)
    assert known.opened("seal~2" + "x" * 8192, KEYRING, OPTIONS) == (b"{}", None)
    assert known.opened("seal2~2", KEYRING, OPTIONS) is None
    known.add("seal~3" + "x" * 8192, KEYRING, Opened(b"{}", None))
    assert (len(known), known.bytes) == (1, 2 * len("seal{}"))


def test_a_table_past_its_bytes_starts_over() -> None:
    known = KnownCookies(max_bytes=100)
    for value in ("a" * 40, "b" * 40, "c" * 40):
        known.add(value + "~2", KEYRING, Opened(b"0123456789", None))

    assert known.opened("a" * 40, KEYRING, OPTIONS) is None
    assert known.opened("b" * 40, KEYRING, OPTIONS) is None
    assert known.opened("c" * 40, KEYRING, OPTIONS) == (b"0123456789", None)
    assert (len(known), known.bytes) == (1, 50)


# --- with the engine -----------------------------------------------------------------------


def sealed_session() -> str:
    store = SessionStore()
    store["a"] = 1
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_the_engine_knows_the_cookies_it_seals_and_opens() -> None:
    cookie = sealed_session()
    keyring = get_config().passwords.keyring()
    sealed = known_cookies.opened(cookie, keyring, OPTIONS)
    assert sealed is not None
    assert sealed.plaintext == b'{"a":1}'

    known_cookies.clear()
    assert SessionStore(cookie)["a"] == 1
    opened = known_cookies.opened(cookie, keyring, OPTIONS)
    assert opened is not None
    assert opened.plaintext == b'{"a":1}'
    # The seal holds whole milliseconds.
    assert opened.expires_at == pytest.approx(sealed.expires_at, abs=0.001)


def test_a_known_cookie_is_still_refused_once_expired() -> None:
    cookie = sealed_session()
    keyring = get_config().passwords.keyring()
    # As if its expiry had passed since it was sealed.
    known_cookies.add(cookie, keyring, Opened(b'{"a":1}', time.time() - 1))

    store = SessionStore(cookie)

    assert store.get("a") is None
    assert store.session_key is None


def test_a_known_cookie_is_refused_once_its_password_is_removed(settings: Settings) -> None:
    cookie = sealed_session()
    settings.IRON_SESSION = {"PASSWORD": {2: NEWER_PASSWORD}}

    assert SessionStore(cookie).get("a") is None


def test_a_thousand_variants_of_one_cookie_are_one_entry(client: Client) -> None:
    """1,023 copies of one cookie, each with 8 KB of its own after the ``~``: all open (as
    iron-session's would), and the table keeps the seal once."""
    known_cookies.clear()
    client.get("/session/write/", {"user": "42"})
    cookie = session_cookie(client)
    known_cookies.clear()

    for n in range(1023):
        client.cookies["sessionid"] = f"{cookie}{n:04d}{'x' * 8188}"
        assert client.get("/session/").json() == {"user": "42"}

    assert len(known_cookies) == 1
    assert known_cookies.bytes < len(cookie) + 100
