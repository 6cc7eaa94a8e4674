"""Iron seals ("Fe26.2"), byte-compatible with @hapi/iron, iron-webcrypto and iron-session.

Usable without Django. ``seal``/``unseal`` speak raw Iron; ``seal_data``/``unseal_data``
add the iron-session layer (the id iron-session seals with, the ``~2`` marker, ttl in
seconds with its 14-day default), which is what a Node app's ``sealData``/``unsealData``
and ``getIronSession`` read and write.

Times are seconds since the epoch (floats), like ``time.time()``; the token itself holds
milliseconds, as Node does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple, TypeAlias

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "DEFAULT_OPTIONS",
    "DEFAULT_SESSION_TTL",
    "ExpiredSealError",
    "InvalidSealError",
    "IronError",
    "Keyring",
    "Options",
    "Password",
    "PasswordError",
    "UnknownPasswordError",
    "Unsealed",
    "open_data",
    "open_seal",
    "seal",
    "seal_data",
    "serialize",
    "unseal",
    "unseal_data",
]

MAC_PREFIX = "Fe26.2"
#: iron-session appends this outside the seal; it reads any marker, and v8 needs this one.
SESSION_VERSION_MARKER = "~2"
#: iron-session's default ttl: 14 days, in seconds.
DEFAULT_SESSION_TTL = 14 * 24 * 3600

_KEY_BYTES = {"aes-256-cbc": 32, "aes-128-ctr": 16}
_INTEGRITY_KEY_BYTES = 32
_IV_BYTES = 16
_ID_RE = re.compile(r"[A-Za-z0-9_]+")  # JS /^\w+$/ is ASCII-only
_DIGITS_RE = re.compile(r"[0-9]+")
_BASE64URL_RE = re.compile(r"[A-Za-z0-9_-]*")


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
    """A password is unusable: empty, too short, or with an id Iron cannot carry."""


@dataclass(frozen=True)
class Options:
    """Iron's options, @hapi/iron's defaults. Sealer and unsealer must agree on them."""

    algorithm: Literal["aes-256-cbc", "aes-128-ctr"] = "aes-256-cbc"
    encryption_salt_bits: int = 256
    integrity_salt_bits: int = 256
    encryption_iterations: int = 1
    integrity_iterations: int = 1
    min_password_length: int = 32
    #: seconds a seal is still accepted past its expiration (clock skew between servers)
    timestamp_skew: float = 60.0
    #: seconds added to this machine's clock, for a clock known to be off
    localtime_offset: float = 0.0

    def __post_init__(self) -> None:
        if self.algorithm not in _KEY_BYTES:
            raise ValueError(f"Unknown algorithm: {self.algorithm}")
        for name in ("encryption_salt_bits", "integrity_salt_bits"):
            if not 1 <= getattr(self, name) <= 8192:
                raise ValueError(f"{name} must be between 1 and 8192")
        for name in ("encryption_iterations", "integrity_iterations", "min_password_length"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


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
    """One secret, encoded once: a string for PBKDF2 or a raw key."""

    __slots__ = ("is_key", "material", "text_length")

    def __init__(self, secret: str | bytes, min_length: int) -> None:
        if not secret:
            raise PasswordError("Empty password")
        if isinstance(secret, str):
            self.text_length = _utf16_length(secret)
            _check_length(self.text_length, min_length)
            self.is_key = False
            self.material = _utf8(secret)
        elif isinstance(secret, (bytes, bytearray, memoryview)):
            self.text_length = None
            self.is_key = True
            self.material = bytes(secret)
        else:
            raise PasswordError(f"A password must be str or bytes, not {type(secret).__name__}")

    def key(self, salt: str, iterations: int, length: int) -> bytes:
        if self.is_key:
            return self.material
        return _pbkdf2(self.material, salt, iterations, length)


@lru_cache(maxsize=1024)
def _pbkdf2(material: bytes, salt: str, iterations: int, length: int) -> bytes:
    # Iron's salt is the hex *text* in the token, not the bytes it spells. A session cookie
    # comes back unchanged on request after request, so its keys are worth remembering.
    return hashlib.pbkdf2_hmac("sha1", material, salt.encode(), iterations, length)


class Password:
    """A password built and checked once, then reused for any number of seals.

    ``Password(secret)`` uses one secret for both keys; ``encryption=``/``integrity=``
    give separate ones. A ``str`` is stretched with PBKDF2 (at least ``min_length``
    characters, counted as JavaScript counts them); ``bytes`` are used as the key itself.
    ``id`` is written into the seal so that a keyring can find the password again.
    """

    __slots__ = ("_encryption", "_integrity", "_shortest", "id")

    def __init__(
        self,
        secret: str | bytes | None = None,
        *,
        id: str = "",  # noqa: A002 -- Iron's own name for it
        encryption: str | bytes | None = None,
        integrity: str | bytes | None = None,
        min_length: int = DEFAULT_OPTIONS.min_password_length,
    ) -> None:
        if id and not _ID_RE.fullmatch(id):
            raise PasswordError("Invalid password id")
        self.id = id
        if secret is not None:
            encryption = integrity = secret
        if not encryption or not integrity:
            raise PasswordError("Empty password")
        self._encryption = _Secret(encryption, min_length)
        self._integrity = (
            self._encryption if integrity is encryption else _Secret(integrity, min_length)
        )
        lengths = [s.text_length for s in (self._encryption, self._integrity) if s.text_length]
        self._shortest = min(lengths) if lengths else None

    def __repr__(self) -> str:
        return f"Password(id={self.id!r}, secret=<hidden>)"

    def _check(self, options: Options) -> None:
        _check_length(self._shortest, options.min_password_length)

    def _encryption_key(self, salt: str, options: Options) -> bytes:
        size = _KEY_BYTES[options.algorithm]
        key = self._encryption.key(salt, options.encryption_iterations, size)
        if len(key) != size:
            raise PasswordError(f"Key buffer (password) must be {size} bytes for {options.algorithm}")
        return key

    def _integrity_key(self, salt: str, options: Options) -> bytes:
        key = self._integrity.key(salt, options.integrity_iterations, _INTEGRITY_KEY_BYTES)
        if len(key) < _INTEGRITY_KEY_BYTES:
            raise PasswordError("Key buffer (password) too small")
        return key


PasswordInput: TypeAlias = "str | bytes | Password"
KeyringInput: TypeAlias = "Keyring | Mapping[str, PasswordInput] | Mapping[int, PasswordInput]"


def _as_password(value: PasswordInput, id: str = "") -> Password:  # noqa: A002
    if isinstance(value, Password):
        return value if not id or value.id == id else _with_id(value, id)
    return _cached_password(value, id)


@lru_cache(maxsize=64)
def _cached_password(secret: str | bytes, id: str) -> Password:  # noqa: A002
    return Password(secret, id=id)


def _with_id(password: Password, id: str) -> Password:  # noqa: A002
    if not _ID_RE.fullmatch(id):
        raise PasswordError("Invalid password id")
    renamed = object.__new__(Password)
    renamed.id = id
    renamed._encryption = password._encryption
    renamed._integrity = password._integrity
    renamed._shortest = password._shortest
    return renamed


class Keyring(Mapping[str, Password]):
    """Passwords by id, for rotation: the highest integer id seals, every id unseals.

    Accepts the shapes iron-session accepts: ``{1: "...", 2: "..."}`` (keys may be int or
    numeric str). A seal without an id is looked up as ``"default"``, as Iron does.
    """

    __slots__ = ("_passwords", "current")

    def __init__(self, passwords: Mapping[str, PasswordInput] | Mapping[int, PasswordInput]):
        self._passwords = {
            str(key): _as_password(value, str(key)) for key, value in passwords.items()
        }
        if not self._passwords:
            raise PasswordError("Empty password")
        numeric = [key for key in self._passwords if key.isascii() and key.isdigit()]
        #: the password that seals, or None when no id is an integer
        self.current: Password | None = (
            self._passwords[max(numeric, key=int)] if numeric else None
        )

    @classmethod
    def of(cls, value: str | bytes | Password | KeyringInput) -> Keyring:
        """iron-session's reading of a password option: a lone password has id ``1``."""
        if isinstance(value, Keyring):
            return value
        if isinstance(value, Mapping):
            return cls(value)
        return _keyring_of(value)

    def __getitem__(self, key: str) -> Password:
        return self._passwords[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._passwords)

    def __len__(self) -> int:
        return len(self._passwords)

    def __repr__(self) -> str:
        return f"Keyring(ids={list(self._passwords)!r})"

    def sealing_password(self) -> Password:
        if self.current is None:
            raise PasswordError("A keyring needs an integer id to seal with, e.g. {1: '...'}")
        return self.current

    def find(self, id: str) -> Password:  # noqa: A002
        try:
            return self._passwords[id or "default"]
        except KeyError:
            raise UnknownPasswordError(f"Cannot find password: {id or 'default'}") from None


