"""django_iron_session.iron_session: what iron-session writes on top of raw Iron."""

from __future__ import annotations

from typing import Any

import pytest

from django_iron_session import iron, iron_session
from django_iron_session.iron import InvalidSealError, Keyring, Password, PasswordError
from testing.constants import KEY32, OTHER, PW, T0, VECTORS

DATA = {"user": {"id": 1, "name": "Zoë 🔑"}, "roles": ["a", "b"], "n": None, "ok": True}


def test_iron_session_v6_cookie_reads_as_its_raw_data_like_iron_session_9() -> None:
    (vector,) = [vector for vector in VECTORS if vector["name"] == "iron-session-v6-cookie"]
    assert iron_session.unseal_data(vector["seal"], vector["password"]) == vector["data"]


def test_a_plain_password_is_a_keyring_that_seals_with_id_1() -> None:
    keyring = iron_session.as_keyring(PW)
    assert keyring.sealer() == ("1", keyring["1"])


def test_keyring_of_reads_every_password_option_shape() -> None:
    keyring = Keyring({1: PW, 2: OTHER}, sealing_id=1)
    assert iron_session.as_keyring(keyring) is keyring
    opens_only = Keyring({"k": PW})
    assert iron_session.as_keyring(opens_only) is opens_only
    unnamed = Keyring({1: PW, 2: OTHER})
    highest = iron_session.as_keyring(unnamed)
    assert highest.sealing_id == "2"
    assert highest["2"] is unnamed["2"]
    assert iron_session.as_keyring(PW)["1"].id == "1"
    assert iron_session.as_keyring(KEY32)["1"]._encryption.is_key
    assert iron_session.as_keyring(Password(PW, id="x")).sealing_id == "1"
    assert iron_session.as_keyring({2: PW}).sealing_id == "2"
    assert list(iron_session.as_keyring(bytearray(KEY32))) == ["1"]  # type: ignore[arg-type]
    assert iron_session.as_keyring("x" * 20, min_length=16)["1"].id == "1"
    with pytest.raises(PasswordError, match=r"^Empty password$"):
        iron_session.as_keyring(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["1", "2", "10"], "10"),
        (["10", "9"], "10"),
        (["0"], "0"),
        (["01", "default", "k", "2"], "2"),
        (["01", "+1", "1.0", "default"], None),
        ([], None),
    ],
)
def test_the_highest_integer_id_seals(ids: list[str], expected: str | None) -> None:
    assert iron_session.sealing_id(ids) == expected


@pytest.mark.parametrize(
    "password",
    [
        PW,
        KEY32,
        Password(PW),
        Password(PW, id="named"),
        {1: PW},
        {"3": PW, "1": OTHER},
        Keyring({7: PW}),
    ],
    ids=["str", "bytes", "Password", "Password-with-id", "map", "rotation", "Keyring"],
)
def test_seal_data_always_writes_an_integer_id_and_the_marker(password: Any) -> None:
    """iron-session reads a seal without an id or without ``~2`` as an empty session, without
    an error: seal_data makes neither."""
    sealed = iron_session.seal_data(DATA, password)
    assert sealed.endswith("~2")
    assert sealed.count("~") == 1
    assert sealed.split("*")[1].isdigit()
    assert iron_session.unseal_data(sealed, password) == DATA


@pytest.mark.parametrize("marker", ["~2", "~1", "~999", "~NaN", "~2abc", "", "~", "~ü"])
def test_unseal_data_ignores_any_marker(marker: str) -> None:
    sealed = iron_session.seal_data(DATA, PW).removesuffix("~2") + marker
    assert iron_session.unseal_data(sealed, PW) == DATA


def test_seal_data_ttl_is_in_seconds_with_iron_session_default() -> None:
    assert iron_session.DEFAULT_SESSION_TTL == 1_209_600
    default = iron_session.open_data(iron_session.seal_data(DATA, PW, now=T0), PW, now=T0)
    assert default.expires_at == T0 + 1_209_600
    never = iron_session.open_data(iron_session.seal_data(DATA, PW, ttl=0), PW)
    assert never.expires_at is None
    assert iron_session.seal_data(DATA, PW, ttl=0).split("*")[5] == ""


def test_open_data_refuses_a_non_string() -> None:
    with pytest.raises(InvalidSealError):
        iron_session.open_data(None, PW)  # type: ignore[arg-type]


def test_custom_encode_and_decode() -> None:
    sealed = iron_session.seal_data("raw text", PW, encode=str.encode)
    assert iron_session.open_data(sealed, PW, decode=bytes.decode).data == "raw text"
    assert iron.open_seal(iron.seal(b"", PW, encode=bytes), PW, decode=bytes).data == b""
