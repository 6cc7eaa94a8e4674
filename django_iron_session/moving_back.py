"""Leaving this engine for a server-side one without logging anyone out.

``MoveBackMixin`` goes in front of a server-side engine's ``SessionStore`` (the engines of
``django_iron_session.back_to`` are Django's, with it): a cookie that is an Iron seal is opened
once, by this package's engine with the site's ``IRON_SESSION`` (passwords, expiry,
revocation), and its session saved as a new server-side session on the same response, under
the same cookie name. Any other cookie goes to the server-side engine as usual.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from django_iron_session import backend
from django_iron_session.session_cookie import SEAL_START

__all__ = ["MoveBackMixin"]


class MoveBackMixin(SessionBase):
    """A server-side engine that also opens this package's seals, once, into its own records."""

    def load(self) -> dict[str, Any]:
        if not self._holds_a_seal():
            return super().load()
        return self._moved_back(backend.SessionStore(self.session_key).load())

    async def aload(self) -> dict[str, Any]:
        if not self._holds_a_seal():
            return await super().aload()
        return self._moved_back(await backend.SessionStore(self.session_key).aload())

    def _holds_a_seal(self) -> bool:
        return self.session_key is not None and self.session_key.startswith(SEAL_START)

    def _moved_back(self, data: dict[str, Any]) -> dict[str, Any]:
        """The seal's session, to be saved under a new key of this engine's; or none, when
        the seal did not open (refused as this package refuses any bad cookie)."""
        # No key: saving creates a record and its key, which the response sets as the cookie.
        self._session_key = None
        self.modified = bool(data)
        return data