@lru_cache(maxsize=64)
def _keyring_of(secret: str | bytes | Password) -> Keyring:
    return Keyring({"1": secret})


class Unsealed(NamedTuple):
    """What a seal held, and what it said about itself."""

    data: Any
    password_id: str
    #: seconds since the epoch, or None for a seal that never expires
    expires_at: float | None


def _now_ms(now: float | None, options: Options) -> int:
    return round(((time.time() if now is None else now) + options.localtime_offset) * 1000)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not _BASE64URL_RE.fullmatch(text):
        raise InvalidSealError("Invalid character")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidSealError("Invalid base64 length") from None


# Built once: json.dumps/loads with options build a new coder on every call.
_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_encode_json_ascii = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


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
        # Lone surrogates: escape them, as JSON.stringify does, so the bytes stay UTF-8.
        return _encode_json_ascii(data).encode()


def _deserialize(plaintext: bytes) -> Any:
    try:
        return _decode_json(plaintext.decode())
    except (ValueError, RecursionError):
        raise InvalidSealError("Failed parsing sealed object JSON") from None


def _encrypt(key: bytes, iv: bytes, plaintext: bytes, algorithm: str) -> bytes:
    if algorithm == "aes-256-cbc":
        pad = 16 - len(plaintext) % 16
        plaintext += bytes((pad,)) * pad
        mode: modes.Mode = modes.CBC(iv)
    else:
        mode = modes.CTR(iv)
    encryptor = Cipher(algorithms.AES(key), mode).encryptor()
    return encryptor.update(plaintext) + encryptor.finalize()


