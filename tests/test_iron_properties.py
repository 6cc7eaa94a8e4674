"""Properties of django_iron_session.iron, checked with Hypothesis.

Any JSON value round-trips; any change to a valid seal (one character, a truncation, two
fields swapped, fields re-ordered) raises an IronError and nothing else, and never opens.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from django_iron_session import iron, iron_session
from django_iron_session.iron import IronError, Options, Password
from testing.constants import KEY32, PW, T0

# Every test twice: on CPython's _json entry points, and as on a Python without them.
pytestmark = pytest.mark.usefixtures("json_path")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)

# The seals every change is made to, with a keyring that opens each (a keyring, so that
# unseal_data's lookup by id is exercised too): a session cookie (id, expiry, salts), a raw
# seal under a key buffer (empty id and salts), an aes-128-ctr seal with a named password.
CTR = Options(algorithm="aes-128-ctr")
DEFAULT = iron.DEFAULT_OPTIONS
SEALS: list[tuple[str, Any, Options]] = [
    (iron_session.seal_data({"user": {"id": 1}}, PW, now=T0).removesuffix("~2"), {1: PW}, DEFAULT),
    (iron.seal({"a": [1, 2, 3]}, KEY32), {"default": KEY32}, DEFAULT),
    (iron.seal({"a": "ü"}, Password(PW, id="k"), ttl=60, now=T0, options=CTR), {"k": PW}, CTR),
]
seal_cases = st.sampled_from(SEALS)
characters = st.characters(codec="utf-8") | st.sampled_from("*~-_=+/.0aAzZ9")


def assert_refused(sealed: str, password: Any, options: Options) -> None:
    for opener in (iron.unseal, iron_session.unseal_data):
        with pytest.raises(IronError):
            opener(sealed, password, now=T0, options=options)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_any_json_value_round_trips(data: Any) -> None:
    assert iron.unseal(iron.seal(data, PW), PW) == data
    assert iron_session.unseal_data(iron_session.seal_data(data, PW), PW) == data


@settings(max_examples=300, deadline=None)
@given(seal_cases, st.data(), characters)
def test_every_single_character_change_is_refused(
    case: tuple[str, Any, Options], data: st.DataObject, character: str
) -> None:
    sealed, password, options = case
    position = data.draw(st.integers(0, len(sealed) - 1))
    assume(sealed[position] != character)
    assert_refused(sealed[:position] + character + sealed[position + 1 :], password, options)


@settings(max_examples=150, deadline=None)
@given(seal_cases, st.data())
def test_every_truncation_is_refused(case: tuple[str, Any, Options], data: st.DataObject) -> None:
    sealed, password, options = case
    start = data.draw(st.integers(0, len(sealed) - 1))
    end = data.draw(st.integers(start, len(sealed)))
    assume(end - start < len(sealed))
    assert_refused(sealed[start:end], password, options)


@settings(max_examples=100, deadline=None)
@given(seal_cases, st.data())
def test_every_insertion_or_deletion_is_refused(
    case: tuple[str, Any, Options], data: st.DataObject
) -> None:
    sealed, password, options = case
    position = data.draw(st.integers(0, len(sealed) - 1))
    inserted = data.draw(st.text(characters, min_size=0, max_size=3))
    changed = sealed[:position] + inserted + sealed[position + 1 :]
    assume(changed != sealed)
    assert_refused(changed, password, options)


@settings(max_examples=100, deadline=None)
@given(seal_cases, st.integers(0, 7), st.integers(0, 7))
def test_every_field_swap_is_refused(
    case: tuple[str, Any, Options], first: int, second: int
) -> None:
    sealed, password, options = case
    fields = sealed.split("*")
    fields[first], fields[second] = fields[second], fields[first]
    assume("*".join(fields) != sealed)
    assert_refused("*".join(fields), password, options)


@settings(max_examples=100, deadline=None)
@given(seal_cases, st.permutations(range(8)))
def test_every_reordering_of_the_fields_is_refused(
    case: tuple[str, Any, Options], order: list[int]
) -> None:
    sealed, password, options = case
    fields = sealed.split("*")
    reordered = "*".join(fields[index] for index in order)
    assume(reordered != sealed)
    assert_refused(reordered, password, options)


@pytest.mark.parametrize(("sealed", "password", "options"), SEALS)
def test_the_seals_changed_above_open(sealed: str, password: Any, options: Options) -> None:
    for opener in (iron.unseal, iron_session.unseal_data):
        assert opener(sealed, password, now=T0, options=options)


@settings(max_examples=300, deadline=None)
@given(
    st.text(min_size=iron.MIN_PASSWORD_LENGTH, max_size=120),
    st.text(max_size=150),
    st.integers(min_value=1, max_value=3),
    st.sampled_from([1, 16, 20, 21, 32, 40, 41]),
)
def test_key_derivation_is_pbkdf2_hmac_sha1(
    secret: str, salt: str, iterations: int, length: int
) -> None:
    # The password's HMAC state is keyed once and copied per block (long passwords are
    # hashed first, as HMAC does): the bytes must be hashlib's, whatever the lengths.
    password = Password(secret)
    expected = hashlib.pbkdf2_hmac("sha1", iron._utf8(secret), salt.encode(), iterations, length)
    assert password._integrity.key(salt, iterations, length) == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.text(max_size=1000))
def test_the_mac_is_hmac_sha256(key: bytes, mac_base: str) -> None:
    # Built from hashlib's SHA-256 (keys longer than a block are hashed first, as HMAC does):
    # the bytes must be hmac's, whatever the lengths.
    expected = hmac.digest(key, mac_base.encode(), "sha256")
    assert iron._hmac(key, mac_base) == iron._b64encode(expected)
