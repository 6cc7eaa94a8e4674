"""session_cookie.py on its own: opening a cookie into a session and sealing one, with no
SessionStore and no request."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pytest

from django_iron_session import iron, iron_session
from django_iron_session.conf import get_config
from django_iron_session.known_cookies import Opened, known_cookies
from django_iron_session.session_cookie import (
    CHECKED_KEY,
    CREATED_KEY,
    SID_KEY,
    Lineage,
    NotASealError,
    SessionTooLargeError,
    is_stale,
    open_session,
    seal_session,
    sealing_id,
)
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import forged

if TYPE_CHECKING:
    from pytest_django import Settings

HOUR = 3600
LINEAGE = Lineage("a-session-id", 1_700_000_000_000_000, 1_700_000_000_500_000)


def no_max_age() -> int | None:
    return None


def sealed(data: Any, **kwargs: Any) -> str:
    config = get_config()
    now = time.time()
    value = seal_session(data, config, now=now, expires_at=now + HOUR, max_age=no_max_age, **kwargs)
    assert value is not None
    return value


def opened(value: str) -> tuple[dict[str, Any], Opened, Lineage | None]:
    config = get_config()
    return open_session(value, config.passwords.keyring(), config)


def test_a_sealed_session_opens_to_its_data_and_lineage() -> None:
    value = sealed({"colour": "blue"}, lineage=LINEAGE)

    data, seal_held, lineage = opened(value)

    assert data == {"colour": "blue"}
    assert lineage == LINEAGE
    assert iron.deserialize(seal_held.plaintext) == {"colour": "blue", **LINEAGE.fields()}


def test_the_lineage_fields_never_reach_the_session_even_malformed() -> None:
    value = iron_session.seal_data({"a": 1, SID_KEY: 5, CREATED_KEY: "x"}, PASSWORD)

    data, _, lineage = opened(value)

    assert data == {"a": 1}
    assert lineage is None


def test_a_lineage_without_a_well_formed_check_time_has_none() -> None:
    fields = {SID_KEY: "sid", CREATED_KEY: 7, CHECKED_KEY: "soon"}
    value = iron_session.seal_data(fields, PASSWORD)

    assert opened(value)[2] == Lineage("sid", 7, None)


def test_a_new_seal_is_known_to_this_process() -> None:
    value = sealed({"a": 1})
    config = get_config()

    known = known_cookies.opened(value, config.passwords.keyring(), config.options)

    assert known is not None
    assert known.plaintext == b'{"a":1}'


def test_a_cookie_that_is_no_seal_is_told_apart_from_a_bad_seal() -> None:
    with pytest.raises(NotASealError):
        opened("a1b2c3d4e5")
    with pytest.raises(iron.IronError) as raised:
        opened(forged("1"))
    assert not isinstance(raised.value, NotASealError)


def test_a_seal_of_anything_but_a_dict_is_invalid() -> None:
    with pytest.raises(iron.InvalidSealError, match="holds a list"):
        opened(iron_session.seal_data([1, 2], PASSWORD))


def test_a_seal_under_an_unknown_password_id_is_refused() -> None:
    value = iron_session.seal_data({"a": 1}, {"2": NEWER_PASSWORD})

    with pytest.raises(iron.UnknownPasswordError):
        opened(value)


def test_a_compressed_session_opens(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "COMPRESS": True}
    session = {"cart": "SKU-0001 " * 200}
    value = sealed(session)

    assert len(value) < 400
    assert opened(value)[0] == session


def test_a_compressed_session_over_its_limit_is_too_large(settings: Settings) -> None:
    settings.IRON_SESSION = {
        "PASSWORD": PASSWORD,
        "COMPRESS": True,
        "DECOMPRESSED_SIZE_LIMIT": 1000,
    }

    with pytest.raises(SessionTooLargeError, match=r"DECOMPRESSED_SIZE_LIMIT.*'cart'"):
        sealed({"cart": "x" * 1000, "id": 1})


def test_a_session_too_large_names_its_largest_keys_and_holds_no_seal() -> None:
    session = {"note": "n" * 5000, "small": 1, "id": "abc", "x": [1]}

    with pytest.raises(SessionTooLargeError, match="'note' \\(5002 bytes\\)") as raised:
        sealed(session)

    assert "'small'" not in str(raised.value)
    frames = [entry.frame.f_locals for entry in raised.traceback]
    seals = [
        value
        for variables in frames
        for value in variables.values()
        if isinstance(value, str) and re.match(r"Fe26\.2\*", value)
    ]
    assert seals == []


def test_a_large_seal_asks_its_max_age_only_then() -> None:
    asked: list[int] = []

    def max_age() -> int:
        asked.append(1)
        return HOUR

    config = get_config()
    now = time.time()
    seal_session({"a": 1}, config, now=now, expires_at=now + HOUR, max_age=max_age)
    assert asked == []
    with pytest.raises(SessionTooLargeError):
        seal_session({"a": "a" * 2900}, config, now=now, expires_at=now + HOUR, max_age=max_age)
    assert asked == [1]


def test_refresh_after_keeps_a_young_unchanged_cookie(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REFRESH_AFTER": 60}
    config = get_config()
    now = time.time()
    plaintext = iron.serialize({"a": 1, **LINEAGE.fields()})
    came = Opened(plaintext, now + HOUR - 30)

    def seal(data: dict[str, Any], lineage: Lineage, expires_at: float) -> str | None:
        return seal_session(
            data,
            config,
            now=now,
            expires_at=expires_at,
            max_age=no_max_age,
            lineage=lineage,
            came=came,
            came_lineage=LINEAGE,
        )

    stamped = LINEAGE.checked_at(time.time())
    assert seal({"a": 1}, stamped, now + HOUR) is None
    # Older than REFRESH_AFTER, or changed: a new seal, carrying the new check time.
    for data, expires_at in (({"a": 1}, now + HOUR + 31), ({"a": 2}, now + HOUR)):
        value = seal(data, stamped, expires_at)
        assert value is not None
        assert opened(value)[2] == stamped


def test_without_refresh_after_an_unchanged_cookie_is_sealed_again() -> None:
    now = time.time()
    came = Opened(b'{"a":1}', now + HOUR)

    value = seal_session(
        {"a": 1}, get_config(), now=now, expires_at=now + HOUR, max_age=no_max_age, came=came
    )

    assert value is not None


def test_the_password_id_of_a_seal_is_read_without_opening_it() -> None:
    keyring = iron_session.as_keyring({"1": PASSWORD, "2": NEWER_PASSWORD})
    old = iron_session.seal_data({}, {"1": PASSWORD})

    assert sealing_id(old) == "1"
    assert sealing_id("Fe26.2*1") is None
    assert sealing_id("not a seal") is None
    assert is_stale(keyring, old)
    assert not is_stale(keyring, iron_session.seal_data({}, keyring))
    assert not is_stale(keyring, "not a seal")
