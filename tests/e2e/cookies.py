"""What a session cookie's value says about itself without opening it."""

from __future__ import annotations

import re

_BASE64URL = "[-A-Za-z0-9_]+"
# Fe26.2*id*salt*iv*encrypted*expiration*salt*hmac, then iron-session's ~2 marker.
SEAL = re.compile(
    rf"Fe26\.2\*(?P<id>[0-9]+)\*[0-9a-f]+\*{_BASE64URL}\*{_BASE64URL}\*(?P<expiration>[0-9]+)"
    rf"\*[0-9a-f]+\*{_BASE64URL}~2"
)


def _fields(seal: str) -> re.Match[str]:
    match = SEAL.fullmatch(seal)
    assert match is not None, "not an iron-session seal"
    return match


def password_id(seal: str) -> str:
    """The id of the password the seal was made with; fails unless it is an iron-session seal."""
    return _fields(seal)["id"]


def expiration(seal: str) -> float:
    """When the seal expires, in seconds since the epoch (before iron's skew allowance)."""
    return int(_fields(seal)["expiration"]) / 1000
