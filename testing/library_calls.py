"""The library call that each routine of ``django_iron_session.speedups`` stands in for.

``tests/test_speedups.py`` holds each routine byte-equal to its library call;
``benchmarks/session_bench.py --library-calls`` puts the library call back, one routine at
a time, to measure what the routine saves inside a whole request.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import padding

from django_iron_session import iron, speedups

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cryptography.hazmat.primitives.ciphers import Cipher, modes


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha256")


def pbkdf2_hmac_sha1(password: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha1", password, salt, iterations, length)


def _derive(self: speedups.PBKDF2HMACSHA1, salt: bytes, iterations: int, length: int) -> bytes:
    return pbkdf2_hmac_sha1(self.password, salt, iterations, length)


encode_json, decode_json = speedups.json_coders(private=False)


def _encrypt(cipher: Cipher[modes.CBC | modes.CTR], plaintext: bytes, algorithm: str) -> bytes:
    if algorithm == "aes-256-cbc":
        padder = padding.PKCS7(128).padder()
        plaintext = padder.update(plaintext) + padder.finalize()
    encryptor = cipher.encryptor()
    return encryptor.update(plaintext) + encryptor.finalize()


def _decrypt(cipher: Cipher[modes.CBC | modes.CTR], ciphertext: bytes, algorithm: str) -> bytes:
    decryptor = cipher.decryptor()
    if algorithm == "aes-128-ctr":
        return decryptor.update(ciphertext) + decryptor.finalize()
    if not ciphertext or len(ciphertext) % 16:
        raise iron.InvalidSealError("Bad decrypt")
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise iron.InvalidSealError("Bad decrypt") from None


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    encoded = text.encode()
    if encoded.translate(None, iron._BASE64URL_ALPHABET):
        raise iron.InvalidSealError("Invalid character")
    try:
        return base64.urlsafe_b64decode(encoded + b"==")
    except binascii.Error:
        raise iron.InvalidSealError("Invalid base64 length") from None


#: routine -> (where it is looked up, its name there, the library call to put there)
LIBRARY_CALLS: dict[str, list[tuple[Any, str, Any]]] = {
    "HMAC-SHA256 (hmac.digest)": [(speedups, "hmac_sha256", hmac_sha256)],
    "PBKDF2-HMAC-SHA1 (hashlib.pbkdf2_hmac)": [(speedups.PBKDF2HMACSHA1, "derive", _derive)],
    "JSON encoder (JSONEncoder.encode)": [(speedups, "encode_json", encode_json)],
    "JSON decoder (JSONDecoder.decode)": [(speedups, "decode_json", decode_json)],
    "PKCS#7 table (padding.PKCS7)": [(iron, "_encrypt", _encrypt), (iron, "_decrypt", _decrypt)],
    "base64url (base64.urlsafe_b64*)": [
        (iron, "_b64encode", _b64encode),
        (iron, "_b64decode", _b64decode),
    ],
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
