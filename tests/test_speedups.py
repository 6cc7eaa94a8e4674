"""Each routine of django_iron_session.speedups gives the bytes of the library call it
stands in for (testing/library_calls.py names each), whatever the input."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_iron_session import speedups
from testing import library_calls

if TYPE_CHECKING:
    from collections.abc import Callable

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
#: HMAC keys: empty, shorter, as long as and longer than the hash's 64-byte block
hmac_keys = st.binary(max_size=64) | st.binary(min_size=64, max_size=200)


@given(key=hmac_keys, message=st.binary(max_size=600))
def test_hmac_sha256_is_hmac_digest(key: bytes, message: bytes) -> None:
    assert speedups.hmac_sha256(key, message) == library_calls.hmac_sha256(key, message)


@given(
    password=hmac_keys.filter(bool),
    salt=st.binary(max_size=80),
    iterations=st.integers(1, 3),
    length=st.integers(1, 64),
)
def test_pbkdf2_hmac_sha1_is_hashlib_pbkdf2_hmac(
    password: bytes, salt: bytes, iterations: int, length: int
) -> None:
    derived = speedups.PBKDF2HMACSHA1(password).derive(salt, iterations, length)
    assert derived == library_calls.pbkdf2_hmac_sha1(password, salt, iterations, length)


@given(json_values)
def test_encode_json_is_the_public_encoder(data: Any) -> None:
    assert speedups.encode_json(data) == library_calls.encode_json(data)


def outcome(decode: Callable[[str], Any], text: str) -> tuple[str, Any]:
    try:
        return "data", decode(text)
    except ValueError as error:
        return type(error).__name__, str(error)


@given(json_values, st.sampled_from(["", " ", "\n\t ", "x", "]"]))
def test_decode_json_is_the_public_decoder(data: Any, around: str) -> None:
    for text in (library_calls.encode_json(data), json.dumps(data, indent=1) + around):
        assert outcome(speedups.decode_json, text) == outcome(library_calls.decode_json, text)


@pytest.mark.parametrize("text", ["", " ", "NaN", "[Infinity]", "-Infinity", "1 2", "{", " [1"])
def test_decode_json_refuses_what_the_public_decoder_refuses(text: str) -> None:
    refused = outcome(library_calls.decode_json, text)
    assert refused[0] != "data"
    assert outcome(speedups.decode_json, text) == refused


def test_a_cycle_fails_as_too_deep_data_does_on_either_path() -> None:
    looped: list[Any] = []
    looped.append(looped)
    for encode in (speedups.encode_json, library_calls.encode_json):
        with pytest.raises(RecursionError):
            encode(looped)


def test_the_private_json_path_is_taken_where_cpython_has_it() -> None:
    public = speedups.json_coders(private=False)
    # CPython: the package runs on _json's entry points (the fixture runs test_iron without).
    has_private = sys.implementation.name == "cpython"
    assert (speedups.encode_json != public[0]) is has_private
    assert (speedups.decode_json != public[1]) is has_private


def test_without_json_private_module_the_public_path_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "_json", None)  # as on a Python without it
    assert speedups.json_coders() == speedups.json_coders(private=False)


def test_a_private_encoder_that_writes_other_bytes_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import _json  # type: ignore[import-not-found,unused-ignore]

    def spaced_encoder(*arguments: Any) -> Any:
        return lambda data, level: [json.dumps(data)]

    monkeypatch.setattr(_json, "make_encoder", spaced_encoder)
    assert speedups.json_coders() == speedups.json_coders(private=False)


def test_a_decoder_without_its_scanner_uses_the_public_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(speedups._json_decoder, "scan_once")
    assert speedups.json_coders() == speedups.json_coders(private=False)


def test_a_scanner_that_reads_otherwise_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speedups._json_decoder, "scan_once", lambda text, index: ({}, len(text)))
    assert speedups.json_coders() == speedups.json_coders(private=False)
