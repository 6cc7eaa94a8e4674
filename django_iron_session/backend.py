"""``SESSION_ENGINE = "django_iron_session.backend"``: the whole session sealed in its cookie.

The cookie is what iron-session writes (an Iron seal under the newest password id, then
``~2``), so a Node app with the same password reads and writes the same session.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponse

from django_iron_session import iron
from django_iron_session.conf import get_config

logger = logging.getLogger("django_iron_session")
security_logger = logging.getLogger("django.security.SuspiciousSession")

# Most that Django can add to ``name=value`` (expires, Max-Age, Path, Domain, flags):
# below this, the exact Set-Cookie line need not be built to know it fits.
_ATTRIBUTES_BOUND = 160


class SessionTooLargeError(Exception):
    """The session's cookie would be larger than browsers keep."""


class SessionStore(SessionBase):
    def load(self) -> dict[str, Any]:
        config = get_config()
        try:
            try:
                opened = iron.open_data(
                    self.session_key, config.passwords.keyring(), options=config.options
                )
            except iron.UnknownPasswordError:
                # Another process may have rotated the keyring a moment ago.
                opened = iron.open_data(
                    self.session_key,
                    config.passwords.keyring(refresh=True),
                    options=config.options,
                )
        except iron.IronError as error:
            _log_rejected(error)
            self.create()
            return {}
        if not isinstance(opened.data, dict):
            security_logger.warning("Session cookie rejected: invalid (not an object)")
            self.create()
            return {}
        if opened.password_id != config.passwords.keyring().sealing_password().id:
            # Sealed under an older password: re-seal under the newest on this response.
            self.modified = True
        return opened.data

    async def aload(self) -> dict[str, Any]:
        return self.load()

    def create(self) -> None:
        self.modified = True

    async def acreate(self) -> None:
        self.create()

    def save(self, must_create: bool = False) -> None:
        self._session_key = self._seal()
        self.modified = True

    async def asave(self, must_create: bool = False) -> None:
        self.save(must_create)

    def exists(self, session_key: str | None = None) -> bool:
        return False

    async def aexists(self, session_key: str | None = None) -> bool:
        return False

    def delete(self, session_key: str | None = None) -> None:
        self._session_key = ""
        self._session_cache = {}
        self.modified = True

    async def adelete(self, session_key: str | None = None) -> None:
        self.delete(session_key)

    def cycle_key(self) -> None:
        # The base class would drop the data along with the old key.
        self.save()

    async def acycle_key(self) -> None:
        await self._aget_session()
        self.cycle_key()

    @classmethod
    def clear_expired(cls) -> None:
        """Nothing to clear: expired cookies are refused by their own seal."""

    @classmethod
    async def aclear_expired(cls) -> None:
        """Nothing to clear: expired cookies are refused by their own seal."""

    def _seal(self) -> str:
        config = get_config()
        # An age of 0 or less means "already expired", which Iron's ttl 0 would turn into
        # "never expires".
        ttl = self.get_expiry_age() or -1
        value = iron.seal_data(
            self._session,
            config.passwords.keyring().sealing_password(),
            ttl=ttl,
            options=config.options,
        )
        limit = config.cookie_size_limit
        name = settings.SESSION_COOKIE_NAME
        if len(name) + 1 + len(value) + _ATTRIBUTES_BOUND > limit:
            size = self._set_cookie_size(name, value, ttl)
            if size > limit:
                raise SessionTooLargeError(self._too_large_message(name, size, limit))
        return value

    def _set_cookie_size(self, name: str, value: str, max_age: int) -> int:
        """Bytes of ``name=value; attributes`` as SessionMiddleware will set them."""
        response = HttpResponse()
        response.set_cookie(
            name,
            value,
            max_age=None if self.get_expire_at_browser_close() else max_age,
            domain=settings.SESSION_COOKIE_DOMAIN,
            path=settings.SESSION_COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE or None,
            httponly=settings.SESSION_COOKIE_HTTPONLY or None,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        return len(response.cookies[name].OutputString().encode())

    def _too_large_message(self, name: str, size: int, limit: int) -> str:
        sizes = sorted(
            ((len(iron.serialize(value)), key) for key, value in self._session.items()),
            reverse=True,
        )
        largest = ", ".join(f"{key!r} ({size} bytes)" for size, key in sizes[:3])
        return (
            f"The session cookie {name!r} would be {size} bytes, over the limit of {limit} "
            "(IRON_SESSION['COOKIE_SIZE_LIMIT']); browsers drop such cookies without a word. "
            f"Largest session keys: {largest}. Keep ids in the session rather than objects."
        )


def _log_rejected(error: iron.IronError) -> None:
    if error.reason == "expired":
        logger.debug("Session cookie rejected: expired")
    elif error.reason == "unknown-password":
        logger.warning(
            "Session cookie rejected: unknown password (%s); was it removed from "
            "IRON_SESSION too early?",
            error,
        )
    else:
        security_logger.warning("Session cookie rejected: invalid (%s)", error)
