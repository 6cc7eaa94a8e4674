"""What iron-session writes on top of Iron: ``sealData``/``unsealData`` in Python.

Usable without Django. iron-session reads a password option as a keyring (a lone password
is id ``1``), seals with its highest integer id, appends the ``~2`` marker outside the seal,
and takes a ttl in seconds, 14 days by default. Node's ``unsealData`` and
``getIronSession`` read what ``seal_data`` writes, and ``open_data`` reads what they write.
Every failure is an ``iron.IronError``, as in ``iron.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django_iron_session.iron import (
    DEFAULT_OPTIONS,
    MIN_PASSWORD_LENGTH,
    InvalidSealError,
    Keyring,
    KeyringInput,
    Options,
    PasswordError,
    PasswordInput,
    Unsealed,
    deserialize,
    is_integer_id,
    open_seal,
    seal,
    serialize,
)

__all__ = [
    "DEFAULT_SESSION_TTL",
    "SESSION_VERSION_MARKER",
    "as_keyring",
    "open_data",
    "seal_data",
    "seal_of",
    "sealing_id",
    "unseal_data",
]

#: iron-session appends this outside the seal; it reads any marker, and v8 needs this one.
SESSION_VERSION_MARKER = "~2"
#: iron-session's default ttl: 14 days, in seconds.
DEFAULT_SESSION_TTL = 14 * 24 * 3600


def sealing_id(ids: Iterable[str]) -> str | None:
    """The id iron-session seals with: the highest integer id, None if there is none.

    An id seals only written as iron-session writes it (``String(Number(id))``): ``"01"``
    would name a password that Node cannot find.
    """
    return max(filter(is_integer_id, ids), key=int, default=None)


def as_keyring(
    password: PasswordInput | KeyringInput, *, min_length: int = MIN_PASSWORD_LENGTH
) -> Keyring:
    """iron-session's reading of a password option: a lone password has id ``1``, and the
    highest integer id seals (``sealing_id``) unless a ``Keyring`` names its own."""
    if isinstance(password, Keyring) and (
        password.sealing_id is not None or sealing_id(password) is None
    ):
        return password
    if isinstance(password, Mapping):
        return Keyring(password, sealing_id=sealing_id(map(str, password)), min_length=min_length)
    # A lone password, or not a password at all: Keyring says what is wrong with it.
    return Keyring({"1": password}, sealing_id="1", min_length=min_length)


def seal_data(
    data: Any,
    password: PasswordInput | KeyringInput,
    *,
    ttl: float = DEFAULT_SESSION_TTL,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
    encode: Callable[[Any], bytes] = serialize,
) -> str:
    """Seal as iron-session's ``sealData``: the keyring's sealing id, ``~2`` appended.

    A lone password seals with id ``1``. ``ttl`` is in seconds, 0 for a seal that never
    expires. Node's ``unsealData`` and ``getIronSession`` read the result as it is.
    """
    keyring = as_keyring(password, min_length=options.min_password_length)
    if keyring.sealing_id is None:
        raise PasswordError("A keyring needs an integer id to seal with, e.g. {1: '...'}")
    sealed = seal(data, keyring, ttl=ttl, now=now, options=options, encode=encode)
    return sealed + SESSION_VERSION_MARKER


def open_data(
    sealed: str,
    password: PasswordInput | KeyringInput,
    *,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
    decode: Callable[[bytes], Any] = deserialize,
) -> Unsealed:
    """Unseal as iron-session's ``unsealData``: any ``~N`` marker is ignored (it is outside
    the MAC), and the id is looked up in the keyring (a lone password is id ``1``)."""
    if not isinstance(sealed, str):
        raise InvalidSealError("A seal is an ASCII string")
    keyring = as_keyring(password, min_length=options.min_password_length)
    return open_seal(seal_of(sealed), keyring, now=now, options=options, decode=decode)


def seal_of(value: str) -> str:
    """The Iron seal in what ``seal_data`` writes: all before the first ``~``. The marker
    after it is outside the MAC: values that differ only there open to the same session."""
    return value.partition("~")[0]


def unseal_data(
    sealed: str,
    password: PasswordInput | KeyringInput,
    *,
    now: float | None = None,
    options: Options = DEFAULT_OPTIONS,
) -> Any:
    """Unseal as iron-session's ``unsealData``; see ``open_data``."""
    return open_data(sealed, password, now=now, options=options).data
