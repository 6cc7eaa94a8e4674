"""``IRON_SESSION["MIGRATE_FROM"]``: sessions of the engine a site used before, moved into seals.

A cookie that is not an Iron seal is handed to the old engine(s), in order, under the same
cookie name (``SESSION_COOKIE_NAME`` is shared). The first that holds a session for it gives
the session's data; the engine then seals that data on the same response, so the user keeps
the session, logged in. A cookie no old engine knows is an empty session, as before: it costs
one ``load()`` of each old engine, what that engine pays for any unknown cookie.

The old engine's record (a database row, a cache entry, a file) is deleted once the seal that
replaces it is made, in ``save()``, right before the response carries it: a request that fails
before that (a 5xx response is never saved by SessionMiddleware) leaves the record, so the
next request moves the session again. Once deleted, a copy of the old cookie opens nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django_iron_session.conf import get_config

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.sessions.backends.base import SessionBase

    from django_iron_session.iron import IronError

    Refuse = Callable[[str, IronError], None]

__all__ = ["MovingIn", "after_write", "forget"]


class MovingIn:
    """MIGRATE_FROM's part of one session, which a store holds only with MIGRATE_FROM set and
    a cookie that is no seal: the cookie, until the old engines are asked about it (once), then
    the old engine's record of the session found, until the seal replacing it is made."""

    def __init__(self, into: SessionBase, cookie: str, error: IronError, refuse: Refuse) -> None:
        #: the store the session moves into, to be sealed on this response
        self._into = into
        #: the cookie and why it did not open, until the old engines are asked about it
        self._asking: tuple[str, IronError] | None = (cookie, error)
        #: how the store refuses a cookie no old engine knows (as one that is no seal)
        self._refuse = refuse
        #: the old engine's record of the session moved in, until it is deleted
        self._record: SessionBase | None = None

    @property
    def pending(self) -> bool:
        """The old engines are yet to be asked about the cookie."""
        return self._asking is not None

    def load(self) -> dict[str, Any]:
        """The session the first old engine holds for the cookie, or none (the cookie refused)."""
        cookie = self._ask()
        for engine in get_config().migrate_from:
            record = engine(cookie)
            if data := record.load():
                return self._found(record, data)
        return self._refused()

    async def aload(self) -> dict[str, Any]:
        """``load()`` through the engines' async API, for ``SessionStore.aload()``."""
        cookie = self._ask()
        for engine in get_config().migrate_from:
            record = engine(cookie)
            if data := await record.aload():
                return self._found(record, data)
        return self._refused()

    def _ask(self) -> str:
        assert self._asking is not None  # pending: see the store's load()
        return self._asking[0]

    def _found(self, record: SessionBase, data: dict[str, Any]) -> dict[str, Any]:
        self._asking, self._record = None, record
        self._into.modified = True
        return data

    def _refused(self) -> dict[str, Any]:
        assert self._asking is not None
        (cookie, error), self._asking = self._asking, None
        self._refuse(cookie, error)
        return {}

    def take_record(self) -> SessionBase | None:
        """The old engine's record to delete now that its cookie is replaced, once."""
        record, self._record = self._record, None
        return record


def forget(moving_in: MovingIn | None) -> None:
    """Deletes the old engine's record of a session moved in, if any: its seal is made."""
    if moving_in is not None and (record := moving_in.take_record()) is not None:
        record.delete()


async def after_write(moving_in: MovingIn | None, write: Callable[[], None]) -> None:
    """``write()`` (the store's ``save()`` or ``delete()``), then the old engine's record of a
    session moved in deleted through its async API (``write()`` finds it taken)."""
    record = None if moving_in is None else moving_in.take_record()
    write()
    if record is not None:
        await record.adelete()