def _decrypt(key: bytes, iv: bytes, ciphertext: bytes, algorithm: str) -> bytes:
    if len(iv) != _IV_BYTES:
        raise InvalidSealError("Invalid IV")
    if algorithm == "aes-128-ctr":
        decryptor = Cipher(algorithms.AES(key), modes.CTR(iv)).decryptor()
        return decryptor.update(ciphertext) + decryptor.finalize()
    if not ciphertext or len(ciphertext) % 16:
        raise InvalidSealError("Bad decrypt")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    pad = padded[-1]
    if not 1 <= pad <= 16 or padded[-pad:] != bytes((pad,)) * pad:
        raise InvalidSealError("Bad decrypt")
    return padded[:-pad]


def _hmac(key: bytes, mac_base: str) -> str:
    return _b64encode(hmac.digest(key, mac_base.encode(), "sha256"))


def _seal_from_parts(
    plaintext: bytes,
    password: Password,
    expiration: str,
    encryption_salt: str,
    iv: bytes,
    integrity_salt: str,
    options: Options,
) -> str:
    password._check(options)
    encryption_key = password._encryption_key(encryption_salt, options)
    ciphertext = _encrypt(encryption_key, iv, plaintext, options.algorithm)
    mac_base = (
        f"{MAC_PREFIX}*{password.id}*{encryption_salt}*{_b64encode(iv)}*"
        f"{_b64encode(ciphertext)}*{expiration}"
    )
    digest = _hmac(password._integrity_key(integrity_salt, options), mac_base)
    return f"{mac_base}*{integrity_salt}*{digest}"


