"""Interop with the published Node packages: @hapi/iron 7, iron-webcrypto 1 and 2,
iron-session 8 and 9 (pinned in package.json), driven through driver.mjs.

Every round trip is run both ways: Python seals and each Node library unseals, and each
Node library seals and Python unseals. Each bad input is rejected by Python and by the Node
libraries alike, except where they disagree (docs/iron-format.rst, "Compatibility notes"):
there each library's answer is checked. Tampered tokens are built by testing/forging.py, with
the primitives and not through iron.py.

A case's name says where it comes from: H (@hapi/iron's test/index.js), WH (iron-webcrypto's
tests after 2.0.0), S8 and S9 (iron-session 8's and 9's src/index.test.ts, with the number of
the case there), X (found here, rejected by everyone), D (found here, the libraries disagree);
a name without a letter was found here as well.
"""

from __future__ import annotations

import datetime
import re
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from django_iron_session import iron, iron_session
from django_iron_session.iron import (
    DEFAULT_OPTIONS,
    ExpiredSealError,
    InvalidSealError,
    IronError,
    Keyring,
    Options,
    Password,
    PasswordError,
    UnknownPasswordError,
)
from testing.constants import (
    FORMAT_EXAMPLE,
    HMAC_KEY,
    KEY16,
    KEY32,
    OTHER,
    PW,
    T0,
    T0_MS,
    VECTORS,
)
from testing.forging import b64url, edit, forge

from .node_driver import NodeDriver, NodeError

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.interop

OLD = "old-password-0123456789-0123456789-old"
NEW = "new-password-9876543210-9876543210-new"

IRON_LIBS = ("hapi7", "wc1", "wc2")
SESSION_LIBS = ("session8", "session9")
ALL_LIBS = IRON_LIBS + SESSION_LIBS


def py_password(value: Any) -> Any:
    """Python's form of a driver password: {"encryption", "integrity"} dicts become Password."""
    if isinstance(value, dict) and value.keys() <= {"id", "secret", "encryption", "integrity"}:
        spec = dict(value)
        return Password(spec.pop("secret", None), **spec)
    if isinstance(value, dict):
        return {key: py_password(item) for key, item in value.items()}
    return value


def hexed(value: Any) -> Any:
    """The driver's JSON for a password: bytes become {"hex": ...}, recursively."""
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    if isinstance(value, dict):
        return {str(key): hexed(item) for key, item in value.items()}
    return value


BASE = forge(b'{"a":1}')  # a valid token, id "1", no expiration, made without iron.py


def test_forged_base_token_is_valid_everywhere(node: NodeDriver) -> None:
    assert iron.unseal(BASE, PW, now=T0) == {"a": 1}
    for lib in IRON_LIBS:
        assert node.unseal(lib, BASE, PW) == {"a": 1}


def test_driver_runs_the_pinned_versions(node: NodeDriver) -> None:
    response = node.call(op="versions")
    assert response["ok"], response
    versions = response["result"]
    assert {k: v for k, v in versions.items() if k != "node"} == {
        "hapi7": "7.0.1",
        "wc1": "1.2.1",
        "wc2": "2.0.0",
        "session8": "8.0.4",
        "session9": "9.0.1",
    }


# ---------------------------------------------------------------------------------------
# Helpers: seal on one side, unseal on the other.


def py_seal(lib: str, data: Any, password: Any, **kwargs: Any) -> str:
    if lib in SESSION_LIBS:
        return iron_session.seal_data(data, password, **kwargs)
    return iron.seal(data, password, **kwargs)


def py_unseal(lib: str, sealed: str, password: Any, **kwargs: Any) -> Any:
    if lib in SESSION_LIBS:
        return iron_session.unseal_data(sealed, password, **kwargs)
    return iron.unseal(sealed, password, **kwargs)


def node_seal(
    node: NodeDriver,
    lib: str,
    data: Any,
    password: Any,
    *,
    ttl: float | None = None,
    **request: Any,
) -> str:
    """``ttl`` in seconds, as Python takes it; converted to ms for the raw Iron libraries."""
    if ttl is not None and lib in IRON_LIBS:
        ttl = ttl * 1000
    return node.seal(lib, data, hexed(password), ttl=ttl, **request)


def node_unseal(node: NodeDriver, lib: str, sealed: str, password: Any, **request: Any) -> Any:
    """The data, or NodeError; iron-session 9's silent ``{}`` is turned into NodeError(reason)."""
    if lib == "session9":
        data, reason = node.session9_unseal(sealed, hexed(password), **request)
        if reason is not None:
            assert data == {}
            raise NodeError(f"onUnsealError: {reason}")
        return data
    return node.unseal(lib, sealed, hexed(password), **request)


# ---------------------------------------------------------------------------------------
# Data: every library, both directions.

DATA: dict[str, Any] = {
    "simple": {"a": 1, "b": 2, "c": [3, 4, 5], "d": {"e": "f"}},
    "empty": {},
    "unicode": {
        "de": "Grüße, Öl, ß",
        "ja": "日本語のテキスト",
        "emoji": "🔑🍪👩‍💻",
        "rtl": "שלום עליכם",
        "controls": "tab\t newline\n nul\u0000 ls\u2028 ps\u2029 del\u007f",
        "quotes": "\"'\\/<>&",
        "clé ü": "keys can be unicode too",
    },
    "lone-surrogates": {"high": "\ud83d", "low": "x\udc00y"},
    "nested": {
        "user": {"id": 42, "roles": ["admin", "staff"], "profile": {"name": "Zoë", "age": None}},
        "values": [0, -1, 1.5, 1e21, 2**53 - 1, True, False, None, "", [], {}],
        "deep": {"l1": {"l2": {"l3": {"l4": {"l5": {"l6": {"l7": [[[[["bottom"]]]]]}}}}}}},
    },
    "3kb": {"user": {"id": 1, "meta": "0123456789abcdef" * 192}, "n": list(range(40))},
    "200kb": {
        "blob": "".join(chr(0x20 + (i * 7919) % 0x5F) for i in range(150_000)),
        "rows": [{"i": i, "s": f"row-{i}-ü"} for i in range(2_000)],
    },
}
RAW_ONLY_DATA: dict[
    str, Any
] = {  # iron-session reads these differently on purpose ({...data}, ?? {})
    "top-level-list": [1, "two", {"three": 3}],
    "top-level-string": "just a string",
    "top-level-number": 12.5,
    "top-level-null": None,
}


def test_payload_sizes() -> None:
    assert 3000 <= len(iron.serialize(DATA["3kb"])) < 4000
    assert 200_000 <= len(iron.serialize(DATA["200kb"])) < 300_000


def data_cases() -> list[Any]:
    cases = [
        pytest.param(lib, name, data, id=f"{lib}-{name}")
        for lib in ALL_LIBS
        for name, data in DATA.items()
    ]
    cases += [
        pytest.param(lib, name, data, id=f"{lib}-{name}")
        for lib in IRON_LIBS
        for name, data in RAW_ONLY_DATA.items()
    ]
    return cases


@pytest.mark.parametrize(("lib", "name", "data"), data_cases())
def test_python_seals_node_unseals(node: NodeDriver, lib: str, name: str, data: Any) -> None:
    sealed = py_seal(lib, data, PW, now=T0)
    assert node_unseal(node, lib, sealed, PW, now_ms=T0_MS) == data


@pytest.mark.parametrize(("lib", "name", "data"), data_cases())
def test_node_seals_python_unseals(node: NodeDriver, lib: str, name: str, data: Any) -> None:
    sealed = node_seal(node, lib, data, PW, now_ms=T0_MS)
    assert py_unseal(lib, sealed, PW, now=T0) == data


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_same_length_as_node_for_same_data(node: NodeDriver, lib: str) -> None:
    # Same JSON bytes -> same ciphertext length -> same token length (salts are fixed size).
    for data in (*DATA.values(), *RAW_ONLY_DATA.values()):
        assert len(iron.seal(data, PW)) == len(node_seal(node, lib, data, PW))


# ---------------------------------------------------------------------------------------
# Passwords and options: every raw Iron library, both directions.


@dataclass(frozen=True)
class Secret:
    """One password form, as each side spells it for sealing and for unsealing."""

    py_seal: Any
    py_unseal: Any
    node_seal: Any
    node_unseal: Any


