"""iron-session 9's ``chunk: true`` layout: a seal too large for one cookie is cut into
``name.0``, ``name.1``, ... (at most four), read back by concatenation.

Reading follows iron-session 9 whatever the settings say, so that turning chunking on or
off never invalidates a cookie already out there. Nothing trusts a single chunk: the seal's
MAC covers the whole string, so missing, reordered or foreign chunks fail as one.

Whether a seal needs chunks depends on the size of the whole ``Set-Cookie`` line, which
``SetCookieSize`` predicts from the SESSION_COOKIE_* settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from django_iron_session.conf import Config

__all__ = [
    "MAX_CHUNKS",
    "SetCookieSize",
    "budget",
    "chunk_name",
    "fits",
    "read",
    "split",
    "stored_names",
]

#: iron-session 9's cap, on purpose not a setting: four full chunks are 16 KB of Cookie
#: header on every request, twice what common proxies accept by default.
MAX_CHUNKS = 4


@dataclass(frozen=True)
class SetCookieSize:
    """Bytes of the ``Set-Cookie`` value SessionMiddleware writes for the session cookie."""

    #: bytes of ``name=; attributes`` for a cookie that ends with the browser
    browser_session_overhead: int
    #: the same with ``Max-Age``/``expires``, less the digits of Max-Age
    persistent_overhead: int

    @classmethod
    def measure(cls) -> SetCookieSize:
        """The sizes under the current SESSION_COOKIE_* settings."""
        return cls(_set_cookie_overhead(None), _set_cookie_overhead(0) - len("0"))

    def __call__(self, value: str, max_age: int | None) -> int:
        """Bytes of the ``Set-Cookie`` value for ``value`` with this ``max_age``."""
        if max_age is None:
            return self.browser_session_overhead + len(value)
        return self.persistent_overhead + len(str(max_age)) + len(value)


def _set_cookie_overhead(max_age: int | None) -> int:
    # The very call SessionMiddleware makes, with a one-character value (an empty one would
    # be quoted): the attributes depend only on settings, and ``expires`` has a fixed width.
    response = HttpResponse()
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        "x",
        max_age=max_age,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=settings.SESSION_COOKIE_HTTPONLY,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    line = response.cookies[settings.SESSION_COOKIE_NAME].OutputString()
    return len(line.encode()) - len("x")


def chunk_name(name: str, index: int) -> str:
    return f"{name}.{index}"


def read(cookies: Mapping[str, str], name: str) -> str | None:
    """The seal in the request's cookies: the plain cookie if set, else the chunks
    ``name.0``... up to the first missing one; None if there is neither."""
    whole = cookies.get(name)
    if whole:
        return whole
    parts = []
    for index in range(MAX_CHUNKS):
        part = cookies.get(chunk_name(name, index))
        if not part:
            break
        parts.append(part)
    return "".join(parts) or None


def stored_names(cookies: Mapping[str, str], name: str) -> Iterator[str]:
    """The cookies of this session's layouts (plain and chunks) that the request carried."""
    for candidate in (name, *(chunk_name(name, index) for index in range(MAX_CHUNKS))):
        if cookies.get(candidate):
            yield candidate


def budget(config: Config, max_age: int | None) -> int:
    """Characters of seal one chunk holds: the size limit less ``name.N=`` and the same
    attributes as the session cookie's (iron-session 9's rule)."""
    return config.cookie_size_limit - config.set_cookie_size("", max_age) - len(".0")


def fits(config: Config, value: str, max_age: int | None) -> bool:
    """Whether chunking is on and ``value`` fits in at most ``MAX_CHUNKS`` chunks."""
    if not config.chunked:
        return False
    size = budget(config, max_age)
    return size > 0 and len(value) <= size * MAX_CHUNKS


def split(value: str, size: int) -> list[str]:
    return [value[start : start + size] for start in range(0, len(value), size)]
