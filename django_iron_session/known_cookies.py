"""Cookies this process sealed or verified lately, so that one that comes back is not
verified and decrypted again.

Most requests bring back the very cookie the previous response set, or the one the last
dozen requests brought. A value this process sealed, or whose MAC it checked, holds what it
held then: keeping its plaintext by value saves the key derivation, the HMAC and the
decryption, and leaves only the decoding (each request decodes its own copy of the
session). What can change is checked on every use: the expiry, and the passwords (a new
keyring, after a rotation or a change of settings, makes every entry unknown).

Entries are keyed by what the MAC covers, the seal without iron-session's ``~`` marker:
anyone can append text to a cookie after its ``~`` and it still opens, so keying by the
whole value would let one cookie fill the table with copies. The table is bounded in bytes
as well as in entries, so that its memory does not grow with the size of the cookies.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from django_iron_session import iron
from django_iron_session.iron_session import seal_of

#: entries kept at most; a full table is emptied, which costs one full unseal per cookie
SIZE = 1024
#: bytes of seals and plaintexts kept at most (a full table is emptied the same way): about
#: a thousand sessions of typical size, or a hundred of four chunks
MAX_BYTES = 4 * 1024 * 1024


class Opened(NamedTuple):
    """What a cookie's seal holds, and until when (seconds since the epoch, or None)."""

    plaintext: bytes
    expires_at: float | None


class KnownCookies:
    """A bounded map from a cookie's seal to what the seal holds, safe to share by threads."""

    def __init__(self, size: int = SIZE, max_bytes: int = MAX_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._known: dict[str, tuple[iron.Keyring, Opened]] = {}
        #: bytes of the seals and plaintexts in ``_known`` (threads adding at once may
        #: leave it a few entries off; the next start over sets it right)
        self.bytes = 0

    def opened(self, value: str, keyring: iron.Keyring, options: iron.Options) -> Opened | None:
        """What a known cookie holds, None for an unknown one; an expired one raises
        ``iron.ExpiredSealError``, as unsealing it would."""
        known = self._known.get(seal_of(value))
        if known is None or known[0] is not keyring:
            return None
        expires_at = known[1].expires_at
        if expires_at is not None and expires_at <= (
            time.time() + options.localtime_offset - options.timestamp_skew
        ):
            raise iron.ExpiredSealError("Expired seal")
        return known[1]

    def add(self, value: str, keyring: iron.Keyring, opened: Opened) -> None:
        seal = seal_of(value)
        size = len(seal) + len(opened.plaintext)
        if len(self._known) >= self.size or self.bytes + size > self.max_bytes:
            self.clear()
        self._known[seal] = (keyring, opened)
        self.bytes += size

    def clear(self) -> None:
        # Replacing the dict rather than clearing it: a thread reading it is unaffected.
        self._known = {}
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._known)


known_cookies = KnownCookies()
