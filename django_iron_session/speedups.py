"""Every routine this package writes in place of a library call, each equal to that call.

Each routine names the library function it equals and what it saves inside a whole request
(``benchmarks/session_bench.py --library-calls`` measures each against its library call in
one run; docs/performance.rst has the figures). ``tests/test_speedups.py`` holds each one
byte-equal to its library function, with Hypothesis. A routine that saves nothing measurable
in a whole request goes back to the library call, and no new one is added.

Usable without Django, like ``iron.py``, the one module that calls these.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["PBKDF2HMACSHA1", "hmac_sha256"]

#: RFC 2104's pads, as byte translation tables: a key XOR 0x36 (inner) and XOR 0x5C (outer)
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))
#: the block of SHA-1 and SHA-256 alike
_HASH_BLOCK_BYTES = 64
_SHA1_BYTES = 20
# Iron derives keys with PBKDF2-HMAC-SHA1; HMAC does not rest on SHA-1's collision resistance.
_sha1 = hashlib.sha1
_sha256 = hashlib.sha256


def _hmac_block_key(key: bytes, hash: Callable[[bytes], Any]) -> bytes:
    """An HMAC key as RFC 2104 uses it: hashed if longer than a block, padded with zeros."""
    if len(key) > _HASH_BLOCK_BYTES:
        key = hash(key).digest()
    return key.ljust(_HASH_BLOCK_BYTES, b"\0")


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """``hmac.digest(key, message, "sha256")``, from RFC 2104's pads over hashlib's SHA-256.

    ``hmac.digest``'s one-shot OpenSSL HMAC looks the MAC and the hash up by name on every
    call: in a busy process, where those tables have left the CPU's caches, that costs
    microseconds. Every seal and every open makes one MAC.
    """
    key = _hmac_block_key(key, _sha256)
    inner = _sha256(key.translate(_INNER_PAD) + message).digest()
    return _sha256(key.translate(_OUTER_PAD) + inner).digest()


class PBKDF2HMACSHA1:
    """``hashlib.pbkdf2_hmac("sha1", password, salt, iterations, length)``, the password's
    HMAC keyed once.

    With one iteration, each block of the key is HMAC(password, salt || INT(i)) (RFC 8018,
    section 5.2), and Iron's keys (16 or 32 bytes) take one or two blocks. The HMAC's states
    keyed with the password are computed once, here, and copied for every block, instead of
    keying a new HMAC for every derivation as ``hashlib.pbkdf2_hmac`` does. A seal and a
    cold open derive two keys each. More iterations or longer keys go to ``hashlib``.
    """

    __slots__ = ("_inner", "_outer", "password")

    def __init__(self, password: bytes) -> None:
        self.password = password
        key = _hmac_block_key(password, _sha1)
        self._inner = _sha1(key.translate(_INNER_PAD))
        self._outer = _sha1(key.translate(_OUTER_PAD))

    def derive(self, salt: bytes, iterations: int, length: int) -> bytes:
        if iterations != 1 or length > 2 * _SHA1_BYTES:
            return hashlib.pbkdf2_hmac("sha1", self.password, salt, iterations, length)
        salted = self._inner.copy()
        salted.update(salt)
        first = salted.copy()
        first.update(b"\0\0\0\1")
        block = self._outer.copy()
        block.update(first.digest())
        if length <= _SHA1_BYTES:
            return block.digest()[:length]
        salted.update(b"\0\0\0\2")
        second = self._outer.copy()
        second.update(salted.digest())
        return (block.digest() + second.digest())[:length]
