"""Iron seals ("Fe26.2"), byte-compatible with @hapi/iron and iron-webcrypto.

Usable without Django. ``seal``/``unseal``/``open_seal`` speak raw Iron, with a password
or a ``Keyring`` (rotation); ``iron_session.py`` adds what iron-session writes on top.

Times are seconds since the epoch (floats), like ``time.time()``; the token itself holds
milliseconds, as Node does. Every failure, whatever the input, is an ``IronError`` (only a
caller's own ``encode``/``decode`` functions may raise their own errors).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeAlias, TypeGuard

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from django_iron_session import speedups

__all__ = [
    "DEFAULT_OPTIONS",
    "MAC_PREFIX",
    "MIN_PASSWORD_LENGTH",
    "ExpiredSealError",
    "InvalidSealError",
    "IronError",
    "Keyring",
    "KeyringInput",
    "Options",
    "OptionsError",
    "Password",
    "PasswordError",
    "PasswordInput",
    "UnknownPasswordError",
    "Unsealed",
    "deserialize",
    "is_int",
    "is_integer_id",
    "open_seal",
    "seal",
    "serialize",
    "unseal",
]

#: what every seal starts with: Iron's format version 2
MAC_PREFIX = "Fe26.2"

_KEY_BYTES = {"aes-256-cbc": 32, "aes-128-ctr": 16}
_INTEGRITY_KEY_BYTES = 32
_IV_BYTES = 16
_MAX_SALT_BITS = 8192
#: JavaScript writes 1e21 and up in exponent notation, so no sealer writes more digits.
_MAX_EXPIRATION_DIGITS = 21
_ID_RE = re.compile(r"[A-Za-z0-9_]+")  # JS /^\w+$/ is ASCII-only
_INTEGER_ID_RE = re.compile(r"0|[1-9][0-9]*")


class IronError(Exception):
    """Any failure to seal or unseal. ``reason`` mirrors iron-session 9's ``onUnsealError``."""

    reason: Literal["invalid", "expired", "unknown-password"] = "invalid"


class InvalidSealError(IronError):
    """The seal is malformed, tampered with, or was made with another password."""


class ExpiredSealError(IronError):
    """The seal was authentic but its expiration has passed (beyond the allowed skew)."""

    reason = "expired"


class UnknownPasswordError(IronError):
    """The seal names a password id that the keyring does not hold."""

    reason = "unknown-password"


class PasswordError(IronError):
    """A password is unusable: empty, too short, of the wrong type, or with a bad id."""


class OptionsError(IronError, ValueError):
    """An ``Options`` value Iron cannot work with (also a ``ValueError``, as it always was)."""


#: Iron's minimum password length, in characters as JavaScript counts them (UTF-16 units).
MIN_PASSWORD_LENGTH = 32


