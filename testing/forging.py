"""Iron seals built from the primitives alone (hashlib, hmac, cryptography), never through
django_iron_session: tests check our Iron against this independent reading of the format
(docs/iron-format.rst) and forge what no honest sealer makes, with a valid MAC.

PBKDF2-SHA1 (1 iteration) over the salt's *text*, AES-256-CBC with PKCS#7 padding,
HMAC-SHA256 over fields 0 to 5, base64url without padding.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from testing.constants import PW

if TYPE_CHECKING:
    from collections.abc import Callable


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def derive(secret: str, salt: str, length: int = 32) -> bytes:
    return hashlib.pbkdf2_hmac("sha1", secret.encode(), salt.encode(), 1, length)


def forge(
    plaintext: bytes,
    *,
    password: str = PW,
    id: str = "1",
    expiration: str = "",
    enc_salt: str = "a" * 64,
    iv: bytes = bytes(16),
    mac_salt: str = "b" * 64,
    pad: bool = True,
) -> str:
    """A seal of raw ``plaintext`` bytes (PKCS#7-padded unless ``pad`` is false), valid MAC."""
    if pad:
        padder = padding.PKCS7(128).padder()
        plaintext = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(derive(password, enc_salt)), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    base = f"Fe26.2*{id}*{enc_salt}*{b64url(iv)}*{b64url(ciphertext)}*{expiration}"
    return remac(f"{base}*{mac_salt}*", password)


def remac(token: str, password: str = PW) -> str:
    """The token with a valid HMAC over its (possibly edited) fields 0 to 5."""
    parts = token.split("*")
    base = "*".join(parts[:6])
    digest = hmac.digest(derive(password, parts[6]), base.encode(), "sha256")
    return f"{base}*{parts[6]}*{b64url(digest)}"


def edit(token: str, index: int, change: str | Callable[[str], str], *, mac_ok: bool) -> str:
    """``token`` with field ``index`` replaced by ``change`` (a value, or a function of the old
    one), the MAC recomputed under PW or left as it was."""
    parts = token.split("*")
    parts[index] = change if isinstance(change, str) else change(parts[index])
    edited = "*".join(parts)
    return remac(edited) if mac_ok else edited