def secret_forms(options: Options) -> dict[str, Secret]:
    key = KEY16 if options.algorithm == "aes-128-ctr" else KEY32
    emoji = "🔑" * 16  # 16 code points, 32 UTF-16 units: long enough for JS
    forms = {
        "string": Secret(PW, PW, PW, PW),
        "unicode-string": Secret(emoji, emoji, emoji, emoji),
        "key-bytes": Secret(key, key, key, key),
        "id-secret": Secret(
            Password(PW, id="k1"), {"k1": PW}, {"id": "k1", "secret": PW}, {"k1": PW}
        ),
        "id-secret-bytes": Secret(
            Password(key, id="k_2"), {"k_2": key}, {"id": "k_2", "secret": key}, {"k_2": key}
        ),
        "split-strings": Secret(
            Password(id="s", encryption=PW, integrity=OTHER),
            {"s": Password(encryption=PW, integrity=OTHER)},
            {"id": "s", "encryption": PW, "integrity": OTHER},
            {"s": {"encryption": PW, "integrity": OTHER}},
        ),
        "split-bytes": Secret(
            Password(id="b", encryption=key, integrity=HMAC_KEY),
            {"b": Password(encryption=key, integrity=HMAC_KEY)},
            {"id": "b", "encryption": key, "integrity": HMAC_KEY},
            {"b": {"encryption": key, "integrity": HMAC_KEY}},
        ),
        "split-mixed": Secret(
            Password(id="m", encryption=key, integrity=OTHER),
            {"m": Password(encryption=key, integrity=OTHER)},
            {"id": "m", "encryption": key, "integrity": OTHER},
            {"m": {"encryption": key, "integrity": OTHER}},
        ),
        "default-id-map": Secret(PW, {"default": PW}, PW, {"default": PW}),
    }
    if options.algorithm == "aes-128-ctr":
        # One buffer cannot be both a 16-byte AES-128 key and a >= 32-byte HMAC key.
        del forms["key-bytes"], forms["id-secret-bytes"]
    return forms


OPTIONS = {
    "defaults": (DEFAULT_OPTIONS, {}),
    "aes-128-ctr": (Options(algorithm="aes-128-ctr"), {"encryption": {"algorithm": "aes-128-ctr"}}),
    "iterations": (
        Options(encryption_iterations=3, integrity_iterations=2),
        {"encryption": {"iterations": 3}, "integrity": {"iterations": 2}},
    ),
    "128-bit-salts": (
        Options(encryption_salt_bits=128, integrity_salt_bits=128),
        {"encryption": {"saltBits": 128}, "integrity": {"saltBits": 128}},
    ),
    "min-length-16": (
        Options(min_password_length=16),
        {"encryption": {"minPasswordlength": 16}, "integrity": {"minPasswordlength": 16}},
    ),
}


def password_cases() -> list[Any]:
    return [
        pytest.param(lib, opt_name, form, id=f"{lib}-{opt_name}-{form}")
        for lib in IRON_LIBS
        for opt_name in OPTIONS
        for form in secret_forms(OPTIONS[opt_name][0])
    ]


MESSAGE = {"user": {"id": 7, "name": "Łukasz"}, "flags": [True, None]}


@pytest.mark.parametrize(("lib", "opt_name", "form"), password_cases())
def test_password_forms_python_to_node(
    node: NodeDriver, lib: str, opt_name: str, form: str
) -> None:
    options, node_options = OPTIONS[opt_name]
    secret = secret_forms(options)[form]
    sealed = iron.seal(MESSAGE, secret.py_seal, options=options)
    assert node.unseal(lib, sealed, hexed(secret.node_unseal), options=node_options) == MESSAGE


@pytest.mark.parametrize(("lib", "opt_name", "form"), password_cases())
def test_password_forms_node_to_python(
    node: NodeDriver, lib: str, opt_name: str, form: str
) -> None:
    options, node_options = OPTIONS[opt_name]
    secret = secret_forms(options)[form]
    sealed = node.seal(lib, MESSAGE, hexed(secret.node_seal), options=node_options)
    opened = iron.open_seal(sealed, secret.py_unseal, options=options)
    assert opened.data == MESSAGE
    assert opened.password_id == (
        secret.node_seal.get("id", "") if isinstance(secret.node_seal, dict) else ""
    )


SHORT = "twenty-characters-pw"


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_min_length_16_accepts_a_20_character_password(node: NodeDriver, lib: str) -> None:
    options, node_options = OPTIONS["min-length-16"]
    password = Password(SHORT, min_length=16)
    sealed = node.seal(lib, MESSAGE, SHORT, options=node_options)
    assert iron.unseal(sealed, password, options=options) == MESSAGE
    from_python = iron.seal(MESSAGE, password, options=options)
    assert node.unseal(lib, from_python, SHORT, options=node_options) == MESSAGE


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_min_length_16_applies_to_plain_string_passwords(node: NodeDriver, lib: str) -> None:
    options, node_options = OPTIONS["min-length-16"]
    sealed = node.seal(lib, MESSAGE, SHORT, options=node_options)
    assert iron.unseal(sealed, SHORT, options=options) == MESSAGE
    assert iron.unseal(sealed, {"default": SHORT}, options=options) == MESSAGE
    from_python = iron.seal(MESSAGE, SHORT, options=options)
    assert node.unseal(lib, from_python, SHORT, options=node_options) == MESSAGE
    short_keyring = iron.Keyring({1: SHORT}, sealing_id=1, min_length=16)
    from_python = iron.seal(MESSAGE, short_keyring, options=options)
    assert node.unseal(lib, from_python, {"1": SHORT}, options=node_options) == MESSAGE


# ---------------------------------------------------------------------------------------
# Rotation maps (raw Iron): the id in the token picks the password.

ROTATION_PY = {"1": OLD, "2": NEW}
ROTATION_NODE = {"1": OLD, "2": NEW}


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize(("seal_id", "secret"), [("1", OLD), ("2", NEW)], ids=["old-id", "new-id"])
def test_rotation_python_to_node(node: NodeDriver, lib: str, seal_id: str, secret: str) -> None:
    sealed = iron.seal(MESSAGE, Password(secret, id=seal_id))
    assert sealed.split("*")[1] == seal_id
    assert node.unseal(lib, sealed, ROTATION_NODE) == MESSAGE


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize(("seal_id", "secret"), [("1", OLD), ("2", NEW)], ids=["old-id", "new-id"])
def test_rotation_node_to_python(node: NodeDriver, lib: str, seal_id: str, secret: str) -> None:
    sealed = node.seal(lib, MESSAGE, {"id": seal_id, "secret": secret})
    opened = iron.open_seal(sealed, Keyring(ROTATION_PY))
    assert (opened.data, opened.password_id) == (MESSAGE, seal_id)


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_python_keyring_seals_with_highest_id(node: NodeDriver, lib: str) -> None:
    # iron-session's rule (its keyring), in a raw seal that @hapi/iron reads
    sealed = iron.seal(MESSAGE, iron_session.as_keyring({1: OLD, 2: NEW, 10: OTHER}))
    assert sealed.split("*")[1] == "10"
    assert node.unseal(lib, sealed, {"10": OTHER}) == MESSAGE


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_unknown_id_python_to_node(node: NodeDriver, lib: str) -> None:
    sealed = iron.seal(MESSAGE, Password(PW, id="3"))
    with pytest.raises(NodeError, match="Cannot find password: 3"):
        node.unseal(lib, sealed, ROTATION_NODE)


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_unknown_id_node_to_python(node: NodeDriver, lib: str) -> None:
    sealed = node.seal(lib, MESSAGE, {"id": "3", "secret": PW})
    with pytest.raises(UnknownPasswordError, match="Cannot find password: 3") as caught:
        iron.unseal(sealed, ROTATION_PY)
    assert caught.value.reason == "unknown-password"


# ---------------------------------------------------------------------------------------
# ttl and the clock (raw Iron, both directions): expiration = now + ttl, 60 s of skew.

TTL = 100  # seconds
EXP_MS = T0_MS + TTL * 1000


def clock_cases() -> list[Any]:
    return [
        pytest.param(lib, delta_ms, ok, id=f"{lib}-{label}")
        for lib in IRON_LIBS
        for label, delta_ms, ok in [
            ("fresh", 0, True),
            ("at-expiration", TTL * 1000, True),
            ("skew-minus-1ms", TTL * 1000 + 59_999, True),
            ("skew-reached", TTL * 1000 + 60_000, False),
            ("a-day-later", 86_400_000, False),
        ]
    ]


