"""The library call that each routine of ``django_iron_session.speedups`` stands in for.

``tests/test_speedups.py`` holds each routine byte-equal to its library call;
``benchmarks/session_bench.py --library-calls`` and ``benchmarks/iron_bench.py
--library-calls`` put the library call back, one routine at a time, to measure what the
routine saves.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from django_iron_session import speedups

if TYPE_CHECKING:
    from collections.abc import Iterator


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha256")


def pbkdf2_hmac_sha1(password: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha1", password, salt, iterations, length)


def _derive(self: speedups.PBKDF2HMACSHA1, salt: bytes, iterations: int, length: int) -> bytes:
    return pbkdf2_hmac_sha1(self.password, salt, iterations, length)


#: routine -> (where it is looked up, its name there, the library call to put there)
LIBRARY_CALLS: dict[str, list[tuple[Any, str, Any]]] = {
    "HMAC-SHA256 (hmac.digest)": [(speedups, "hmac_sha256", hmac_sha256)],
    "PBKDF2-HMAC-SHA1 (hashlib.pbkdf2_hmac)": [(speedups.PBKDF2HMACSHA1, "derive", _derive)],
}


@contextlib.contextmanager
def library_calls(*routines: str) -> Iterator[None]:
    """The named routines replaced by their library calls while in the block."""
    saved = [
        (owner, name, getattr(owner, name))
        for routine in routines
        for owner, name, _ in LIBRARY_CALLS[routine]
    ]
    try:
        for routine in routines:
            for owner, name, call in LIBRARY_CALLS[routine]:
                setattr(owner, name, call)
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
