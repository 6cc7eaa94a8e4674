"""Cookies this process sealed or verified lately, so that one that comes back is not
verified and decrypted again.

Most requests bring back the very cookie the previous response set, or the one the last
dozen requests brought. A value this process sealed, or whose MAC it checked, holds what it
held then: keeping its plaintext by value saves the key derivation, the HMAC and the
decryption, and leaves only the decoding (each request decodes its own copy of the
session). What can change is checked on every use: the expiry, and the passwords (a new
keyring, after a rotation or a change of settings, makes every entry unknown).
"""

from __future__ import annotations

import time
from typing import NamedTuple

from django_iron_session import iron

#: entries kept at most; a full table is emptied, which costs one full unseal per cookie
SIZE = 1024


class Opened(NamedTuple):
    """What a cookie's seal holds, and until when (seconds since the epoch, or None)."""

    plaintext: bytes
    expires_at: float | None


class KnownCookies:
    """A bounded map from cookie value to what its seal holds, safe to share by threads."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._known: dict[str, tuple[iron.Keyring, Opened]] = {}

    def opened(self, value: str, keyring: iron.Keyring, options: iron.Options) -> Opened | None:
        """What a known cookie holds, None for an unknown one; an expired one raises
        ``iron.ExpiredSealError``, as unsealing it would."""
        known = self._known.get(value)
        if known is None or known[0] is not keyring:
            return None
        expires_at = known[1].expires_at
        if expires_at is not None and expires_at <= (
            time.time() + options.localtime_offset - options.timestamp_skew
        ):
            raise iron.ExpiredSealError("Expired seal")
        return known[1]

    def add(self, value: str, keyring: iron.Keyring, opened: Opened) -> None:
        if len(self._known) >= self.size:
            # Replacing the dict rather than clearing it: a thread reading it is unaffected.
            self._known = {}
        self._known[value] = (keyring, opened)

    def clear(self) -> None:
        self._known = {}


known_cookies = KnownCookies()
