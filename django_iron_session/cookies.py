"""The size of the session's ``Set-Cookie`` line, which browsers cap (4096 bytes, usually).

The backend refuses a session whose cookie would be dropped, and the chunking middleware
cuts one into chunks (chunks.py): both need the size before the response is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse

__all__ = ["SetCookieSize"]


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
