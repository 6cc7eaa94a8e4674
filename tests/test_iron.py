"""django_iron_session.iron: the Fe26.2 format, every password form and option, every error.

Seals are checked against the upstream known-answer vectors, the byte-identical example of
docs/iron-format.rst, and tokens forged with hashlib/hmac/cryptography directly
(testing/forging.py).
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import pytest

from django_iron_session import iron, iron_session
from django_iron_session.iron import (
    DEFAULT_OPTIONS,
    ExpiredSealError,
    InvalidSealError,
    IronError,
    Keyring,
    Options,
    OptionsError,
    Password,
    PasswordError,
    UnknownPasswordError,
    Unsealed,
)
from testing.constants import FORMAT_EXAMPLE, HMAC_KEY, KEY16, KEY32, OTHER, PW, T0, VECTORS
from testing.forging import b64url, edit, forge

DATA = {"user": {"id": 1, "name": "Zoë 🔑"}, "roles": ["a", "b"], "n": None, "ok": True}


# -- known answers -----------------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_known_answer_vectors_unseal(vector: dict[str, Any]) -> None:
    options = Options(algorithm="aes-128-ctr") if "ctr" in vector["name"] else DEFAULT_OPTIONS
    opened = iron.open_seal(vector["seal"], vector["password"], options=options)
    assert opened == Unsealed(vector["data"], vector["seal"].split("*")[1], None)


def test_format_example_is_byte_identical() -> None:
    sealed = iron._seal_from_parts(
        iron.serialize({"a": "ü"}),
        "1",
        Password(PW),
        "1700000001000",
        "a" * 64,
        bytes(16),
        "b" * 64,
        DEFAULT_OPTIONS,
    )
    assert sealed == FORMAT_EXAMPLE
    assert iron.open_seal(sealed, {"1": PW}, now=T0) == Unsealed({"a": "ü"}, "1", 1700000001.0)


def test_a_seal_has_iron_layout_and_length() -> None:
    sealed = iron.seal({"user": {"id": 1}}, PW)
    prefix, password_id, salt, iv, ciphertext, expiration, hmac_salt, digest = sealed.split("*")
    assert (prefix, password_id, expiration) == ("Fe26.2", "", "")
    assert len(salt) == len(hmac_salt) == 64
    assert salt != hmac_salt
    assert int(salt, 16) >= 0
    assert salt == salt.lower()
    assert (len(iv), len(ciphertext), len(digest)) == (22, 43, 43)
    assert len(sealed) == 206 + 43
    # iron-session's test: a {user: {id: 1}} session is a 265-character cookie
    assert len(iron_session.seal_data({"user": {"id": 1}}, PW)) == 265


def test_every_seal_has_fresh_salts_and_iv() -> None:
    first, second = (iron.seal(DATA, PW).split("*") for _ in range(2))
    for index in (2, 3, 4, 6, 7):
        assert first[index] != second[index]


def test_salt_bits_set_the_salt_length_rounded_up_to_bytes() -> None:
    options = Options(encryption_salt_bits=128, integrity_salt_bits=12)
    sealed = iron.seal(DATA, PW, options=options)
    fields = sealed.split("*")
    assert (len(fields[2]), len(fields[6])) == (32, 4)
    assert iron.unseal(sealed, PW, options=options) == DATA


def test_iterations_change_the_keys_and_both_sides_must_agree() -> None:
    options = Options(encryption_iterations=3, integrity_iterations=2)
    sealed = iron.seal(DATA, PW, options=options)
    assert iron.unseal(sealed, PW, options=options) == DATA
    with pytest.raises(InvalidSealError, match="Bad hmac value"):
        iron.unseal(sealed, PW)


def test_aes_128_ctr_round_trip_and_no_padding() -> None:
    options = Options(algorithm="aes-128-ctr")
    sealed = iron.seal({"a": 1}, PW, options=options)
    assert len(base64.urlsafe_b64decode(sealed.split("*")[4] + "==")) == len(b'{"a":1}')
    assert iron.unseal(sealed, PW, options=options) == {"a": 1}
    with pytest.raises(InvalidSealError):
        iron.unseal(sealed, PW)


# -- password forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "options"),
    [
        (PW, DEFAULT_OPTIONS),
        (KEY32, DEFAULT_OPTIONS),
        (bytearray(KEY32), DEFAULT_OPTIONS),
        (memoryview(KEY32), DEFAULT_OPTIONS),
        (Password(PW), DEFAULT_OPTIONS),
        (Password(encryption=PW, integrity=OTHER), DEFAULT_OPTIONS),
        (Password(encryption=KEY32, integrity=OTHER), DEFAULT_OPTIONS),
        (Password(encryption=KEY16, integrity=HMAC_KEY), Options(algorithm="aes-128-ctr")),
        (Password(encryption=KEY32, integrity=KEY32 + HMAC_KEY[:8]), DEFAULT_OPTIONS),
        ("🔑" * 16, DEFAULT_OPTIONS),
    ],
    ids=[
        "str",
        "bytes",
        "bytearray",
        "memoryview",
        "Password",
        "split",
        "key+str",
        "ctr-keys",
        "40-byte-hmac-key",
        "emoji-32-units",
    ],
)
def test_every_password_form_round_trips(password: Any, options: Options) -> None:
    sealed = iron.seal(DATA, password, now=T0, ttl=60, options=options)
    assert iron.open_seal(sealed, password, now=T0, options=options) == Unsealed(DATA, "", T0 + 60)


def test_a_key_buffer_leaves_the_salt_fields_empty() -> None:
    fields = iron.seal(DATA, Password(encryption=KEY32, integrity=PW)).split("*")
    assert fields[2] == ""
    assert len(fields[6]) == 64
    assert iron.seal(DATA, KEY32).split("*")[6] == ""


def test_an_explicit_id_is_written_and_a_single_password_ignores_it() -> None:
    sealed = iron.seal(DATA, Password(PW, id="k_9"))
    assert sealed.split("*")[1] == "k_9"
    assert iron.open_seal(sealed, PW).password_id == "k_9"
    assert iron.unseal(sealed, {"k_9": PW}) == DATA
    with pytest.raises(UnknownPasswordError, match=r"^Cannot find password: k_9$") as caught:
        iron.unseal(sealed, {"other": PW})
    assert caught.value.reason == "unknown-password"


def test_split_secrets_both_matter() -> None:
    sealed = iron.seal(DATA, Password(encryption=PW, integrity=OTHER))
    with pytest.raises(InvalidSealError, match="Bad hmac value"):
        iron.unseal(sealed, Password(encryption=PW, integrity=PW))
    with pytest.raises(InvalidSealError):
        iron.unseal(sealed, Password(encryption=OTHER, integrity=OTHER))


def test_a_lone_surrogate_in_a_password_is_read_as_u_fffd_like_node() -> None:
    def fixed(password: Password) -> str:
        return iron._seal_from_parts(
            b"{}", "", password, "", "a" * 64, bytes(16), "b" * 64, DEFAULT_OPTIONS
        )

    assert fixed(Password("\ud800" + "x" * 31)) == fixed(Password("\ufffd" + "x" * 31))


@pytest.mark.parametrize(
    ("password", "units"),
    [("x" * 31, 31), ("🔑" * 15 + "x", 31), ("é" * 31, 31)],
)
def test_short_passwords_are_counted_in_utf16_units(password: str, units: int) -> None:
    with pytest.raises(PasswordError, match=r"^Password string too short \(min 32 characters"):
        iron.seal(DATA, password)
    assert len(password.encode("utf-16-le")) // 2 == units


def test_min_password_length_option_applies_to_every_form() -> None:
    options = Options(min_password_length=16)
    short = "twenty-characters-pw"
    sealed = iron.seal(DATA, short, options=options)
    assert iron.unseal(sealed, short, options=options) == DATA
    assert (
        iron_session.unseal_data(
            iron_session.seal_data(DATA, short, options=options), short, options=options
        )
        == DATA
    )
    built = Password(short, min_length=16)
    assert iron.unseal(iron.seal(DATA, built, options=options), built, options=options) == DATA
    # the stricter of the two wins
    with pytest.raises(PasswordError, match="too short"):
        iron.seal(DATA, built)
    with pytest.raises(PasswordError, match="min 40"):
        iron.unseal(sealed, "x" * 35, options=Options(min_password_length=40))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Password(None), "^Empty password$"),
        (lambda: Password(""), "^Empty password$"),
        (lambda: Password(b""), "^Empty password$"),
        (lambda: Password(), "^Empty password$"),
        (lambda: Password(encryption=PW), "^Empty password$"),
        (lambda: Password(["not", "a", "secret"]), "not list"),  # type: ignore[arg-type]
        (lambda: Password(12345), "not int"),  # type: ignore[arg-type]
        (lambda: Password(PW, encryption=OTHER), "not both"),
        (lambda: Password(PW, id="a b"), "^Invalid password id$"),
        (lambda: Password(PW, id="ü"), "^Invalid password id$"),
        (lambda: Password(PW, id="1\n"), "^Invalid password id$"),
        (lambda: Password(PW, id=1), "^Invalid password id$"),  # type: ignore[arg-type]
        (lambda: Password("asd", id="asd$"), "^Invalid password id$"),  # id first, as Iron
        (lambda: Password(PW, min_length="32"), "min_length"),  # type: ignore[arg-type]
    ],
)
def test_unusable_passwords(make: Any, message: str) -> None:
    with pytest.raises(PasswordError, match=message):
        make()


@pytest.mark.parametrize(
    ("password", "options", "message"),
    [
        (bytes(16), DEFAULT_OPTIONS, r"^Key buffer \(password\) too small$"),
        (bytes(33), DEFAULT_OPTIONS, "^Invalid key length"),
        (Password(encryption=KEY32, integrity=KEY16), DEFAULT_OPTIONS, "too small"),
        (
            Password(encryption=KEY32, integrity=HMAC_KEY),
            Options(algorithm="aes-128-ctr"),
            "Invalid key length: aes-128-ctr needs 16 bytes",
        ),
        (None, DEFAULT_OPTIONS, "^Empty password$"),
        ("", DEFAULT_OPTIONS, "^Empty password$"),
        ("password", DEFAULT_OPTIONS, "too short"),
        ([PW], DEFAULT_OPTIONS, "not list"),
    ],
)
def test_keys_of_the_wrong_size_or_type_fail_to_seal(
    password: Any, options: Options, message: str
) -> None:
    with pytest.raises(PasswordError, match=message):
        iron.seal(DATA, password, options=options)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (bytes(16), r"^Key buffer \(password\) too small$"),
        (None, "^Empty password$"),
        ("password", "too short"),
        ({"1": "password"}, "too short"),
    ],
)
def test_unusable_passwords_fail_to_unseal(password: Any, message: str) -> None:
    with pytest.raises(PasswordError, match=message):
        iron.unseal(VALID, password)


def test_a_key_of_the_wrong_size_fails_to_decrypt_a_seal_whose_mac_it_opens() -> None:
    password = Password(encryption=KEY16, integrity=HMAC_KEY)
    sealed = iron.seal(DATA, password, options=Options(algorithm="aes-128-ctr"))
    with pytest.raises(PasswordError, match=r"^Key buffer \(password\) too small$"):
        iron.unseal(sealed, password)


def test_password_repr_and_keyring_repr_hide_secrets() -> None:
    assert PW not in repr(Password(PW, id="1"))
    assert repr(Password(PW, id="1")) == "Password(id='1', secret=<hidden>)"
    assert repr(Keyring({1: PW, 2: OTHER})) == "Keyring(ids=['1', '2'])"


# -- keyrings and rotation ---------------------------------------------------------------


def test_the_highest_integer_id_seals_and_every_id_unseals() -> None:
    old = iron_session.seal_data(DATA, {1: OTHER})
    # Ids of both types in one literal, as the settings accept them, type-check (mypy).
    keyring = Keyring({"1": OTHER, 10: PW, "2": "a-third-password-long-enough-for-iron"})
    new = iron_session.seal_data(DATA, keyring)
    assert new.split("*")[1] == "10"
    assert iron_session.open_data(old, keyring).password_id == "1"
    assert iron_session.unseal_data(new, keyring) == DATA
    with pytest.raises(UnknownPasswordError, match="Cannot find password: 10"):
        iron_session.unseal_data(new, {1: OTHER})


def test_a_raw_iron_keyring_seals_only_with_the_id_it_names() -> None:
    # The highest id is iron-session's rule (iron_session.sealing_id), not Iron's.
    with pytest.raises(PasswordError, match=r"^This keyring only opens: it has no sealing_id$"):
        iron.seal(DATA, {1: OTHER, 2: PW})
    sealed = iron.seal(DATA, Keyring({1: OTHER, 2: PW}, sealing_id=1))
    assert iron.open_seal(sealed, {1: OTHER, 2: PW}).password_id == "1"


@pytest.mark.parametrize(
    ("id", "seals"),
    [
        ("0", True),
        ("7", True),
        ("10", True),
        ("01", False),
        ("+1", False),
        ("-1", False),
        ("1.0", False),
        ("", False),
        ("1_0", False),
        ("\u0661", False),
    ],
)
def test_only_an_integer_in_canonical_decimal_can_seal(id: str, *, seals: bool) -> None:
    # iron-session seals with String(Number(id)): "01" would be written as "1".
    assert iron.is_integer_id(id) is seals


def test_a_keyring_without_an_integer_id_only_opens() -> None:
    keyring = Keyring({"01": PW, "default": OTHER})
    assert keyring.sealing_id is None
    assert iron.unseal(iron.seal(DATA, Password(PW, id="01")), keyring) == DATA
    with pytest.raises(PasswordError, match="integer id to seal with"):
        iron_session.seal_data(DATA, keyring)


def test_a_keyring_can_name_the_id_that_seals() -> None:
    keyring = Keyring({1: OTHER, 2: PW}, sealing_id=1)
    assert keyring.sealer() == ("1", keyring["1"])
    assert iron_session.seal_data(DATA, keyring).split("*")[1] == "1"
    assert Keyring({"k": PW}, sealing_id="k").sealing_id == "k"
    with pytest.raises(PasswordError, match=r"^The sealing id 3 is not in the keyring$"):
        Keyring({1: OTHER, 2: PW}, sealing_id=3)


def test_keyring_is_a_read_only_mapping_of_passwords() -> None:
    given = Password(PW, id="other")
    mixed: dict[Any, Password | str] = {1: given, "default": OTHER}
    keyring = Keyring(mixed, sealing_id=1)
    assert list(keyring) == ["1", "default"]
    assert len(keyring) == 2
    assert keyring["1"] is given
    # A seal is written under the keyring's id, not the password's own.
    assert iron.seal(DATA, keyring).split("*")[1] == "1"
    assert given.id == "other"


def test_an_empty_id_is_looked_up_as_default() -> None:
    raw = iron.seal(DATA, PW)
    assert iron.unseal(raw, {"default": PW}) == DATA
    # iron-session's maps have no "default": a raw seal is unreadable there, as in Node
    with pytest.raises(UnknownPasswordError, match=r"^Cannot find password: default$"):
        iron_session.unseal_data(raw, PW)
    with pytest.raises(PasswordError, match="integer id to seal with"):
        iron_session.seal_data(DATA, {"default": PW})
    with pytest.raises(PasswordError, match="only opens"):
        iron.seal(DATA, {"k": PW})


def test_an_id_no_sealer_writes_is_invalid_and_kept_out_of_the_message() -> None:
    sealed = edit(iron.seal(DATA, PW), 1, "x-\x1b[31m", mac_ok=False)
    with pytest.raises(InvalidSealError, match=r"^Invalid password id$") as caught:
        iron.unseal(sealed, {"1": PW})
    assert caught.value.reason == "invalid"


@pytest.mark.parametrize(
    ("passwords", "message"),
    [
        ({}, "^Empty password$"),
        ([PW], "not list"),
        ({(1,): PW}, "must be str or int, not tuple"),
        ({"a b": PW}, "^Invalid password id$"),
        ({1: "short"}, "too short"),
        ({1: None}, "^Empty password$"),
        ({1: 3.5}, "not float"),
    ],
)
def test_unusable_keyrings(passwords: Any, message: str) -> None:
    with pytest.raises(PasswordError, match=message):
        Keyring(passwords)


# -- expiration --------------------------------------------------------------------------


def test_expiry_boundaries_with_the_default_skew() -> None:
    sealed = iron.seal(DATA, PW, ttl=1, now=T0)
    assert sealed.split("*")[5] == "1700000001000"
    assert iron.unseal(sealed, PW, now=T0 + 1 + 59.999) == DATA
    with pytest.raises(ExpiredSealError, match=r"^Expired seal$") as caught:
        iron.unseal(sealed, PW, now=T0 + 1 + 60)
    assert caught.value.reason == "expired"


def test_expiry_with_other_skew_and_clock_offsets() -> None:
    sealed = iron.seal(DATA, PW, ttl=10, now=T0)
    no_skew = Options(timestamp_skew=0)
    assert iron.unseal(sealed, PW, now=T0 + 9.999, options=no_skew) == DATA
    with pytest.raises(ExpiredSealError):
        iron.unseal(sealed, PW, now=T0 + 10, options=no_skew)
    behind = Options(localtime_offset=-100)
    assert iron.seal(DATA, PW, ttl=1, now=T0, options=behind).split("*")[5] == "1699999901000"
    with pytest.raises(ExpiredSealError):
        iron.unseal(sealed, PW, now=T0, options=Options(localtime_offset=70))


def test_negative_and_fractional_ttl() -> None:
    past = iron.seal(DATA, PW, ttl=-1, now=T0)
    assert iron.unseal(past, PW, now=T0) == DATA  # still within the skew
    with pytest.raises(ExpiredSealError):
        iron.unseal(past, PW, now=T0 + 59)
    assert iron.seal(DATA, PW, ttl=0.0004, now=T0).split("*")[5] == "1700000000000"
    assert iron.open_seal(iron.seal(DATA, PW, ttl=1.5, now=T0), PW, now=T0).expires_at == (T0 + 1.5)


def test_an_expired_seal_with_a_bad_mac_is_invalid_not_expired() -> None:
    sealed = edit(iron.seal(DATA, PW, ttl=1, now=T0), 5, "1380495854060", mac_ok=False)
    with pytest.raises(InvalidSealError, match="Bad hmac value"):
        iron.unseal(sealed, PW, now=T0)
    with pytest.raises(ExpiredSealError):
        iron.unseal(edit(sealed, 5, "1380495854060", mac_ok=True), PW, now=T0)
    with pytest.raises(ExpiredSealError):
        iron.unseal(edit(sealed, 5, "0", mac_ok=True), PW, now=T0)


def test_an_expiration_with_leading_zeros_or_21_digits_is_read() -> None:
    leading = edit(iron.seal(DATA, PW), 5, "0001700000001000", mac_ok=True)
    assert iron.open_seal(leading, PW, now=T0).expires_at == 1700000001.0
    far = edit(iron.seal(DATA, PW), 5, "9" * 21, mac_ok=True)
    assert iron.open_seal(far, PW, now=T0).expires_at == int("9" * 21) / 1000


@pytest.mark.parametrize(
    ("ttl", "now"),
    [(math.nan, None), (math.inf, None), ("60", None), (60, math.nan), (60, "now"), (60, math.inf)],
)
def test_bad_ttl_or_now_is_an_iron_error(ttl: Any, now: Any) -> None:
    with pytest.raises(IronError, match="must be a finite number of seconds"):
        iron.seal(DATA, PW, ttl=ttl, now=now)


def test_bad_now_on_unseal_is_an_iron_error() -> None:
    with pytest.raises(IronError, match="finite number"):
        iron.unseal(iron.seal(DATA, PW, ttl=60), PW, now=math.nan)


# -- options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"algorithm": "unknown"}, "^Unknown algorithm: unknown$"),
        ({"algorithm": ["aes-256-cbc"]}, "Unknown algorithm"),
        ({"encryption_salt_bits": 0}, "encryption_salt_bits"),
        ({"integrity_salt_bits": 99999999999999999999}, "integrity_salt_bits"),
        ({"encryption_salt_bits": True}, "encryption_salt_bits"),
        ({"encryption_iterations": 0}, "encryption_iterations"),
        ({"integrity_iterations": 1.0}, "integrity_iterations"),
        ({"min_password_length": "32"}, "min_password_length"),
        ({"timestamp_skew": math.nan}, "timestamp_skew"),
        ({"localtime_offset": "0"}, "localtime_offset"),
    ],
)
def test_bad_options(values: dict[str, Any], message: str) -> None:
    with pytest.raises(OptionsError, match=message) as caught:
        Options(**values)
    assert isinstance(caught.value, IronError)
    assert isinstance(caught.value, ValueError)


# -- bad seals ---------------------------------------------------------------------------

VALID = iron.seal(DATA, Password(PW, id="1"))


@pytest.mark.parametrize(
    ("sealed", "message"),
    [
        (None, "ASCII string"),
        (b"Fe26.2", "ASCII string"),
        (VALID.replace("Fe26.2", "Fé26.2"), "ASCII string"),
        ("", "^Incorrect number of sealed components$"),
        ("garbage", "^Incorrect number of sealed components$"),
        ("x*" + VALID, "^Incorrect number of sealed components$"),
        ("*******", "^Wrong mac prefix$"),
        ("Fe27.2" + VALID[6:], "^Wrong mac prefix$"),
        (edit(VALID, 5, "a", mac_ok=True), "^Invalid expiration$"),
        (edit(VALID, 5, "1.5", mac_ok=True), "^Invalid expiration$"),
        (edit(VALID, 5, "-1", mac_ok=True), "^Invalid expiration$"),
        (edit(VALID, 5, "9" * 22, mac_ok=True), "^Invalid expiration$"),
        (edit(VALID, 7, VALID.split("*")[7][:-4], mac_ok=False), "^Bad hmac value$"),
        (edit(VALID, 6, VALID.split("*")[6].upper(), mac_ok=False), "^Bad hmac value$"),
        (edit(VALID, 4, VALID.split("*")[4] + "??", mac_ok=False), "^Bad hmac value$"),
        (edit(VALID, 7, VALID.split("*")[7] + "=", mac_ok=False), "^Bad hmac value$"),
        (edit(VALID, 5, "1700000001000", mac_ok=False), "^Bad hmac value$"),
        (edit(VALID, 4, VALID.split("*")[4] + "??", mac_ok=True), "^Invalid character$"),
        (edit(VALID, 3, VALID.split("*")[3] + "??", mac_ok=True), "^Invalid character$"),
        (edit(VALID, 3, "AAAAAAAAAAAAAAAAAAAA", mac_ok=True), "^Invalid IV$"),
        (edit(VALID, 4, "AAAAA", mac_ok=True), "^Invalid base64 length$"),
        (edit(VALID, 4, "", mac_ok=True), "^Bad decrypt$"),
        (edit(VALID, 4, b64url(bytes(20)), mac_ok=True), "^Bad decrypt$"),
        (forge(b"{}" + bytes(14), pad=False), "^Bad decrypt$"),
        (forge(b"{}" + bytes(13) + b"\x11", pad=False), "^Bad decrypt$"),
        (forge(b"{}" + b"\x01" * 10 + b"\x02\x05\x05\x05", pad=False), "^Bad decrypt$"),
        (forge(b"{asdasd"), "^Failed parsing sealed object JSON$"),
        (forge(b"NaN"), "^Failed parsing sealed object JSON$"),
        (forge(b'{"a":-Infinity}'), "^Failed parsing sealed object JSON$"),
        (forge(b""), "^Failed parsing sealed object JSON$"),
        (forge(b'{"a":"\xff"}'), "^Failed parsing sealed object JSON$"),
        (forge(b"\xef\xbb\xbf{}"), "^Failed parsing sealed object JSON$"),
        (forge(b"[" * 100_000), "^Failed parsing sealed object JSON$"),
    ],
)
def test_bad_seals_raise_invalid_seal_error(sealed: Any, message: str) -> None:
    for unseal in (iron.unseal, iron_session.unseal_data):
        with pytest.raises(InvalidSealError, match=message) as caught:
            unseal(sealed, PW)
        assert caught.value.reason == "invalid"


def test_a_seal_from_another_password_is_a_bad_hmac() -> None:
    with pytest.raises(InvalidSealError, match=r"^Bad hmac value$"):
        iron.unseal(iron.seal(DATA, OTHER), PW)


def test_unseal_data_reads_forged_plaintexts_like_unseal() -> None:
    assert iron.unseal(forge(b'{"a":"\xc3\xbc"}'), PW) == {"a": "ü"}
    assert iron.unseal(forge(b' {"__proto__":1} '), PW) == {"__proto__": 1}


# -- JSON --------------------------------------------------------------------------------


def test_serialize_is_compact_utf8_like_json_stringify() -> None:
    assert (
        iron.serialize({"a": "ü", "b": [1, None, True]}) == '{"a":"ü","b":[1,null,true]}'.encode()
    )
    assert iron.serialize("\ud800") == b'"\\ud800"'  # a lone surrogate is escaped, as in JS


def test_serialize_writes_what_json_dumps_writes_and_a_failure_leaves_no_trace() -> None:
    """The C encoder is built once and shared: data it failed on halfway through (here
    after ``shared``) is not remembered as a container it is still inside."""
    shared = {"x": [1.5, -0.0, 1e300, 10**30, 'é\u2028\n"', None, True], "": {}}
    with pytest.raises(IronError, match=r"^Data is not JSON serializable"):
        iron.serialize({"a": shared, "b": object()})
    expected = json.dumps({"a": shared, "b": [shared]}, separators=(",", ":"), ensure_ascii=False)
    assert iron.serialize({"a": shared, "b": [shared]}) == expected.encode()


@pytest.mark.parametrize(
    ("plaintext", "data"),
    [(b'{"a":[1,"\xc3\xa9"]}', {"a": [1, "é"]}), (b' {"a":1}', {"a": 1}), (b'{"a":1}\n', {"a": 1})],
)
def test_deserialize_reads_json_with_or_without_whitespace_around(
    plaintext: bytes, data: Any
) -> None:
    assert iron.deserialize(plaintext) == data


@pytest.mark.parametrize("plaintext", [b"", b" ", b'{"a":1} x', b'{"a":1', b"NaN", b"\xff"])
def test_deserialize_refuses_what_is_not_one_json_value(plaintext: bytes) -> None:
    with pytest.raises(InvalidSealError, match=r"^Failed parsing sealed object JSON$"):
        iron.deserialize(plaintext)


@pytest.mark.parametrize("data", [math.nan, {"a": math.inf}, {1, 2}, b"bytes", {(1,): 1}])
def test_data_that_is_not_json_is_refused(data: Any) -> None:
    with pytest.raises(IronError, match=r"^Data is not JSON serializable"):
        iron.seal(data, PW)


def test_json_nested_deeper_than_python_goes_is_an_iron_error() -> None:
    """Python's json stops where Node's JSON.parse goes on (docs/iron-format.rst): sealing
    and opening such data fail as any bad data or seal does, not with a RecursionError."""
    depth = 100_000
    deep: Any = []
    for _ in range(depth):
        deep = [deep]
    with pytest.raises(IronError, match=r"^Data is not JSON serializable"):
        iron.seal(deep, PW)
    with pytest.raises(InvalidSealError, match=r"^Failed parsing sealed object JSON$"):
        iron.unseal(forge(b"[" * depth + b"]" * depth), PW)


def test_cyclic_data_is_refused_before_the_password_is_looked_at() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(IronError, match="not JSON serializable"):
        iron.seal(cyclic, Password(bytes(16)))


# -- the messages ------------------------------------------------------------------------


def test_messages_never_contain_secrets() -> None:
    secret = "short-secret-XYZ"
    errors: list[IronError] = []
    for attempt in (
        lambda: iron.seal(DATA, secret),
        lambda: iron.unseal(VALID, secret),
        lambda: iron.unseal(VALID, secret * 4),
        lambda: iron.unseal(VALID, {"1": secret}),
        lambda: iron_session.seal_data(DATA, {"k": secret * 4}),
        lambda: Keyring({"a b": secret * 4}),
        lambda: iron.unseal(iron.seal(DATA, secret * 4), OTHER),
    ):
        with pytest.raises(IronError) as caught:
            attempt()
        errors.append(caught.value)
    for error in errors:
        assert secret not in str(error)
        assert secret not in repr(error)
        assert error.__cause__ is None
