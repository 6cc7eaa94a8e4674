from __future__ import annotations

import tracemalloc
import zlib
from typing import TYPE_CHECKING, Any

import pytest

from django_iron_session import compression, iron, iron_session
from django_iron_session.backend import SessionTooLargeError
from django_iron_session.defaults import DEFAULTS
from testing.constants import PASSWORD
from tests.helpers import expired, our_ids, session_cookie

if TYPE_CHECKING:
    from django.test import Client
    from pytest_django import Settings

#: about 3 KB of JSON that repeats itself, as sessions holding lists of records do
REPETITIVE = {"cart": [{"sku": f"SKU-{n:04d}", "qty": 1, "gift": False} for n in range(75)]}


@pytest.fixture
def compressing(settings: Settings) -> None:
    settings.IRON_SESSION = {**settings.IRON_SESSION, "COMPRESS": True}


def test_a_small_session_stays_plain_json() -> None:
    data = {"user": "42"}

    assert compression.encode(data) == iron.serialize(data)


def test_a_repetitive_session_is_compressed_and_read_back() -> None:
    plain = iron.serialize(REPETITIVE)

    encoded = compression.encode(REPETITIVE)

    assert len(plain) > 3000
    assert encoded.startswith(b"x")
    assert len(encoded) < len(plain) / 5
    assert compression.decode(encoded) == REPETITIVE


@pytest.mark.parametrize("data", [{}, [], "x", 0, None, {"a": [1, 2]}, REPETITIVE])
def test_plain_json_is_read_whatever_it_holds(data: Any) -> None:
    assert compression.decode(iron.serialize(data)) == data


@pytest.mark.parametrize("payload", [b"x", b"x\x9c not zlib", zlib.compress(b"{")[:-3]])
def test_a_broken_zlib_stream_is_an_invalid_seal(payload: bytes) -> None:
    with pytest.raises(iron.InvalidSealError, match="Bad compressed payload"):
        compression.decode(payload)


def test_compressed_json_that_is_not_json_is_an_invalid_seal() -> None:
    with pytest.raises(iron.InvalidSealError):
        compression.decode(zlib.compress(b"{not json"))


def test_a_plain_reader_cannot_open_a_compressed_seal() -> None:
    """What a Node app sees: iron-session parses the plaintext as JSON."""
    sealed = iron_session.seal_data(REPETITIVE, PASSWORD, encode=compression.encode)

    assert iron_session.open_data(sealed, PASSWORD, decode=compression.decode).data == REPETITIVE
    with pytest.raises(iron.InvalidSealError, match="JSON"):
        iron_session.open_data(sealed, PASSWORD)


@pytest.mark.usefixtures("compressing", "cookie_history")
def test_the_session_cookie_is_compressed_when_on(client: Client, settings: Settings) -> None:
    client.get("/session/write/", {"cart": "SKU-0001 " * 300})
    compressed = session_cookie(client)
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}
    client.get("/session/write/", {"cart": "SKU-0001 " * 300})
    plain = session_cookie(client)

    assert len(compressed) < len(plain) / 3


@pytest.mark.usefixtures("compressing", "cookie_history")
def test_sessions_written_either_way_are_read_either_way(
    client: Client, settings: Settings
) -> None:
    client.get("/session/write/", {"cart": "SKU-0001 " * 300})
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}

    assert client.get("/session/").json() == {"cart": "SKU-0001 " * 300}

    client.get("/session/write/", {"colour": "red"})
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "COMPRESS": True}

    assert client.get("/session/").json() == {"cart": "SKU-0001 " * 300, "colour": "red"}


def test_compression_warns_that_node_cannot_read_it(settings: Settings) -> None:
    assert "W011" not in our_ids()

    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "COMPRESS": True}

    assert "W011" in our_ids()


def test_compress_must_be_a_bool(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "COMPRESS": "yes"}

    assert "E006" in our_ids()


# --- DECOMPRESSED_SIZE_LIMIT ---------------------------------------------------------------

LIMIT = DEFAULTS["DECOMPRESSED_SIZE_LIMIT"]
#: 12 MB of JSON in about 12 KB of zlib: four chunks of cookie
BOMB_JSON = b'{"a":"' + b"x" * 12_000_000 + b'"}'


def bomb_cookie() -> str:
    """A seal under the site's password holding 12 MB of JSON, compressed."""
    return iron_session.seal_data(zlib.compress(BOMB_JSON, 9), PASSWORD, encode=bytes)


def test_the_default_limit_is_well_under_a_megabyte() -> None:
    assert LIMIT == 128 * 1024


def test_a_stream_up_to_the_limit_opens_and_one_byte_more_does_not() -> None:
    at_limit = b'"' + b"x" * (LIMIT - 2) + b'"'

    assert compression.decode(zlib.compress(at_limit)) == at_limit[1:-1].decode()
    with pytest.raises(iron.InvalidSealError, match=f"more than {LIMIT - 1} bytes"):
        compression.decode(zlib.compress(at_limit), limit=LIMIT - 1)


def test_a_bomb_is_refused_without_inflating_it() -> None:
    stream = zlib.compress(BOMB_JSON, 9)
    tracemalloc.start()
    try:
        with pytest.raises(iron.InvalidSealError, match="more than"):
            compression.decode(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert len(stream) < 16_000
    assert peak < 1_000_000  # inflating all of it takes 12 MB


def test_a_cookie_holding_a_bomb_is_an_empty_session(client: Client) -> None:
    """12 MB of JSON in a 16 KB cookie: sealed with the site's password (a Node app, an
    older release), it is refused, not inflated on every request."""
    client.cookies["sessionid"] = cookie = bomb_cookie()

    response = client.get("/session/")

    assert len(cookie) < 16_400
    assert response.json() == {}
    assert expired(response) == {"sessionid"}


def test_the_limit_is_a_setting(client: Client, settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "DECOMPRESSED_SIZE_LIMIT": 13_000_000}
    client.cookies["sessionid"] = bomb_cookie()

    assert client.get("/session/").json() == {"a": "x" * 12_000_000}


@pytest.mark.usefixtures("compressing")
def test_a_session_past_the_limit_is_not_sealed(client: Client) -> None:
    """It would compress into one cookie: the limit, not the cookie's size, refuses it."""
    with pytest.raises(SessionTooLargeError, match=r"DECOMPRESSED_SIZE_LIMIT.*'cart'"):
        client.get("/session/write/", {"cart": "SKU-0001 " * 15_000})

    client.get("/session/write/", {"cart": "SKU-0001 " * 14_000})
    assert len(session_cookie(client)) < 4096


@pytest.mark.parametrize("limit", [0, -1, 1.5, "128k", True])
def test_the_limit_must_be_a_positive_int(settings: Settings, limit: object) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "DECOMPRESSED_SIZE_LIMIT": limit}

    assert "E006" in our_ids()


def test_a_limit_over_a_megabyte_is_a_warning(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "DECOMPRESSED_SIZE_LIMIT": 1024 * 1024}
    assert "W017" not in our_ids()

    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "DECOMPRESSED_SIZE_LIMIT": 1024 * 1024 + 1}
    assert "W017" in our_ids()