@pytest.mark.parametrize(("lib", "delta_ms", "ok"), clock_cases())
def test_ttl_python_to_node(node: NodeDriver, lib: str, delta_ms: int, ok: bool) -> None:
    sealed = iron.seal(MESSAGE, PW, ttl=TTL, now=T0)
    assert sealed.split("*")[5] == str(EXP_MS)
    if ok:
        assert node.unseal(lib, sealed, PW, now_ms=T0_MS + delta_ms) == MESSAGE
    else:
        with pytest.raises(NodeError, match=r"^Expired seal$"):
            node.unseal(lib, sealed, PW, now_ms=T0_MS + delta_ms)


@pytest.mark.parametrize(("lib", "delta_ms", "ok"), clock_cases())
def test_ttl_node_to_python(node: NodeDriver, lib: str, delta_ms: int, ok: bool) -> None:
    sealed = node.seal(lib, MESSAGE, PW, ttl=TTL * 1000, now_ms=T0_MS)
    assert sealed.split("*")[5] == str(EXP_MS)
    now = (T0_MS + delta_ms) / 1000
    if ok:
        opened = iron.open_seal(sealed, PW, now=now)
        assert (opened.data, opened.expires_at) == (MESSAGE, EXP_MS / 1000)
    else:
        with pytest.raises(ExpiredSealError, match=r"^Expired seal$") as caught:
            iron.unseal(sealed, PW, now=now)
        assert caught.value.reason == "expired"


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_ttl_zero_never_expires_both_ways(node: NodeDriver, lib: str) -> None:
    far = T0_MS + 50 * 365 * 86_400_000
    from_python = iron.seal(MESSAGE, PW, ttl=0, now=T0)
    from_node = node.seal(lib, MESSAGE, PW, ttl=0, now_ms=T0_MS)
    assert from_python.split("*")[5] == from_node.split("*")[5] == ""
    assert node.unseal(lib, from_python, PW, now_ms=far) == MESSAGE
    opened = iron.open_seal(from_node, PW, now=far / 1000)
    assert (opened.data, opened.expires_at) == (MESSAGE, None)


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize("skew", [0, 5, 3600])
def test_timestamp_skew_option_both_ways(node: NodeDriver, lib: str, skew: int) -> None:
    options = Options(timestamp_skew=skew)
    node_options = {"timestampSkewSec": skew}
    from_python = iron.seal(MESSAGE, PW, ttl=TTL, now=T0)
    from_node = node.seal(lib, MESSAGE, PW, ttl=TTL * 1000, now_ms=T0_MS)
    last_ok = EXP_MS + skew * 1000 - 1
    assert node.unseal(lib, from_python, PW, options=node_options, now_ms=last_ok) == MESSAGE
    assert iron.unseal(from_node, PW, options=options, now=last_ok / 1000) == MESSAGE
    with pytest.raises(NodeError, match="Expired seal"):
        node.unseal(lib, from_python, PW, options=node_options, now_ms=last_ok + 1)
    with pytest.raises(ExpiredSealError):
        iron.unseal(from_node, PW, options=options, now=(last_ok + 1) / 1000)


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_localtime_offset_both_ways(node: NodeDriver, lib: str) -> None:
    # Both clocks 100 s fast, corrected by the offset on both sides (hapi's own test).
    options = Options(localtime_offset=-100)
    node_options = {"localtimeOffsetMsec": -100_000}
    from_python = iron.seal(MESSAGE, PW, ttl=TTL, now=T0 + 100, options=options)
    from_node = node.seal(
        lib, MESSAGE, PW, ttl=TTL * 1000, now_ms=T0_MS + 100_000, options=node_options
    )
    assert from_python.split("*")[5] == from_node.split("*")[5] == str(EXP_MS)
    late = T0_MS + 100_000 + TTL * 1000 + 60_000
    with pytest.raises(NodeError, match="Expired seal"):
        node.unseal(lib, from_python, PW, now_ms=late, options=node_options)
    with pytest.raises(ExpiredSealError):
        iron.unseal(from_node, PW, now=late / 1000, options=options)
    assert node.unseal(lib, from_python, PW, now_ms=late - 1, options=node_options) == MESSAGE
    assert iron.unseal(from_node, PW, now=(late - 1) / 1000, options=options) == MESSAGE


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_negative_ttl_is_accepted_within_the_skew_both_ways(node: NodeDriver, lib: str) -> None:
    from_python = iron.seal(MESSAGE, PW, ttl=-10, now=T0)
    from_node = node.seal(lib, MESSAGE, PW, ttl=-10_000, now_ms=T0_MS)
    assert from_python.split("*")[5] == from_node.split("*")[5] == str(T0_MS - 10_000)
    assert node.unseal(lib, from_python, PW, now_ms=T0_MS) == MESSAGE
    assert iron.unseal(from_node, PW, now=T0) == MESSAGE


# ---------------------------------------------------------------------------------------
# The iron-session layer (sealData/unsealData of v8 and v9): id of the highest key, "~2".


@pytest.mark.parametrize("lib", SESSION_LIBS)
def test_session_seal_shape_is_the_same(node: NodeDriver, lib: str) -> None:
    from_python = iron_session.seal_data({"user": {"id": 1}}, PW, now=T0)
    from_node = node_seal(node, lib, {"user": {"id": 1}}, PW, now_ms=T0_MS)
    for sealed in (from_python, from_node):
        assert len(sealed) == 265  # S8T/S9T assert .{265} for this object
        assert sealed.endswith("~2")
        assert sealed.split("*")[1] == "1"
    # both use iron-session's default ttl of 14 days
    assert from_python.split("*")[5] == from_node.split("*")[5] == str(T0_MS + 1_209_600_000)


@pytest.mark.parametrize("lib", SESSION_LIBS)
def test_session8_and_9_read_python_seal_data_as_the_data(node: NodeDriver, lib: str) -> None:
    data = {"user": {"id": 77}, "persistent": "not unwrapped"}
    sealed = iron_session.seal_data(data, PW)
    assert node.unseal(lib, sealed, PW) == data


ROTATIONS = [
    # (python sealing keyring, expected id, node unseal map, readable by node?)
    ("string", PW, "1", {"1": PW}, True),
    ("map-new", {1: OLD, 2: NEW}, "2", {"1": OLD, "2": NEW}, True),
    ("map-new-only-reader-has-new", {1: OLD, 2: NEW}, "2", {"2": NEW}, True),
    ("map-new-reader-has-old-only", {1: OLD, 2: NEW}, "2", {"1": OLD}, False),
    ("map-old", {1: OLD}, "1", {"1": OLD, "2": NEW}, True),
    ("string-keys", {"1": OLD, "9": NEW}, "9", {"1": OLD, "9": NEW}, True),
    ("numeric-order-not-string-order", {"9": OLD, "10": NEW}, "10", {"10": NEW}, True),
]


@pytest.mark.parametrize("lib", SESSION_LIBS)
@pytest.mark.parametrize(
    ("py_password", "seal_id", "node_password", "readable"),
    [pytest.param(*case[1:], id=case[0]) for case in ROTATIONS],
)
def test_session_rotation_python_to_node(
    node: NodeDriver, lib: str, py_password: Any, seal_id: str, node_password: Any, readable: bool
) -> None:
    sealed = iron_session.seal_data(MESSAGE, py_password)
    assert sealed.split("*")[1] == seal_id
    if readable:
        assert node.unseal(lib, sealed, node_password) == MESSAGE
    elif lib == "session9":
        assert node.session9_unseal(sealed, node_password) == ({}, "unknown-password")
    else:
        assert node.unseal(lib, sealed, node_password) == {}


@pytest.mark.parametrize("lib", SESSION_LIBS)
@pytest.mark.parametrize(
    ("py_password", "seal_id", "node_password", "readable"),
    [pytest.param(*case[1:], id=case[0]) for case in ROTATIONS],
)
def test_session_rotation_node_to_python(
    node: NodeDriver, lib: str, py_password: Any, seal_id: str, node_password: Any, readable: bool
) -> None:
    # Here Node seals with py_password's shape and Python reads with node_password's.
    sealed = node_seal(
        node,
        lib,
        MESSAGE,
        {str(k): v for k, v in py_password.items()}
        if isinstance(py_password, dict)
        else py_password,
    )
    assert sealed.split("*")[1] == seal_id
    if readable:
        opened = iron_session.open_data(sealed, node_password)
        assert (opened.data, opened.password_id) == (MESSAGE, seal_id)
    else:
        with pytest.raises(UnknownPasswordError) as caught:
            iron_session.unseal_data(sealed, node_password)
        assert caught.value.reason == "unknown-password"


