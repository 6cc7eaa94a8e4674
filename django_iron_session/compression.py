"""zlib inside the seal (``IRON_SESSION["COMPRESS"]``), for sessions only Django reads.

The plaintext is either JSON, as Node writes it, or a zlib stream. Every zlib stream
Python writes starts with the byte ``x`` (0x78: deflate with a 32 KB window), which no JSON
text can start with, so the payload says which it is without a byte of overhead. Node's
``JSON.parse`` fails on a compressed payload: Node apps sharing the cookie cannot read it.
"""

from __future__ import annotations

import zlib
from typing import Any

from django_iron_session import iron

__all__ = ["decode", "encode"]

_ZLIB_FIRST_BYTE = b"x"


def encode(data: Any) -> bytes:
    """The JSON of ``data``, zlib-compressed when that makes it shorter."""
    plaintext = iron.serialize(data)
    compressed = zlib.compress(plaintext)
    return compressed if len(compressed) < len(plaintext) else plaintext


def decode(plaintext: bytes) -> Any:
    """What ``encode`` (or any JSON sealer) wrote.

    Decompression comes after the MAC check: only a holder of the password can hand this a
    zlib stream, so there is no untrusted decompression bomb to defend against.
    """
    if plaintext.startswith(_ZLIB_FIRST_BYTE):
        try:
            plaintext = zlib.decompress(plaintext)
        except zlib.error:
            raise iron.InvalidSealError("Bad compressed payload") from None
    return iron.deserialize(plaintext)