def _salt(bits: int, is_key: bool) -> str:
    return "" if is_key else os.urandom((bits + 7) // 8).hex()


def seal(
    data: Any,
    password: PasswordInput | KeyringInput,
    *,
    ttl: float = 0,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> str:
    """Seal JSON-serializable ``data`` as @hapi/iron's ``seal`` does.

    ``ttl`` is in seconds; 0 writes no expiration. A keyring seals with its highest id.
    """
    if isinstance(password, Mapping):
        password = Keyring.of(password).sealing_password()
    password = _as_password(password)
    plaintext = serialize(data)
    expiration = str(_now_ms(now, options) + round(ttl * 1000)) if ttl else ""
    return _seal_from_parts(
        plaintext,
        password,
        expiration,
        _salt(options.encryption_salt_bits, password._encryption.is_key),
        os.urandom(_IV_BYTES),
        _salt(options.integrity_salt_bits, password._integrity.is_key),
        options,
    )


def open_seal(
    sealed: str,
    password: PasswordInput | KeyringInput,
    *,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> Unsealed:
    """Unseal as @hapi/iron's ``unseal`` does, and say which password opened it and until when.

    A single password ignores the id in the seal; a keyring looks it up. The MAC is checked,
    in constant time, before anything is decrypted, and before the seal is called expired.
    """
    if not isinstance(sealed, str) or not sealed.isascii():
        raise InvalidSealError("Invalid seal")
    parts = sealed.split("*")
    if len(parts) != 8:
        raise InvalidSealError("Incorrect number of sealed components")
    prefix, password_id, encryption_salt, iv, ciphertext, expiration, integrity_salt, digest = (
        parts
    )
    if prefix != MAC_PREFIX:
        raise InvalidSealError("Wrong mac prefix")
    if expiration and not _DIGITS_RE.fullmatch(expiration):
        raise InvalidSealError("Invalid expiration")

    if isinstance(password, Mapping):
        chosen = Keyring.of(password).find(password_id)
    else:
        chosen = _as_password(password)
    chosen._check(options)
    mac_base = sealed[: len(sealed) - len(integrity_salt) - len(digest) - 2]
    expected = _hmac(chosen._integrity_key(integrity_salt, options), mac_base)
    if not hmac.compare_digest(expected, digest):
        raise InvalidSealError("Bad hmac value")

    if expiration and int(expiration) <= _now_ms(now, options) - options.timestamp_skew * 1000:
        raise ExpiredSealError("Expired seal")
    key = chosen._encryption_key(encryption_salt, options)
    plaintext = _decrypt(key, _b64decode(iv), _b64decode(ciphertext), options.algorithm)
    return Unsealed(
        _deserialize(plaintext), password_id, int(expiration) / 1000 if expiration else None
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


def seal_data(
    data: Any,
    password: PasswordInput | KeyringInput,
    *,
    ttl: int = DEFAULT_SESSION_TTL,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> str:
    """Seal as iron-session's ``sealData``: id of the highest password, ``~2`` appended.

    A lone password seals with id ``1``. ``ttl`` is in seconds, 0 for a seal that never
    expires. Node's ``unsealData`` and ``getIronSession`` read the result as it is.
    """
    keyring = Keyring.of(password)
    return (
        seal(data, keyring.sealing_password(), ttl=ttl, now=now, options=options)
        + SESSION_VERSION_MARKER
    )


def open_data(
    sealed: str,
    password: PasswordInput | KeyringInput,
    *,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> Unsealed:
    """Unseal as iron-session's ``unsealData``: any ``~N`` marker is ignored (it is outside
    the MAC), and the id is looked up in the keyring (a lone password is id ``1``)."""
    if not isinstance(sealed, str):
        raise InvalidSealError("Invalid seal")
    return open_seal(
        sealed.partition("~")[0], Keyring.of(password), now=now, options=options
    )


def unseal_data(
    sealed: str,
    password: PasswordInput | KeyringInput,
    *,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> Any:
    """Unseal as iron-session's ``unsealData``; see ``open_data``."""
    return open_data(sealed, password, now=now, options=options).data
