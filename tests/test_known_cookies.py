from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from django_iron_session import iron, iron_session
from django_iron_session.backend import SessionStore
from django_iron_session.conf import get_config
from django_iron_session.known_cookies import KnownCookies, known_cookies
from testing.constants import NEWER_PASSWORD, PASSWORD

if TYPE_CHECKING:
    from pytest_django import Settings

KEYRING = iron_session.as_keyring(PASSWORD)
OPTIONS = iron.Options(timestamp_skew=0)


def test_a_known_cookie_gives_its_plaintext_for_the_same_keyring_only() -> None:
    known = KnownCookies()
    known.add("cookie", KEYRING, time.time() + 60, b'{"a":1}')

    assert known.plaintext("cookie", KEYRING, OPTIONS) == b'{"a":1}'
    assert known.plaintext("cookie", iron_session.as_keyring(NEWER_PASSWORD), OPTIONS) is None
    assert known.plaintext("other", KEYRING, OPTIONS) is None


def test_a_known_cookie_past_its_expiry_is_expired() -> None:
    known = KnownCookies()
    known.add("cookie", KEYRING, time.time() - 1, b"{}")

    with pytest.raises(iron.ExpiredSealError):
        known.plaintext("cookie", KEYRING, OPTIONS)
    assert known.plaintext("cookie", KEYRING, iron.Options(timestamp_skew=60)) == b"{}"


def test_a_cookie_without_expiry_never_expires() -> None:
    known = KnownCookies()
    known.add("cookie", KEYRING, None, b"{}")

    assert known.plaintext("cookie", KEYRING, OPTIONS) == b"{}"


def test_a_full_table_starts_over() -> None:
    known = KnownCookies(size=2)
    for value in ("a", "b", "c"):
        known.add(value, KEYRING, None, value.encode())

    assert [known.plaintext(value, KEYRING, OPTIONS) for value in "abc"] == [None, None, b"c"]
    known.clear()
    assert known.plaintext("c", KEYRING, OPTIONS) is None


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
    assert known_cookies.plaintext(cookie, keyring, OPTIONS) == b'{"a":1}'

    known_cookies.clear()
    assert SessionStore(cookie)["a"] == 1
    assert known_cookies.plaintext(cookie, keyring, OPTIONS) == b'{"a":1}'


def test_a_known_cookie_is_still_refused_once_expired() -> None:
    cookie = sealed_session()
    keyring = get_config().passwords.keyring()
    # As if its expiry had passed since it was sealed.
    known_cookies.add(cookie, keyring, time.time() - 1, b'{"a":1}')

    store = SessionStore(cookie)

    assert store.get("a") is None
    assert store.session_key is None


def test_a_known_cookie_is_refused_once_its_password_is_removed(settings: Settings) -> None:
    cookie = sealed_session()
    settings.IRON_SESSION = {"PASSWORD": {2: NEWER_PASSWORD}}

    assert SessionStore(cookie).get("a") is None