def session_clock_cases() -> list[Any]:
    return [
        pytest.param(lib, ttl, delta_s, ok, id=f"{lib}-{label}")
        for lib in SESSION_LIBS
        for label, ttl, delta_s, ok in [
            ("ttl-3600-fresh", 3600, 0, True),
            ("ttl-3600-skew-minus-1ms", 3600, 3600 + 59.999, True),
            ("ttl-3600-expired", 3600, 3600 + 60, False),
            ("ttl-60-read-at-ttl-plus-60s", 60, 120, False),
            ("default-ttl-13-days", None, 13 * 86400, True),
            ("default-ttl-15-days", None, 15 * 86400, False),
            ("ttl-0-50-years", 0, 50 * 365 * 86400, True),
        ]
    ]


@pytest.mark.parametrize(("lib", "ttl", "delta_s", "ok"), session_clock_cases())
def test_session_ttl_python_to_node(
    node: NodeDriver, lib: str, ttl: int | None, delta_s: float, ok: bool
) -> None:
    kwargs: dict[str, Any] = {} if ttl is None else {"ttl": ttl}
    sealed = iron_session.seal_data(MESSAGE, PW, now=T0, **kwargs)
    now_ms = round((T0 + delta_s) * 1000)
    if ok:
        assert node.unseal(lib, sealed, PW, now_ms=now_ms) == MESSAGE
    elif lib == "session9":
        assert node.session9_unseal(sealed, PW, now_ms=now_ms) == ({}, "expired")
    else:
        assert node.unseal(lib, sealed, PW, now_ms=now_ms) == {}


@pytest.mark.parametrize(("lib", "ttl", "delta_s", "ok"), session_clock_cases())
def test_session_ttl_node_to_python(
    node: NodeDriver, lib: str, ttl: int | None, delta_s: float, ok: bool
) -> None:
    sealed = node_seal(node, lib, MESSAGE, PW, ttl=ttl, now_ms=T0_MS)
    assert sealed.split("*")[5] == ("" if ttl == 0 else str(T0_MS + (ttl or 1_209_600) * 1000))
    if ok:
        assert iron_session.unseal_data(sealed, PW, now=T0 + delta_s) == MESSAGE
    else:
        with pytest.raises(ExpiredSealError) as caught:
            iron_session.unseal_data(sealed, PW, now=T0 + delta_s)
        assert caught.value.reason == "expired"


@pytest.mark.parametrize("lib", SESSION_LIBS)
def test_S8_6_sealed_at_epoch_read_at_ttl_plus_60s(node: NodeDriver, lib: str) -> None:
    from_python = iron_session.seal_data(MESSAGE, PW, ttl=60, now=0)
    from_node = node.seal(lib, MESSAGE, PW, ttl=60, now_ms=0)
    assert from_python.split("*")[5] == from_node.split("*")[5] == "60000"
    if lib == "session9":
        assert node.session9_unseal(from_python, PW, now_ms=120_000) == ({}, "expired")
    else:
        assert node.unseal(lib, from_python, PW, now_ms=120_000) == {}
    assert node.unseal(lib, from_python, PW, now_ms=119_999) == MESSAGE
    with pytest.raises(ExpiredSealError):
        iron_session.unseal_data(from_node, PW, now=120)
    assert iron_session.unseal_data(from_node, PW, now=119.999) == MESSAGE


MARKERS = ["~1", "~2", "~999", "~NaN", "~2abc", "", "~", "~2~2"]


@pytest.mark.parametrize("marker", MARKERS, ids=lambda m: repr(m))
def test_version_marker_S9_12(node: NodeDriver, marker: str) -> None:
    """Python reads like iron-session 9 (marker ignored); v8 only returns the data for ~2."""
    sealed = node_seal(node, "session9", MESSAGE, PW).removesuffix("~2") + marker
    assert iron_session.unseal_data(sealed, PW) == MESSAGE
    assert node.session9_unseal(sealed, PW) == (MESSAGE, None)
    # v8: parseInt of what follows the first "~" must be 2, else it unwraps .persistent
    v8 = node.unseal("session8", sealed, PW)
    assert v8 == (MESSAGE if marker in ("~2", "~2abc", "~2~2") else {})


@pytest.mark.parametrize("lib", SESSION_LIBS)
def test_raw_seal_without_id_is_unreadable_by_iron_session(node: NodeDriver, lib: str) -> None:
    sealed = iron.seal(MESSAGE, PW)  # no id, no ~2: looked up as "default"
    if lib == "session9":
        assert node.session9_unseal(sealed, PW) == ({}, "unknown-password")
    else:
        assert node.unseal(lib, sealed, PW) == {}
    with pytest.raises(UnknownPasswordError, match="default"):
        iron_session.unseal_data(sealed, PW)


@pytest.mark.parametrize("lib", SESSION_LIBS)
def test_session_reads_raw_seal_with_id_1(node: NodeDriver, lib: str) -> None:
    # A raw Iron seal with id 1 plus "~2" is exactly what sealData writes.
    for sealer in IRON_LIBS:
        sealed = node.seal(sealer, MESSAGE, {"id": "1", "secret": PW}) + "~2"
        assert node.unseal(lib, sealed, PW) == MESSAGE
        assert iron_session.unseal_data(sealed, PW) == MESSAGE


# ---------------------------------------------------------------------------------------
# Byte-identical output with fixed salts, IV and clock.

FIXED_CASES: dict[str, tuple[Any, Any, Any, Options, dict[str, Any], int]] = {
    # name: (data, python password, node password, options, node options, ttl s)
    "format-example": (
        {"a": "ü"},
        Password(PW, id="1"),
        {"id": "1", "secret": PW},
        DEFAULT_OPTIONS,
        {},
        1,
    ),
    "no-id-no-ttl": (DATA["simple"], PW, PW, DEFAULT_OPTIONS, {}, 0),
    "unicode-nested": (
        DATA["nested"] | DATA["unicode"],
        Password(PW, id="k9"),
        {"id": "k9", "secret": PW},
        DEFAULT_OPTIONS,
        {},
        3600,
    ),
    "aes-128-ctr": (
        DATA["simple"],
        PW,
        PW,
        Options(algorithm="aes-128-ctr"),
        {"encryption": {"algorithm": "aes-128-ctr"}},
        60,
    ),
    "iterations": (
        DATA["simple"],
        PW,
        PW,
        Options(encryption_iterations=5, integrity_iterations=7),
        {"encryption": {"iterations": 5}, "integrity": {"iterations": 7}},
        0,
    ),
    "split": (
        DATA["simple"],
        Password(id="s", encryption=PW, integrity=OTHER),
        {"id": "s", "encryption": PW, "integrity": OTHER},
        DEFAULT_OPTIONS,
        {},
        0,
    ),
    "key-bytes": (DATA["simple"], KEY32, KEY32, DEFAULT_OPTIONS, {}, 10),
    "key-bytes-ctr": (
        DATA["simple"],
        Password(encryption=KEY16, integrity=HMAC_KEY),
        {"encryption": KEY16, "integrity": HMAC_KEY},
        Options(algorithm="aes-128-ctr"),
        {"encryption": {"algorithm": "aes-128-ctr"}},
        0,
    ),
    "3kb": (DATA["3kb"], PW, PW, DEFAULT_OPTIONS, {}, 0),
}

_seal_from_parts = getattr(iron, "_seal_from_parts", None)
needs_fixed_parts = pytest.mark.skipif(
    _seal_from_parts is None, reason="iron.py has no way to fix salts/IV (_seal_from_parts)"
)


def python_fixed_seal(data: Any, password: Any, options: Options, ttl: int) -> str:
    """iron.py's private _seal_from_parts with salts "a"*64 / "b"*64 and an all-zero IV."""
    password = password if isinstance(password, Password) else Password(password)
    is_key = password._encryption.is_key
    assert _seal_from_parts is not None
    sealed: str = _seal_from_parts(
        iron.serialize(data),
        password.id,
        password,
        str(T0_MS + ttl * 1000) if ttl else "",
        "" if is_key else "a" * 64,
        bytes(16),
        "" if password._integrity.is_key else "b" * 64,
        options,
    )
    return sealed


