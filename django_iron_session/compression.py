"""zlib inside the seal (``IRON_SESSION["COMPRESS"]``), for sessions only Django reads.

The plaintext is either JSON, as Node writes it, or a zlib stream. Every zlib stream
Python writes starts with the byte ``x`` (0x78: deflate with a 32 KB window), which no JSON
text can start with, so the payload says which it is without a byte of overhead. Node's
``JSON.parse`` fails on a compressed payload: Node apps sharing the cookie cannot read it.

A zlib stream inflates up to about a thousand times: a 16 KB cookie of chunks can hold
12 MB of JSON. So the JSON a session may hold compressed has a limit
(``IRON_SESSION["DECOMPRESSED_SIZE_LIMIT"]``): the backend refuses to seal more, and reading
stops inflating one byte past it.
"""

from __future__ import annotations

import zlib
from typing import Any

from django_iron_session import iron
from django_iron_session.defaults import DEFAULTS

__all__ = ["compress", "decode", "encode"]

_ZLIB_FIRST_BYTE = b"x"


def encode(data: Any) -> bytes:
    """The JSON of ``data``, zlib-compressed when that makes it shorter."""
    return compress(iron.serialize(data))


def compress(plaintext: bytes) -> bytes:
    """``plaintext`` zlib-compressed when that makes it shorter, else as it is."""
    compressed = zlib.compress(plaintext)
    return compressed if len(compressed) < len(plaintext) else plaintext


def decode(plaintext: bytes, *, limit: int = DEFAULTS["DECOMPRESSED_SIZE_LIMIT"]) -> Any:
    """What ``encode`` (or any JSON sealer) wrote; a zlib stream of more than ``limit``
    bytes is an ``iron.InvalidSealError``, found without inflating more than ``limit + 1``.

    Decompression comes after the MAC check: only a holder of the password can hand this a
    zlib stream. The limit still holds against one (a Node app, an old release, a leaked
    password), since every request would inflate it again.
    """
    if plaintext.startswith(_ZLIB_FIRST_BYTE):
        plaintext = _inflate(plaintext, limit)
    return iron.deserialize(plaintext)


def _inflate(stream: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        plaintext = inflater.decompress(stream, limit + 1)
    except zlib.error:
        raise iron.InvalidSealError("Bad compressed payload") from None
    if len(plaintext) > limit:
        raise iron.InvalidSealError(f"Compressed payload of more than {limit} bytes")
    if not inflater.eof:
        raise iron.InvalidSealError("Bad compressed payload (truncated)")
    return plaintext
