"""What the demo shows of a cookie: the Iron seal taken apart, and what Django's own
``signed_cookies`` engine would put in the browser for the same session, read without any
key.
"""

from __future__ import annotations

import base64
import zlib
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.sessions.serializers import JSONSerializer
from django.core import signing

from django_iron_session import iron, iron_session

if TYPE_CHECKING:
    from collections.abc import Mapping

# django.contrib.sessions.backends.signed_cookies seals with this salt.
SIGNED_COOKIES_SALT = "django.contrib.sessions.backends.signed_cookies"


class Part(NamedTuple):
    name: str
    value: str
    meaning: str


class Seal(NamedTuple):
    parts: list[Part]
    #: when the seal stops opening, in milliseconds since 1970; None for a seal without expiry
    expires_ms: int | None


def _expiry_meaning(expiration: str) -> str:
    if not expiration:
        return "empty: this seal never expires"
    moment = datetime.fromtimestamp(int(expiration) / 1000, tz=timezone.utc)
    return (
        f"when the seal stops opening, in ms since 1970: {moment:%Y-%m-%d %H:%M:%S} UTC. "
        "The HMAC covers it, so nobody can push it back."
    )


def take_apart(cookie: str) -> Seal | None:
    """The eight fields of an iron-session seal, or None if ``cookie`` is not one."""
    fields = cookie.removesuffix(iron_session.SESSION_VERSION_MARKER).split("*")
    if len(fields) != 8:
        return None
    prefix, password_id, salt, iv, ciphertext, expiration, hmac_salt, hmac = fields
    if prefix != iron.MAC_PREFIX or not (
        expiration == "" or (expiration.isascii() and expiration.isdigit())
    ):
        return None
    parts = [
        Part("prefix", prefix, "the Iron format, version 2"),
        Part(
            "password id",
            password_id,
            "which password of the keyring sealed it: the newest seals, every one opens",
        ),
        Part(
            "encryption salt",
            salt,
            "random for each seal; with the password it makes the AES-256 key (PBKDF2)",
        ),
        Part("IV", iv, "random for each seal: AES-256-CBC's initialisation vector"),
        Part(
            "ciphertext",
            ciphertext,
            "the session's JSON, encrypted: nothing of it can be read without the password",
        ),
        Part("expiry", expiration, _expiry_meaning(expiration)),
        Part(
            "HMAC salt", hmac_salt, "random for each seal; with the password it makes the HMAC key"
        ),
        Part(
            "HMAC",
            hmac,
            "HMAC-SHA256 of everything before it: change one character and the cookie is refused",
        ),
    ]
    if cookie.endswith(iron_session.SESSION_VERSION_MARKER):
        parts.append(
            Part("marker", iron_session.SESSION_VERSION_MARKER, "iron-session's mark of its format")
        )
    return Seal(parts, int(expiration) if expiration else None)


def signed_cookie(session: Mapping[str, Any]) -> str:
    """The cookie ``signed_cookies`` would set for ``session``: signed, not encrypted."""
    return signing.dumps(
        dict(session), salt=SIGNED_COOKIES_SALT, serializer=JSONSerializer, compress=True
    )


def read_without_key(cookie: str) -> str:
    """What anyone holding a ``signed_cookies`` cookie reads: its first field, base64url
    decoded (and unzipped when it starts with "."). No key, no signature check."""
    payload = cookie.split(":", 1)[0]
    compressed = payload.startswith(".")
    payload = payload.removeprefix(".")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()
