"""Properties of django_iron_session.iron, checked with Hypothesis.

Any JSON value round-trips; any change to a valid seal (one character, a truncation, two
fields swapped, fields re-ordered) raises an IronError and nothing else, and never opens.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from django_iron_session import iron, iron_session
from django_iron_session.iron import IronError, Options, Password
from testing.constants import KEY32, PW, T0

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