def is_int(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an integer and not a bool (JSON's ``true`` counts nothing)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_integer_id(id: str) -> bool:
    """Whether ``id`` is a password id that can seal: an integer in canonical decimal.

    iron-session seals with ``String(Number(id))``, so an id spelled otherwise (``"01"``)
    would name a password that Node cannot find.
    """
    return _INTEGER_ID_RE.fullmatch(id) is not None


@dataclass(frozen=True)
class Options:
    """Iron's options, @hapi/iron's defaults. Sealer and unsealer must agree on them."""

    algorithm: Literal["aes-256-cbc", "aes-128-ctr"] = "aes-256-cbc"
    encryption_salt_bits: int = 256
    integrity_salt_bits: int = 256
    encryption_iterations: int = 1
    integrity_iterations: int = 1
    min_password_length: int = MIN_PASSWORD_LENGTH
    #: seconds a seal is still accepted past its expiration (clock skew between servers)
    timestamp_skew: float = 60.0
    #: seconds added to this machine's clock, for a clock known to be off
    localtime_offset: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.algorithm, str) or self.algorithm not in _KEY_BYTES:
            raise OptionsError(f"Unknown algorithm: {self.algorithm}")
        for name in ("encryption_salt_bits", "integrity_salt_bits"):
            value = getattr(self, name)
            if not is_int(value) or not 1 <= value <= _MAX_SALT_BITS:
                raise OptionsError(f"{name} must be an integer from 1 to {_MAX_SALT_BITS}")
        for name in ("encryption_iterations", "integrity_iterations", "min_password_length"):
            value = getattr(self, name)
            if not is_int(value) or value < 1:
                raise OptionsError(f"{name} must be an integer of at least 1")
        for name in ("timestamp_skew", "localtime_offset"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise OptionsError(f"{name} must be a finite number of seconds")


DEFAULT_OPTIONS = Options()


def _utf16_length(text: str) -> int:
    # JS counts String#length in UTF-16 code units: an emoji is 2.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:
        # Lone surrogates: Node and TextEncoder write U+FFFD for each.
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode()


def _check_length(text_length: int | None, min_length: int) -> None:
    if text_length is not None and text_length < min_length:
        raise PasswordError(f"Password string too short (min {min_length} characters required)")


class _Secret:
    """One secret, encoded once: text stretched with PBKDF2-HMAC-SHA1, or a raw key."""

    __slots__ = ("_pbkdf2", "is_key", "material", "text_length")

    def __init__(self, secret: object, min_length: int) -> None:
        self.text_length: int | None = None
        if isinstance(secret, str):
            self.is_key = False
            self.material = _utf8(secret)
            self.text_length = _utf16_length(secret)
        elif isinstance(secret, (bytes, bytearray, memoryview)):
            self.is_key = True
            self.material = bytes(secret)
        elif secret is None:
            raise PasswordError("Empty password")
        else:
            raise PasswordError(f"A password must be str or bytes, not {type(secret).__name__}")
        if not self.material:
            raise PasswordError("Empty password")
        _check_length(self.text_length, min_length)
        self._pbkdf2 = speedups.PBKDF2HMACSHA1(self.material)

    def key(self, salt: str, iterations: int, length: int) -> bytes:
        if self.is_key:
            return self.material
        # Iron's salt is the hex *text* in the token, not the bytes it spells.
        return self._pbkdf2.derive(salt.encode(), iterations, length)


class Password:
    """A password built and checked once, then reused for any number of seals.

    ``Password(secret)`` uses one secret for both keys; ``encryption=``/``integrity=``
    give separate ones. A ``str`` is stretched with PBKDF2 (at least ``min_length``
    characters, counted as JavaScript counts them); ``bytes`` are used as the key itself
    (32 bytes; 16 for an aes-128-ctr encryption key). ``id`` is written into the seal so
    that a keyring can find the password again.
    """

    __slots__ = ("_encryption", "_integrity", "_shortest", "id")

    def __init__(
        self,
        secret: str | bytes | None = None,
        *,
        id: str = "",
        encryption: str | bytes | None = None,
        integrity: str | bytes | None = None,
        min_length: int = MIN_PASSWORD_LENGTH,
    ) -> None:
        self.id = _checked_id(id)
        if not is_int(min_length):
            raise PasswordError("min_length must be an integer")
        if secret is not None:
            if encryption is not None or integrity is not None:
                raise PasswordError("Give one secret, or encryption and integrity, not both")
            self._encryption = self._integrity = _Secret(secret, min_length)
        else:
            self._encryption = _Secret(encryption, min_length)
            self._integrity = _Secret(integrity, min_length)
        lengths = [
            s.text_length for s in (self._encryption, self._integrity) if s.text_length is not None
        ]
        self._shortest = min(lengths) if lengths else None

    def __repr__(self) -> str:
        return f"Password(id={self.id!r}, secret=<hidden>)"

    def _check(self, options: Options) -> None:
        _check_length(self._shortest, options.min_password_length)

    def _encryption_key(self, salt: str, options: Options) -> bytes:
        size = _KEY_BYTES[options.algorithm]
        key = self._encryption.key(salt, options.encryption_iterations, size)
        if len(key) != size:
            if len(key) < size:
                raise PasswordError("Key buffer (password) too small")
            raise PasswordError(f"Invalid key length: {options.algorithm} needs {size} bytes")
        return key

    def _integrity_key(self, salt: str, options: Options) -> bytes:
        key = self._integrity.key(salt, options.integrity_iterations, _INTEGRITY_KEY_BYTES)
        if len(key) < _INTEGRITY_KEY_BYTES:
            raise PasswordError("Key buffer (password) too small")
        return key


def _checked_id(id: object) -> str:
    if not isinstance(id, str) or (id and not _ID_RE.fullmatch(id)):
        raise PasswordError("Invalid password id")
    return id


PasswordInput: TypeAlias = "str | bytes | Password"
#: Passwords by id, ids int or str as iron-session's settings take them, checked at run
#: time: a mapping's key type is invariant, and ``{1: a, "2": b}`` is a ``dict[object, str]``.
KeyringInput: TypeAlias = "Mapping[Any, PasswordInput]"


def _as_password(
    value: PasswordInput, id: str = "", min_length: int = MIN_PASSWORD_LENGTH
) -> Password:
    if isinstance(value, Password):
        return value
    # A str or bytes, or not a password at all: Password says what is wrong with it.
    return Password(value, id=id, min_length=min_length)


class Keyring(Mapping[str, Password]):
    """Passwords by id, for rotation: every id opens, and ``sealing_id``, if named, seals.

    Ids are int or str: ``{1: "...", 2: "..."}``. Without a ``sealing_id`` the keyring only
    opens (``iron_session.as_keyring`` names iron-session's, the highest integer id). A seal
    is written under the keyring's id, whatever the ``Password.id`` of the value. A seal
    without an id is looked up as ``"default"``, as Iron does.
    """

    __slots__ = ("_passwords", "sealing_id")

    def __init__(
        self,
        passwords: KeyringInput,
        *,
        sealing_id: str | int | None = None,
        min_length: int = MIN_PASSWORD_LENGTH,
    ) -> None:
        if not isinstance(passwords, Mapping):
            raise PasswordError(f"A keyring is a mapping, not {type(passwords).__name__}")
        self._passwords: dict[str, Password] = {}
        for key, value in passwords.items():
            if not isinstance(key, (str, int)):
                raise PasswordError(f"A password id must be str or int, not {type(key).__name__}")
            id = _checked_id(str(key))
            self._passwords[id] = _as_password(value, id, min_length)
        if not self._passwords:
            raise PasswordError("Empty password")
        if sealing_id is not None and str(sealing_id) not in self._passwords:
            raise PasswordError(f"The sealing id {sealing_id!r} is not in the keyring")
        #: the id every seal is written under, or None for a keyring that only opens
        self.sealing_id = None if sealing_id is None else str(sealing_id)

    def __getitem__(self, key: str) -> Password:
        return self._passwords[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._passwords)

    def __len__(self) -> int:
        return len(self._passwords)

    def __repr__(self) -> str:
        return f"Keyring(ids={list(self._passwords)!r})"

    def sealer(self) -> tuple[str, Password]:
        """The id that seals and its password; ``PasswordError`` for a keyring that only opens."""
        if self.sealing_id is None:
            raise PasswordError("This keyring only opens: it has no sealing_id")
        return self.sealing_id, self._passwords[self.sealing_id]

    def find(self, id: str) -> Password:
        """The password for a seal's id field; an empty id is looked up as ``default``."""
        password = self._passwords.get(id or "default")
        if password is not None:
            return password
        if id and not _ID_RE.fullmatch(id):
            # No sealer writes such an id; keep it out of messages and logs.
            raise InvalidSealError("Invalid password id")
        raise UnknownPasswordError(f"Cannot find password: {id or 'default'}")


def _keyring(passwords: KeyringInput, options: Options) -> Keyring:
    if isinstance(passwords, Keyring):
        return passwords
    return Keyring(passwords, min_length=options.min_password_length)


class Unsealed(NamedTuple):
    """What a seal held, and what it said about itself."""

    data: Any
    password_id: str
    #: seconds since the epoch, or None for a seal that never expires
    expires_at: float | None


def _now_ms(now: float | None, options: Options) -> int:
    try:
        return round(((time.time() if now is None else now) + options.localtime_offset) * 1000)
    except (TypeError, ValueError, OverflowError):
        raise IronError("now must be a finite number of seconds since the epoch") from None


def _expiration(ttl: float, now: float | None, options: Options) -> str:
    try:
        ttl_ms = round(ttl * 1000)
    except (TypeError, ValueError, OverflowError):
        raise IronError("ttl must be a finite number of seconds") from None
    return str(_now_ms(now, options) + ttl_ms) if ttl else ""


_BASE64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    encoded = text.encode()
    # urlsafe_b64decode skips what is not base64; Iron refuses it.
    if encoded.translate(None, _BASE64URL_ALPHABET):
        raise InvalidSealError("Invalid character")
    try:
        # Padding beyond what is missing is ignored.
        return base64.urlsafe_b64decode(encoded + b"==")
    except binascii.Error:
        raise InvalidSealError("Invalid base64 length") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


#: compact, non-ASCII kept, no NaN or Infinity: what Node's JSON.stringify writes
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
#: for text with lone surrogates, which UTF-8 cannot hold: escaped, as JSON.stringify does
_encode_json_ascii = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
#: JSON.parse's JSON: NaN and Infinity are not in it
_decode_json = json.JSONDecoder(parse_constant=_reject_constant).decode


def serialize(data: Any) -> bytes:
    """The JSON bytes a seal holds: compact, UTF-8, no NaN or Infinity (as Node writes)."""
    try:
        text = _encode_json(data)
    except (TypeError, ValueError, RecursionError) as error:
        raise IronError(f"Data is not JSON serializable: {error}") from None
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _encode_json_ascii(data).encode()


def deserialize(plaintext: bytes) -> Any:
    """The data of ``serialize``'s bytes; ``InvalidSealError`` for anything but JSON."""
    try:
        return _decode_json(plaintext.decode())
    except (ValueError, RecursionError):
        raise InvalidSealError("Failed parsing sealed object JSON") from None


def _cipher(key: bytes, iv: bytes, algorithm: str) -> Cipher[modes.CBC | modes.CTR]:
    if len(iv) != _IV_BYTES:
        raise InvalidSealError("Invalid IV")
    mode = modes.CBC(iv) if algorithm == "aes-256-cbc" else modes.CTR(iv)
    return Cipher(algorithms.AES(key), mode)


def _encrypt(cipher: Cipher[modes.CBC | modes.CTR], plaintext: bytes, algorithm: str) -> bytes:
    if algorithm == "aes-256-cbc":
        padder = padding.PKCS7(algorithms.AES.block_size).padder()
        plaintext = padder.update(plaintext) + padder.finalize()
    encryptor = cipher.encryptor()
    return encryptor.update(plaintext) + encryptor.finalize()


def _decrypt(cipher: Cipher[modes.CBC | modes.CTR], ciphertext: bytes, algorithm: str) -> bytes:
    decryptor = cipher.decryptor()
    if algorithm == "aes-128-ctr":
        return decryptor.update(ciphertext) + decryptor.finalize()
    if not ciphertext or len(ciphertext) % 16:
        raise InvalidSealError("Bad decrypt")
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(algorithms.AES.block_size).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise InvalidSealError("Bad decrypt") from None


def _hmac(key: bytes, mac_base: str) -> str:
    """The seal's MAC: HMAC-SHA256, base64url."""
    return _b64encode(speedups.hmac_sha256(key, mac_base.encode()))


def _seal_from_parts(
    plaintext: bytes,
    password_id: str,
    password: Password,
    expiration: str,
    encryption_salt: str,
    iv: bytes,
    integrity_salt: str,
    options: Options,
) -> str:
    password._check(options)
    encryption_key = password._encryption_key(encryption_salt, options)
    cipher = _cipher(encryption_key, iv, options.algorithm)
    ciphertext = _encrypt(cipher, plaintext, options.algorithm)
    mac_base = (
        f"{MAC_PREFIX}*{password_id}*{encryption_salt}*{_b64encode(iv)}*"
        f"{_b64encode(ciphertext)}*{expiration}"
    )
    integrity_key = password._integrity_key(integrity_salt, options)
    return f"{mac_base}*{integrity_salt}*{_hmac(integrity_key, mac_base)}"


def _salt_size(secret: _Secret, bits: int) -> int:
    # A key given as bytes is used as it is: no salt.
    return 0 if secret.is_key else (bits + 7) // 8


def _seal(
    data: Any,
    password_id: str,
    password: Password,
    ttl: float,
    now: float | None,
    options: Options,
    encode: Callable[[Any], bytes],
) -> str:
    plaintext = encode(data)
    expiration = _expiration(ttl, now, options)
    encryption_salt_size = _salt_size(password._encryption, options.encryption_salt_bits)
    integrity_salt_size = _salt_size(password._integrity, options.integrity_salt_bits)
    iv_end = encryption_salt_size + _IV_BYTES
    random = os.urandom(iv_end + integrity_salt_size)  # one system call for all three
    return _seal_from_parts(
        plaintext,
        password_id,
        password,
        expiration,
        random[:encryption_salt_size].hex(),
        random[encryption_salt_size:iv_end],
        random[iv_end:].hex(),
        options,
    )


def seal(
    data: Any,
    password: PasswordInput | KeyringInput,
    *,
    ttl: float = 0,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
    encode: Callable[[Any], bytes] = serialize,
) -> str:
    """Seal JSON-serializable ``data`` as @hapi/iron's ``seal`` does.

    ``ttl`` is in seconds; 0 writes no expiration. A keyring seals with its ``sealing_id``.
    ``encode`` turns ``data`` into the plaintext, as iron-webcrypto 2's ``encode`` option.
    """
    # Keyring first: a plain class test, where Mapping's is an ABC's, slower per call.
    if isinstance(password, (Keyring, Mapping)):
        password_id, chosen = _keyring(password, options).sealer()
    else:
        chosen = _as_password(password, min_length=options.min_password_length)
        password_id = chosen.id
    return _seal(data, password_id, chosen, ttl, now, options, encode)


def open_seal(
    sealed: str,
    password: PasswordInput | KeyringInput,
    *,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
    decode: Callable[[bytes], Any] = deserialize,
) -> Unsealed:
    """Unseal as @hapi/iron's ``unseal`` does, and say which password opened it and until when.

    A single password ignores the id in the seal; a keyring looks it up. The MAC is checked,
    in constant time, before anything is decrypted, and before the seal is called expired.
    ``decode`` turns the plaintext back into data (iron-webcrypto 2's ``decode`` option).
    """
    opener: Password | Keyring
    if isinstance(password, (Keyring, Mapping)):  # Keyring first, as in seal()
        opener = _keyring(password, options)
    else:
        opener = _as_password(password, min_length=options.min_password_length)
    return _open(sealed, opener, now, options, decode)


def _open(
    sealed: object,
    opener: Password | Keyring,
    now: float | None,
    options: Options,
    decode: Callable[[bytes], Any],
) -> Unsealed:
    if not isinstance(sealed, str) or not sealed.isascii():
        raise InvalidSealError("A seal is an ASCII string")
    parts = sealed.split("*")
    if len(parts) != 8:
        raise InvalidSealError("Incorrect number of sealed components")
    prefix, password_id, encryption_salt, iv, ciphertext, expiration, integrity_salt, digest = parts
    if prefix != MAC_PREFIX:
        raise InvalidSealError("Wrong mac prefix")
    # The seal is ASCII: isdigit() is then [0-9] only.
    if expiration and not (expiration.isdigit() and len(expiration) <= _MAX_EXPIRATION_DIGITS):
        raise InvalidSealError("Invalid expiration")

    password = opener.find(password_id) if isinstance(opener, Keyring) else opener
    password._check(options)
    mac_base = sealed[: len(sealed) - len(integrity_salt) - len(digest) - 2]
    integrity_key = password._integrity_key(integrity_salt, options)
    if not hmac.compare_digest(_hmac(integrity_key, mac_base), digest):
        raise InvalidSealError("Bad hmac value")

    expires_ms = int(expiration) if expiration else None
    if expires_ms is not None and expires_ms <= (
        _now_ms(now, options) - options.timestamp_skew * 1000
    ):
        raise ExpiredSealError("Expired seal")
    key = password._encryption_key(encryption_salt, options)
    cipher = _cipher(key, _b64decode(iv), options.algorithm)
    plaintext = _decrypt(cipher, _b64decode(ciphertext), options.algorithm)
    return Unsealed(
        decode(plaintext), password_id, None if expires_ms is None else expires_ms / 1000
    )


def unseal(
    sealed: str,
    password: PasswordInput | KeyringInput,
    *,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> Any:
    """Unseal as @hapi/iron's ``unseal`` does; see ``open_seal``."""
    return open_seal(sealed, password, now=now, options=options).data