@needs_fixed_parts
def test_format_example_byte_identical() -> None:
    assert python_fixed_seal({"a": "ü"}, Password(PW, id="1"), DEFAULT_OPTIONS, 1) == FORMAT_EXAMPLE


@needs_fixed_parts
@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize("case", FIXED_CASES)
def test_fixed_salts_byte_identical(node: NodeDriver, lib: str, case: str) -> None:
    data, py_password, node_password, options, node_options, ttl = FIXED_CASES[case]
    fixed = {
        "encryption": {
            **node_options.get("encryption", {}),
            "salt": "a" * 64,
            "iv": {"hex": "00" * 16},
        },
        "integrity": {**node_options.get("integrity", {}), "salt": "b" * 64},
    }
    from_node = node.seal(
        lib,
        data,
        hexed(node_password),
        options={**node_options, **fixed},
        ttl=ttl * 1000,
        now_ms=T0_MS,
    )
    assert python_fixed_seal(data, py_password, options, ttl) == from_node
    if case == "format-example":
        assert from_node == FORMAT_EXAMPLE


@pytest.fixture
def fixed_random(monkeypatch: pytest.MonkeyPatch) -> None:
    """iron.py's randomness (os.urandom) returns 0x61 bytes, as the driver's fixed_random=97."""
    monkeypatch.setattr(iron, "os", types.SimpleNamespace(urandom=lambda n: b"\x61" * n))


def fixed_random_cases() -> list[Any]:
    # iron-session always seals with iron's defaults and a string (or map of strings).
    return [
        pytest.param(lib, case, id=f"{lib}-{case}")
        for lib in ALL_LIBS
        for case, (_, password, _, options, _, _) in FIXED_CASES.items()
        if lib in IRON_LIBS or (options is DEFAULT_OPTIONS and isinstance(password, str))
    ]


@pytest.mark.usefixtures("fixed_random")
@pytest.mark.parametrize(("lib", "case"), fixed_random_cases())
def test_fixed_randomness_byte_identical(node: NodeDriver, lib: str, case: str) -> None:
    """Public seal()/seal_data() against seal()/sealData() with the same random bytes."""
    data, py_password, node_password, options, node_options, ttl = FIXED_CASES[case]
    if lib in SESSION_LIBS:
        from_python = iron_session.seal_data(data, {1: OLD, 3: py_password}, ttl=ttl, now=T0)
        from_node = node.seal(
            lib, data, {"1": OLD, "3": node_password}, ttl=ttl, now_ms=T0_MS, fixed_random=0x61
        )
    else:
        from_python = iron.seal(data, py_password, ttl=ttl, now=T0, options=options)
        from_node = node.seal(
            lib,
            data,
            hexed(node_password),
            options=node_options,
            ttl=ttl * 1000,
            now_ms=T0_MS,
            fixed_random=0x61,
        )
    assert from_python == from_node


# ---------------------------------------------------------------------------------------
# Known-answer vectors (testing/iron-vectors.json) and the example of docs/iron-format.rst.

CTR = (Options(algorithm="aes-128-ctr"), {"encryption": {"algorithm": "aes-128-ctr"}})


def vector_options(vector: dict[str, Any]) -> tuple[Options, dict[str, Any]]:
    return CTR if "aes-128-ctr" in vector["options"] else (DEFAULT_OPTIONS, {})


def test_vectors_present() -> None:
    assert [v["name"] for v in VECTORS] == [
        "hapi-ticket",
        "ctr-ticket",
        "iron-session-v6-cookie",
    ]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_vector_python(vector: dict[str, Any]) -> None:
    options, _ = vector_options(vector)
    assert iron.unseal(vector["seal"], vector["password"], options=options) == vector["data"]


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["name"])
def test_vector_node(node: NodeDriver, lib: str, vector: dict[str, Any]) -> None:
    _, node_options = vector_options(vector)
    assert (
        node.unseal(lib, vector["seal"], vector["password"], options=node_options) == vector["data"]
    )


@pytest.mark.parametrize("lib", SESSION_LIBS)
def test_vector_v6_cookie_through_iron_session(node: NodeDriver, lib: str) -> None:
    (vector,) = [v for v in VECTORS if v["name"] == "iron-session-v6-cookie"]
    expected = vector["iron_session_v8_reads_as"] if lib == "session8" else vector["data"]
    assert node.unseal(lib, vector["seal"], vector["password"]) == expected
    # Python reads as iron-session 9 does: the raw object, no "persistent" unwrapping.
    assert iron_session.unseal_data(vector["seal"], vector["password"]) == vector["data"]


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_vector_format_example_node(node: NodeDriver, lib: str) -> None:
    assert node.unseal(lib, FORMAT_EXAMPLE, PW, now_ms=T0_MS) == {"a": "ü"}
    assert iron.unseal(FORMAT_EXAMPLE, PW, now=T0) == {"a": "ü"}


# ---------------------------------------------------------------------------------------
# Bad tokens: rejected by Python and by every Node library.
#
# Each case: how to build the token from BASE (id "1", valid), what Python raises, and what
# each Node library says (a substring; per-library where they word it differently).


@dataclass(frozen=True)
class Bad:
    token: Callable[[], str]
    error: type[IronError]
    message: str  # substring of the Python message
    node: dict[str, str]  # lib -> substring of the Node message; "*" for every lib
    password: Any = PW
    reason9: str | None = None  # iron-session 9's reason, when it differs from Python's

    def node_message(self, lib: str) -> str:
        return self.node.get(lib, self.node.get("*", ""))


def expired(exp: str) -> Callable[[], str]:
    return lambda: edit(BASE, 5, lambda _: exp, mac_ok=True)


def flip(index: int) -> Callable[[], str]:
    """One character of field ``index`` changed (S9-20)."""

    def change(value: str) -> str:
        middle = len(value) // 2
        return value[:middle] + ("B" if value[middle] != "B" else "C") + value[middle + 1 :]

    return lambda: edit(BASE, index, change, mac_ok=False)


JSON_ERROR = {
    "hapi7": "Failed parsing sealed object JSON",
    "wc1": "JSON",
    "wc2": "Failed parsing sealed object JSON",
}
DECRYPT_ERROR = {
    "hapi7": "bad decrypt",
    "wc1": "operation-specific reason",
    "wc2": "operation-specific reason",
}

