"""IRON_SESSION["REFRESH_AFTER"]: with SESSION_SAVE_EVERY_REQUEST, an unchanged session's
cookie is sealed again only once that would push its expiry back by REFRESH_AFTER seconds."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from django_iron_session import iron_session
from django_iron_session.backend import SessionStore
from django_iron_session.revocation import CHECKED_KEY, SID_KEY, Lineage
from testing.constants import PASSWORD
from tests.helpers import our_ids

if TYPE_CHECKING:
    from django.test import Client
    from pytest_django import Settings

AGE = 3600
MILLISECOND = 0.001

# Each test twice: with every cookie already in the known-cookies table, and with none.
pytestmark = pytest.mark.usefixtures("cookie_history")


@pytest.fixture(autouse=True)
def sliding(settings: Settings) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = True
    settings.SESSION_COOKIE_AGE = AGE
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REFRESH_AFTER": 60}


def sealed_ago(seconds: float, data: Any = None) -> str:
    """A cookie as this engine seals it, ``seconds`` ago."""
    return iron_session.seal_data(
        {"a": [1]} if data is None else data, PASSWORD, ttl=AGE, now=time.time() - seconds
    )


def expiry(cookie: str) -> float:
    expires_at = iron_session.open_data(cookie, PASSWORD).expires_at
    assert expires_at is not None
    return expires_at


def saved(cookie: str) -> str:
    """The cookie after a request that reads the session (SESSION_SAVE_EVERY_REQUEST)."""
    store = SessionStore(cookie)
    store.load()
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_a_young_unchanged_cookie_is_sent_back_as_it_is(client: Client) -> None:
    cookie = sealed_ago(59)
    client.cookies["sessionid"] = cookie

    response = client.get("/session/")

    assert response.json() == {"a": [1]}
    assert response.cookies["sessionid"].value == cookie


def test_once_refresh_after_has_passed_the_cookie_is_sealed_again() -> None:
    before = time.time()
    old = sealed_ago(61)
    cookie = saved(old)

    assert cookie != old
    assert iron_session.unseal_data(cookie, PASSWORD) == {"a": [1]}
    assert expiry(cookie) >= before + AGE - MILLISECOND


def test_without_refresh_after_every_save_seals_again(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}
    cookie = sealed_ago(1)

    assert saved(cookie) != cookie


def test_a_changed_session_is_sealed_at_once() -> None:
    store = SessionStore(sealed_ago(1))
    store["b"] = 2
    store.save()

    assert store.session_key is not None
    assert iron_session.unseal_data(store.session_key, PASSWORD) == {"a": [1], "b": 2}


def test_a_change_made_in_place_is_sealed_at_once() -> None:
    # No assignment, so `modified` stays False: the plaintext tells.
    store = SessionStore(sealed_ago(1))
    store["a"].append(2)
    store.save()

    assert store.session_key is not None
    assert iron_session.unseal_data(store.session_key, PASSWORD) == {"a": [1, 2]}


def test_log_in_always_seals_a_new_cookie() -> None:
    cookie = sealed_ago(1)
    store = SessionStore(cookie)

    store.cycle_key()

    assert store.session_key not in (None, cookie)


def test_a_cookie_sealed_under_an_older_password_is_sealed_again(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, 2: PASSWORD[::-1]}, "REFRESH_AFTER": 60}
    cookie = sealed_ago(1)

    assert saved(cookie) != cookie


def test_a_cookie_that_never_expires_is_sealed_again() -> None:
    cookie = iron_session.seal_data({"a": [1]}, PASSWORD, ttl=0)

    assert saved(cookie) != cookie


@pytest.mark.parametrize("value", ["60", -1, float("nan"), True])
def test_a_bad_value_is_an_error(settings: Settings, value: object) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REFRESH_AFTER": value}

    assert "E006" in our_ids()


def test_without_save_every_request_it_is_a_warning(settings: Settings) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = False

    assert "W013" in our_ids()


@pytest.mark.parametrize(("refresh_after", "warned"), [(AGE - 1, False), (AGE, True)])
def test_as_long_as_the_cookie_age_it_is_a_warning(
    settings: Settings, refresh_after: float, warned: bool
) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REFRESH_AFTER": refresh_after}

    assert ("W014" in our_ids()) is warned
    assert "W013" not in our_ids()


@pytest.fixture
def refresh_after_with_revocation(settings: Settings) -> None:
    """REFRESH_AFTER of a minute, with a revocation cache."""
    settings.CACHES = {
        **settings.CACHES,
        "revocation": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.IRON_SESSION = {
        "PASSWORD": PASSWORD,
        "REFRESH_AFTER": 60,
        "REVOCATION_CACHE": "revocation",
    }


@pytest.mark.usefixtures("refresh_after_with_revocation")
def test_with_revocation_a_young_cookie_keeps_its_lineage_and_is_sent_back() -> None:
    store = SessionStore()
    store["a"] = 1
    store.save()
    assert store.session_key is not None

    assert saved(store.session_key) == store.session_key


@pytest.mark.usefixtures("refresh_after_with_revocation")
def test_with_revocation_an_older_cookie_is_resealed_with_the_time_of_its_new_check() -> None:
    """A cookie a Node app re-sealed keeps the check time Django sealed; once REFRESH_AFTER
    lets Django seal it again, it carries the time of this request's check."""
    lineage = Lineage("a-session-id", created_us=0).checked_at(time.time() - 100)
    cookie = iron_session.seal_data({"a": 1, **lineage.fields()}, PASSWORD, ttl=1000)
    before = time.time()

    resealed = iron_session.unseal_data(saved(cookie), PASSWORD)

    assert resealed[SID_KEY] == "a-session-id"
    assert before * 1_000_000 - 1 <= resealed[CHECKED_KEY] <= time.time() * 1_000_000