BAD_TOKENS = {
    "H18-nine-parts": Bad(
        lambda: "x*" + BASE,
        InvalidSealError,
        "Incorrect number of sealed components",
        {"*": "Incorrect number of sealed components"},
    ),
    "H20-wrong-prefix": Bad(
        lambda: "Fe27.2" + BASE[6:], InvalidSealError, "Wrong mac prefix", {"*": "Wrong mac prefix"}
    ),
    "H21-wrong-hmac": Bad(
        lambda: edit(BASE, 7, lambda _: b64url(bytes(32)), mac_ok=False),
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value"},
    ),
    "H22-ciphertext-??-mac-ok": Bad(
        lambda: edit(BASE, 4, lambda v: v + "??", mac_ok=True),
        InvalidSealError,
        "Invalid character",
        {"*": "Invalid character"},
    ),
    "H23-iv-??-mac-ok": Bad(
        lambda: edit(BASE, 3, lambda v: v + "??", mac_ok=True),
        InvalidSealError,
        "Invalid character",
        {"*": "Invalid character"},
    ),
    "H24-bad-json-mac-ok": Bad(
        lambda: forge(b"{asdasd"), InvalidSealError, "Failed parsing sealed object JSON", JSON_ERROR
    ),
    "H25-expired-2013-mac-ok": Bad(
        expired("1380495854060"), ExpiredSealError, "Expired seal", {"*": "Expired seal"}
    ),
    "H26-expiration-a-mac-ok": Bad(
        expired("a"), InvalidSealError, "Invalid expiration", {"*": "Invalid expiration"}
    ),
    "WH4-wrong-encryption-secret": Bad(
        lambda: iron.seal(MESSAGE, Password(id="k", encryption=PW, integrity=OTHER)),
        InvalidSealError,
        "",
        DECRYPT_ERROR,
        password={"k": {"encryption": OLD, "integrity": OTHER}},
    ),
    "WH5-ciphertext-??-old-mac": Bad(
        lambda: edit(BASE, 4, lambda v: v + "??", mac_ok=False),
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value"},
    ),
    "WH6-iv-??-old-mac": Bad(
        lambda: edit(BASE, 3, lambda v: v + "??", mac_ok=False),
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value"},
    ),
    "WH7-hmac-??": Bad(
        lambda: BASE + "??",
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value", "wc2": "Invalid character"},
    ),
    "WH10-expiration-a-old-mac": Bad(
        lambda: edit(BASE, 5, lambda _: "a", mac_ok=False),
        InvalidSealError,
        "Invalid expiration",
        {"*": "Invalid expiration"},
    ),
    "X1-expiration-0-mac-ok": Bad(
        expired("0"),
        ExpiredSealError,
        "Expired seal",
        {"*": "Expired seal", "wc2": "Invalid expiration"},
        reason9="invalid",
    ),
    "X2-plaintext-NaN-mac-ok": Bad(
        lambda: forge(b"NaN"), InvalidSealError, "Failed parsing sealed object JSON", JSON_ERROR
    ),
    "X3-empty-string": Bad(
        lambda: "",
        InvalidSealError,
        "Incorrect number of sealed components",
        {"*": "Incorrect number of sealed components"},
    ),
    "X4-seven-stars": Bad(
        lambda: "*******", InvalidSealError, "Wrong mac prefix", {"*": "Wrong mac prefix"}
    ),
    "X5-hmac-truncated": Bad(
        lambda: BASE[:-4], InvalidSealError, "Bad hmac value", {"*": "Bad hmac value"}
    ),
    "X6-hmac-salt-uppercased": Bad(
        lambda: edit(BASE, 6, str.upper, mac_ok=False),
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value"},
    ),
    "X7-id-changed": Bad(
        lambda: edit(BASE, 1, lambda _: "2", mac_ok=False),
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value"},
        password={"1": PW, "2": PW},
    ),
    "X8-expiration-plus-1ms-old-mac": Bad(
        lambda: edit(
            edit(BASE, 5, lambda _: str(T0_MS + 10_000), mac_ok=True),
            5,
            lambda _: str(T0_MS + 10_001),
            mac_ok=False,
        ),
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value"},
    ),
    "S8-7-other-password": Bad(
        lambda: BASE, InvalidSealError, "Bad hmac value", {"*": "Bad hmac value"}, password=OTHER
    ),
    "S9-13-a*b*c*d*e*f*g*h": Bad(
        lambda: "a*b*c*d*e*f*g*h", InvalidSealError, "Wrong mac prefix", {"*": "Wrong mac prefix"}
    ),
    "S9-13-Fe26.2*1*aa*bb*cc*zz*dd*ee": Bad(
        lambda: "Fe26.2*1*aa*bb*cc*zz*dd*ee",
        InvalidSealError,
        "Invalid expiration",
        {"*": "Invalid expiration"},
    ),
    "S9-13-garbage": Bad(
        lambda: "garbage",
        InvalidSealError,
        "Incorrect number of sealed components",
        {"*": "Incorrect number of sealed components"},
    ),
    "S9-13-Fe26.2**": Bad(
        lambda: "Fe26.2**",
        InvalidSealError,
        "Incorrect number of sealed components",
        {"*": "Incorrect number of sealed components"},
    ),
    "S9-14-unknown-id": Bad(
        lambda: BASE,
        UnknownPasswordError,
        "Cannot find password: 1",
        {"*": "Cannot find password: 1"},
        password={"2": OTHER},
    ),
    "H3-unknown-id": Bad(
        lambda: iron.seal(MESSAGE, Password(PW, id="1")),
        UnknownPasswordError,
        "Cannot find password: 1",
        {"*": "Cannot find password: 1"},
        password={"2": PW},
    ),
    "S9-20-flip-enc-salt": Bad(
        flip(2), InvalidSealError, "Bad hmac value", {"*": "Bad hmac value"}
    ),
    "S9-20-flip-iv": Bad(flip(3), InvalidSealError, "Bad hmac value", {"*": "Bad hmac value"}),
    "S9-20-flip-ciphertext": Bad(
        flip(4), InvalidSealError, "Bad hmac value", {"*": "Bad hmac value"}
    ),
    "S9-20-flip-hmac-salt": Bad(
        flip(6), InvalidSealError, "Bad hmac value", {"*": "Bad hmac value"}
    ),
    "S9-20-flip-hmac": Bad(flip(7), InvalidSealError, "Bad hmac value", {"*": "Bad hmac value"}),
    "S9-20-flip-middle-of-token": Bad(
        lambda: (
            BASE[: len(BASE) // 2]
            + ("B" if BASE[len(BASE) // 2] != "B" else "C")
            + BASE[len(BASE) // 2 + 1 :]
        ),
        InvalidSealError,
        "Bad hmac value",
        {"*": "Bad hmac value"},
    ),
    "ciphertext-not-block-aligned-mac-ok": Bad(
        lambda: edit(BASE, 4, lambda v: v[:-3], mac_ok=True),
        InvalidSealError,
        "",
        {
            "hapi7": "wrong final block length",
            "wc1": "operation-specific reason",
            "wc2": "operation-specific reason",
        },
    ),
    "iv-too-short-mac-ok": Bad(
        lambda: edit(BASE, 3, lambda v: v[:-4], mac_ok=True),
        InvalidSealError,
        "",
        {"hapi7": "Invalid initialization vector", "wc1": "16 bytes", "wc2": "16 bytes"},
    ),
    "non-ascii-in-token-mac-ok": Bad(
        lambda: edit(BASE, 4, lambda v: v[:-1] + "é", mac_ok=False),
        InvalidSealError,
        "",
        {"*": "Bad hmac value"},
    ),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_bad_token_python(case: str) -> None:
    bad = BAD_TOKENS[case]
    with pytest.raises(bad.error, match=re.escape(bad.message) if bad.message else None) as caught:
        iron.unseal(bad.token(), py_password(bad.password), now=T0)
    assert (
        caught.value.reason
        == {
            InvalidSealError: "invalid",
            ExpiredSealError: "expired",
            UnknownPasswordError: "unknown-password",
        }[bad.error]
    )


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize("case", BAD_TOKENS)
def test_bad_token_node(node: NodeDriver, lib: str, case: str) -> None:
    bad = BAD_TOKENS[case]
    with pytest.raises(NodeError, match=re.escape(bad.node_message(lib))):
        node.unseal(lib, bad.token(), hexed(bad.password), now_ms=T0_MS)


V8_SWALLOWS = (
    "Expired seal",
    "Bad hmac value",
    "Cannot find password",
    "Incorrect number of sealed components",
)


@pytest.mark.parametrize("lib", SESSION_LIBS)
@pytest.mark.parametrize("case", BAD_TOKENS)
def test_bad_token_iron_session(node: NodeDriver, lib: str, case: str) -> None:
    """unsealData: v9 gives {} and a reason (= Python's, bar one documented case); v8 gives {}
    for four messages and throws the rest; Python's unseal_data raises."""
    bad = BAD_TOKENS[case]
    password = bad.password if isinstance(bad.password, dict) else {"1": bad.password}
    sealed = bad.token() + "~2"
    with pytest.raises(bad.error) as caught:
        iron_session.unseal_data(sealed, py_password(password), now=T0)
    message = bad.node_message("wc2" if lib == "session9" else "wc1")
    if lib == "session9":
        data, reason = node.session9_unseal(sealed, password, now_ms=T0_MS)
        assert data == {}
        assert reason == (bad.reason9 or caught.value.reason)
    elif message.startswith(V8_SWALLOWS):
        assert node.unseal(lib, sealed, password, now_ms=T0_MS) == {}
    else:
        with pytest.raises(NodeError, match=re.escape(message)):
            node.unseal(lib, sealed, password, now_ms=T0_MS)


@pytest.mark.parametrize("lib", IRON_LIBS)
def test_WH9_ttl_1ms_read_70s_later_by_offset(node: NodeDriver, lib: str) -> None:
    from_python = iron.seal(MESSAGE, PW, ttl=0.001, now=T0)
    from_node = node.seal(lib, MESSAGE, PW, ttl=1, now_ms=T0_MS)
    assert from_python.split("*")[5] == from_node.split("*")[5] == str(T0_MS + 1)
    with pytest.raises(NodeError, match="Expired seal"):
        node.unseal(lib, from_python, PW, now_ms=T0_MS, options={"localtimeOffsetMsec": 70_000})
    with pytest.raises(ExpiredSealError):
        iron.unseal(from_node, PW, now=T0, options=Options(localtime_offset=70))


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize("password", [None, ""], ids=["null", "empty"])
def test_H19_empty_password_on_unseal(node: NodeDriver, lib: str, password: Any) -> None:
    with pytest.raises(NodeError, match="Empty password"):
        node.unseal(lib, BASE, password)
    with pytest.raises(PasswordError, match="Empty password"):
        iron.unseal(BASE, password)


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize(
    "password",
    ["password", "x" * 31, "é" * 31, "🔑" * 15 + "x"],
    ids=["H5-password", "X10-31-chars", "31-two-byte-chars", "31-utf16-units-emoji"],
)
def test_short_password_on_unseal(node: NodeDriver, lib: str, password: str) -> None:
    with pytest.raises(
        NodeError, match=r"Password string too short \(min 32 characters required\)"
    ):
        node.unseal(lib, BASE, password)
    with pytest.raises(PasswordError, match="Password string too short"):
        iron.unseal(BASE, password)


# ---------------------------------------------------------------------------------------
# Bad seal calls (H1, H2, H4-H9, H12-H17, WH1-WH3, X9, X10, X12, S8-5).


@dataclass(frozen=True)
class BadSeal:
    password: Any  # Python's form; node_password is the driver's
    node_password: Any
    node: dict[str, str]
    error: type[Exception] = PasswordError
    message: str = ""
    data: Any = field(default_factory=lambda: {"a": 1})
    data_js: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def node_message(self, lib: str) -> str:
        return self.node.get(lib, self.node.get("*", ""))


CYCLIC_JS = "(() => { const a = []; a[0] = a; return a; })()"
_cyclic: list[Any] = []
_cyclic.append(_cyclic)

BAD_SEALS = {
    "H1-key-16-bytes": BadSeal(
        bytes(16),
        bytes(16),
        {"*": "Key buffer (password) too small"},
        message="Key buffer (password) too small",
    ),
    "X12-key-33-bytes": BadSeal(
        bytes(33), bytes(33), {"*": "Invalid key length"}, message="Invalid key length"
    ),
    "hmac-key-16-bytes": BadSeal(
        Password(encryption=KEY32, integrity=KEY16),
        {"encryption": KEY32, "integrity": KEY16},
        {"*": "Key buffer (password) too small"},
        message="Key buffer (password) too small",
    ),
    "H2-cyclic-data": BadSeal(
        bytes(16),
        bytes(16),
        {
            "hapi7": "Failed to stringify object: Converting circular structure",
            "wc1": "Converting circular structure",
            "wc2": "Data is not JSON serializable",
        },
        error=IronError,
        message="not JSON serializable",
        data=_cyclic,
        data_js=CYCLIC_JS,
    ),
    "H15-null-password": BadSeal(None, None, {"*": "Empty password"}, message="Empty password"),
    "H4-empty-password": BadSeal("", "", {"*": "Empty password"}, message="Empty password"),
    "empty-secret-with-id": BadSeal(
        None, {"id": "1", "secret": ""}, {"*": "Empty password"}, message="Empty password"
    ),
    "WH1-H5-password": BadSeal(
        "password",
        "password",
        {"*": "Password string too short (min 32 characters required)"},
        message="Password string too short",
    ),
    "X10-31-chars": BadSeal(
        "x" * 31, "x" * 31, {"*": "Password string too short"}, message="Password string too short"
    ),
    "31-utf16-units-emoji": BadSeal(
        "🔑" * 15 + "x",
        "🔑" * 15 + "x",
        {"*": "Password string too short"},
        message="Password string too short",
    ),
    "short-integrity-secret": BadSeal(
        None,
        {"id": "1", "encryption": PW, "integrity": "short"},
        {"*": "Password string too short"},
        message="Password string too short",
    ),
    "H17-id-asd$": BadSeal(
        None,
        {"id": "asd$", "secret": "asd"},
        {"*": "Invalid password id"},
        message="Invalid password id",
    ),
    "X9-id-a-b": BadSeal(
        None,
        {"id": "a b", "secret": PW},
        {"*": "Invalid password id"},
        message="Invalid password id",
    ),
    "id-non-ascii-word": BadSeal(
        None, {"id": "ü", "secret": PW}, {"*": "Invalid password id"}, message="Invalid password id"
    ),
    "id-trailing-newline": BadSeal(
        None,
        {"id": "1\n", "secret": PW},
        {"*": "Invalid password id"},
        message="Invalid password id",
    ),
    "id-star": BadSeal(
        None,
        {"id": "a*b", "secret": PW},
        {"*": "Invalid password id"},
        message="Invalid password id",
    ),
    "H7-unknown-algorithm": BadSeal(
        PW,
        PW,
        {"*": "Unknown algorithm: unknown"},
        error=iron.OptionsError,
        message="Unknown algorithm",
        options={"algorithm": "unknown"},
    ),
    "H8-WH2-salt-bits-0": BadSeal(
        PW,
        PW,
        {"*": "Missing salt and saltBits options"},
        error=iron.OptionsError,
        options={"encryption_salt_bits": 0},
    ),
    "H9-WH3-salt-bits-huge": BadSeal(
        PW,
        PW,
        {
            "hapi7": "Failed generating random bits",
            "wc1": "Invalid typed array length",
            "wc2": "Invalid typed array length",
        },
        error=iron.OptionsError,
        options={"encryption_salt_bits": 99999999999999999999},
    ),
}

NODE_OPTION_NAMES = {
    "algorithm": ("encryption", "algorithm"),
    "encryption_salt_bits": ("encryption", "saltBits"),
}


def bad_seal_python_args(bad: BadSeal) -> Any:
    if bad.password is not None or not isinstance(bad.node_password, dict):
        return bad.password
    return py_password(bad.node_password)


@pytest.mark.parametrize("case", BAD_SEALS)
def test_bad_seal_python(case: str) -> None:
    bad = BAD_SEALS[case]

    def attempt() -> None:  # building the password or the options may be what fails
        iron.seal(bad.data, bad_seal_python_args(bad), options=Options(**bad.options))

    with pytest.raises(bad.error, match=re.escape(bad.message) if bad.message else None):
        attempt()


@pytest.mark.parametrize("lib", IRON_LIBS)
@pytest.mark.parametrize("case", BAD_SEALS)
def test_bad_seal_node(node: NodeDriver, lib: str, case: str) -> None:
    bad = BAD_SEALS[case]
    options: dict[str, Any] = {}
    for name, value in bad.options.items():
        part, key = NODE_OPTION_NAMES[name]
        options.setdefault(part, {})[key] = value
    with pytest.raises(NodeError, match=re.escape(bad.node_message(lib))):
        node.seal(
            lib,
            None if bad.data_js else bad.data,
            hexed(bad.node_password),
            data_js=bad.data_js,
            options=options,
        )


@pytest.mark.parametrize("lib", SESSION_LIBS)
def test_S8_5_short_password_in_session_seal(node: NodeDriver, lib: str) -> None:
    with pytest.raises(NodeError, match="Password string too short"):
        node.seal(lib, MESSAGE, "x" * 30)
    with pytest.raises(PasswordError, match="Password string too short"):
        iron_session.seal_data(MESSAGE, "x" * 30)


# ---------------------------------------------------------------------------------------
# Where the libraries disagree (docs/iron-format.rst, "Compatibility notes"): mostly Python
# sides with @hapi/iron 7.


def _hmac_variant(change: Callable[[str], str]) -> Callable[[], str]:
    return lambda: BASE.rsplit("*", 1)[0] + "*" + change(BASE.rsplit("*", 1)[1])


def _with_dash_or_underscore_in_hmac() -> str:
    for n in range(100):
        token = forge(b'{"a":1}', mac_salt=f"{n:064x}")
        if "-" in token.rsplit("*", 1)[1] or "_" in token.rsplit("*", 1)[1]:
            return token
    raise AssertionError("unreachable")


def _flip_last_bits(digest: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    index = alphabet.index(digest[-1])
    return digest[:-1] + alphabet[index ^ 1]  # 43 chars: the last one carries 2 unused bits


@dataclass(frozen=True)
class Disagreement:
    token: Callable[[], str]
    node_accepts: dict[str, bool]
    python_accepts: bool
    password: Any = PW


DISAGREEMENTS = {
    "D1-hmac-unused-bits": Disagreement(
        _hmac_variant(_flip_last_bits), {"hapi7": False, "wc1": False, "wc2": True}, False
    ),
    "D2-hmac-padding": Disagreement(
        _hmac_variant(lambda d: d + "="), {"hapi7": False, "wc1": False, "wc2": True}, False
    ),
    "D3-hmac-plus-slash": Disagreement(
        lambda: (
            lambda t: (
                t.rsplit("*", 1)[0] + "*" + t.rsplit("*", 1)[1].replace("-", "+").replace("_", "/")
            )
        )(_with_dash_or_underscore_in_hmac()),
        {"hapi7": False, "wc1": False, "wc2": True},
        False,
    ),
    "D4-empty-plaintext": Disagreement(
        lambda: forge(b""), {"hapi7": False, "wc1": True, "wc2": False}, False
    ),
    "D5-bom-json": Disagreement(
        lambda: forge(b'\xef\xbb\xbf{"a":1}'), {"hapi7": False, "wc1": True, "wc2": True}, False
    ),
    "D6-proto-key": Disagreement(
        lambda: forge(b'{"__proto__":{"x":1}}'), {"hapi7": False, "wc1": True, "wc2": True}, True
    ),
    "D7-leading-zero-expiration": Disagreement(
        lambda: edit(BASE, 5, lambda _: "0" + str(T0_MS + 10_000), mac_ok=True),
        {"hapi7": True, "wc1": True, "wc2": False},
        True,
    ),
    "D8-40-byte-hmac-key": Disagreement(
        lambda: iron.seal(MESSAGE, Password(encryption=KEY32, integrity=bytes(range(40)))),
        {"hapi7": True, "wc1": True, "wc2": False},
        True,
        password={"default": {"encryption": KEY32, "integrity": bytes(range(40))}},
    ),
    "ciphertext-padding-mac-ok": Disagreement(
        lambda: edit(BASE, 4, lambda v: v + "=", mac_ok=True),
        {"hapi7": False, "wc1": True, "wc2": True},
        False,
    ),
    "iv-plus-slash-mac-ok": Disagreement(
        lambda: edit(
            forge(b'{"a":1}', iv=bytes([0xFB]) * 16),
            3,
            lambda v: v.replace("-", "+").replace("_", "/"),
            mac_ok=True,
        ),
        {"hapi7": False, "wc1": False, "wc2": True},
        False,
    ),
    "invalid-utf8-in-plaintext": Disagreement(
        lambda: forge(b'{"a":"\xff"}'), {"hapi7": True, "wc1": True, "wc2": True}, False
    ),
    "non-ascii-id-mac-ok": Disagreement(
        lambda: edit(BASE, 1, lambda _: "ü", mac_ok=True),
        {"hapi7": True, "wc1": True, "wc2": True},
        False,
        password={"ü": PW},
    ),
}


@pytest.mark.parametrize("case", DISAGREEMENTS)
def test_documented_disagreements(node: NodeDriver, case: str) -> None:
    bad = DISAGREEMENTS[case]
    sealed = bad.token()
    for lib, accepts in bad.node_accepts.items():
        response = node.call(
            op="unseal", lib=lib, sealed=sealed, password=hexed(bad.password), now_ms=T0_MS
        )
        assert response["ok"] is accepts, (lib, response)
    # (a Keyring refuses an id that Iron could not have sealed with, such as "ü")
    python_password = PW if case.startswith("non-ascii") else py_password(bad.password)
    if bad.python_accepts:
        iron.unseal(sealed, python_password, now=T0)
    else:
        with pytest.raises(InvalidSealError):
            iron.unseal(sealed, python_password, now=T0)


@pytest.mark.parametrize("digits", [17, 20, 21, 22, 309, 400, 5000])
def test_huge_expiration_mac_ok(node: NodeDriver, digits: int) -> None:
    """Node reads any run of digits with parseInt (a double, Infinity past 1.8e308), so a
    MAC-valid seal with a huge expiration never expires there. iron.py takes at most 21
    digits (JS itself writes 1e21 and up in exponent notation, so no sealer makes more) and
    calls longer ones "Invalid expiration": an IronError, never ValueError/OverflowError."""
    sealed = edit(BASE, 5, lambda _: "9" * digits, mac_ok=True)
    for lib in IRON_LIBS:
        assert node.unseal(lib, sealed, PW, now_ms=T0_MS) == {"a": 1}
    assert node.session9_unseal(sealed + "~2", PW) == ({"a": 1}, None)
    if digits <= 21:
        opened = iron.open_seal(sealed, PW, now=T0)
        assert opened.data == {"a": 1}
        assert opened.expires_at == int("9" * digits) / 1000
    else:
        with pytest.raises(InvalidSealError, match="Invalid expiration"):
            iron.open_seal(sealed, PW, now=T0)


def test_expired_seal_with_a_bad_mac(node: NodeDriver) -> None:
    """Node checks the expiration before the MAC, iron.py after (on purpose: it never acts on
    an unauthenticated field). A forged old expiration is "Expired seal" / reason "expired"
    in Node and "Bad hmac value" / reason "invalid" in Python; both reject it."""
    sealed = edit(BASE, 5, lambda _: "1380495854060", mac_ok=False)
    for lib in IRON_LIBS:
        with pytest.raises(NodeError, match=r"^Expired seal$"):
            node.unseal(lib, sealed, PW, now_ms=T0_MS)
    assert node.session9_unseal(sealed + "~2", PW, now_ms=T0_MS) == ({}, "expired")
    with pytest.raises(InvalidSealError, match="Bad hmac value") as caught:
        iron_session.unseal_data(sealed + "~2", PW, now=T0)
    assert caught.value.reason == "invalid"


def test_aes_128_ctr_with_a_32_byte_key(node: NodeDriver) -> None:
    """iron-webcrypto imports a 32-byte key as AES-256 and runs AES-256-CTR under the name
    aes-128-ctr; @hapi/iron (Node crypto) and Python refuse the key."""
    password = {"encryption": KEY32, "integrity": HMAC_KEY}
    ctr = {"encryption": {"algorithm": "aes-128-ctr"}}
    with pytest.raises(NodeError, match="Invalid key length"):
        node.seal("hapi7", MESSAGE, hexed(password), options=ctr)
    with pytest.raises(PasswordError):
        iron.seal(MESSAGE, py_password(password), options=Options(algorithm="aes-128-ctr"))
    keyring = {"default": password}
    for sealer in ("wc1", "wc2"):
        sealed = node.seal(sealer, MESSAGE, hexed(password), options=ctr)
        assert node.unseal("wc1", sealed, hexed(keyring), options=ctr) == MESSAGE
        assert node.unseal("wc2", sealed, hexed(keyring), options=ctr) == MESSAGE
        with pytest.raises(NodeError, match="Invalid key length"):
            node.unseal("hapi7", sealed, hexed(keyring), options=ctr)
        with pytest.raises(PasswordError):
            iron.unseal(sealed, py_password(keyring), options=Options(algorithm="aes-128-ctr"))


@pytest.mark.parametrize(
    ("data_js", "python_data", "hapi_wc1_result"),
    [
        ("({a: NaN})", {"a": float("nan")}, {"a": None}),
        ("({a: Infinity})", {"a": float("inf")}, {"a": None}),
        (
            "({d: new Date(0)})",
            {"d": datetime.datetime(1970, 1, 1)},
            {"d": "1970-01-01T00:00:00.000Z"},
        ),
    ],
    ids=["D9-NaN", "Infinity", "D10-Date"],
)
def test_unserializable_data(
    node: NodeDriver, data_js: str, python_data: Any, hapi_wc1_result: Any
) -> None:
    """JSON.stringify turns these into null / a string (hapi 7, webcrypto 1, so iron-session
    8); iron-webcrypto 2 (iron-session 9) and Python refuse to seal them."""
    for lib in ("hapi7", "wc1", "session8"):
        sealed = node.seal(lib, None, PW, data_js=data_js)
        assert py_unseal(lib, sealed, PW) == hapi_wc1_result
    for lib in ("wc2", "session9"):
        with pytest.raises(NodeError, match="not JSON serializable"):
            node.seal(lib, None, PW, data_js=data_js)
    with pytest.raises(IronError, match="not JSON serializable"):
        iron.seal(python_data, PW)
    with pytest.raises(IronError, match="not JSON serializable"):
        iron_session.seal_data(python_data, PW)
