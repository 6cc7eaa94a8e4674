"""``SESSION_ENGINE = "django_iron_session.backend"``: the whole session sealed in its cookie.

The cookie is what iron-session writes (an Iron seal under the newest password id, then
``~2``), so a Node app with the same password reads and writes the same session. The
session's expiry is sealed with it, in milliseconds as Iron writes it, and enforced on
reading from that millisecond on (plus ``TIMESTAMP_SKEW``, 0 by default).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

from django_iron_session import iron, refusals, session_cookie
from django_iron_session.conf import Config, get_config
from django_iron_session.migration import MovingIn, after_write, forget
from django_iron_session.revocation import Admission, Verdict
from django_iron_session.session_cookie import SessionTooLargeError, open_session, seal_session

if TYPE_CHECKING:
    from django_iron_session.known_cookies import Opened

__all__ = ["SessionReadOnlyError", "SessionStore", "SessionTooLargeError"]

logger = logging.getLogger("django_iron_session")


class SessionReadOnlyError(Exception):
    """A session that no response will carry (a WebSocket's) was saved or flushed."""


_READ_ONLY_SAVE = (
    "This session came with a WebSocket, and no response will carry its cookie back: "
    "{what} here would change nothing the browser keeps, and the change would be lost "
    "without a word. Read the session here; change it in an HTTP request (a view the page "
    "calls with fetch() or a form)."
)
_READ_ONLY_FLUSH = (
    "This session came with a WebSocket, and no response will delete its cookie: without "
    "IRON_SESSION['REVOCATION_CACHE'], flush() here would leave the browser logged in. Log "
    "out in an HTTP request (a view that calls logout()), or set REVOCATION_CACHE so that "
    "flush() here revokes the session."
)


class SessionStore(SessionBase):
    """Django's session API over a cookie that holds the sealed session itself.

    ``session_key`` is the cookie's value, the whole sealed session: a bearer credential
    that replays the session wherever it is logged, stored or sent. A cookie sealed under an
    older password id is re-sealed under the newest one on the same response, read or not,
    so that rotating passwords moves every active session over without logging anyone out.
    """

    # SessionBase's lazily loaded data, which django-stubs does not declare.
    _session: dict[str, Any]
    _session_cache: dict[str, Any]

    #: no response will carry this session's cookie (see make_read_only)
    _read_only = False
    #: what the cookie's seal held, once opened (for REFRESH_AFTER)
    _opened: Opened | None = None
    _moving_in: MovingIn | None = None  # a cookie that is no seal, with MIGRATE_FROM set

    def __init__(self, session_key: str | None = None) -> None:
        # SessionBase.__init__, less its import of SESSION_SERIALIZER (a fifth of loading a
        # known cookie; see serializer): a test checks that this sets all that one does.
        # Nothing here reads the settings, which can be refused: the middleware holds the
        # cookie in a variable while it calls this, and error reports show it.
        self._session_key = session_key
        self.accessed = self._modified = False

    @cached_property
    def serializer(self) -> Any:
        """SESSION_SERIALIZER, for SessionBase's encode() and decode()."""
        return import_string(settings.SESSION_SERIALIZER)

    @cached_property
    def _config(self) -> Config:
        return get_config()

    @cached_property
    def _revocation(self) -> Admission | None:  # only with REVOCATION_CACHE set
        if self._config.revocation_cache is None:
            return None
        return Admission(self._config, self.get_session_cookie_age())

    @cached_property
    def _stale_id(self) -> bool:
        """The cookie is a seal under another password id (the keyring first: see __init__)."""
        if self.session_key is None:
            return False
        return session_cookie.is_stale(self._config.passwords.keyring(), self.session_key)

    @property
    def modified(self) -> bool:
        """Changed, or to be re-sealed: a cookie under an older password id is re-sealed under
        the newest on this response once it has opened (one that does not open is deleted)."""
        if self._modified or not self._stale_id:
            return self._modified
        self.keys()  # opens the cookie, once
        return self._stale_id and self.session_key is not None

    @modified.setter
    def modified(self, value: bool) -> None:
        self._modified = value

    def is_empty(self) -> bool:
        # Opened first: SESSION_SAVE_EVERY_REQUEST must delete a refused cookie, not seal it empty.
        if settings.SESSION_SAVE_EVERY_REQUEST:
            self.keys()
        return super().is_empty()

    def load(self) -> dict[str, Any]:
        data = self._open_cookie()
        if self._moving_in is not None and self._moving_in.pending:  # see migration.py
            data = self._moving_in.load()
        if self.session_key is None or self._revocation is None:
            return data
        return self._admitted(data, self._revocation, self._revocation.check(data))

    async def aload(self) -> dict[str, Any]:
        data = self._open_cookie()
        if self._moving_in is not None and self._moving_in.pending:  # see migration.py
            data = await self._moving_in.aload()
        if self.session_key is None or self._revocation is None:
            return data
        return self._admitted(data, self._revocation, await self._revocation.acheck(data))

    def _open_cookie(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        # The keyring first, while no variable holds the cookie (see above).
        keyring = self._config.passwords.keyring()
        try:
            data, self._opened, lineage = open_session(self.session_key, keyring, self._config)
        except iron.IronError as error:
            if isinstance(error, session_cookie.NotASealError) and self._config.migrate_from:
                self._moving_in = MovingIn(self, self.session_key, error, _report_rejected)
            else:
                _report_rejected(self.session_key, error)
            # No key and no data: SessionMiddleware deletes the cookie unless a new session is set.
            self._session_key = None
            return {}
        if self._revocation is not None:
            self._revocation.opened(lineage)
        return data

    def _admitted(self, data: dict[str, Any], by: Admission, verdict: Verdict) -> dict[str, Any]:
        if verdict is Verdict.ACCEPTED:
            # A cookie from before revocation was on gets its lineage on this response.
            self._modified = self._modified or (bool(data) and by.lineage is None)
            return data
        if verdict is Verdict.UNVERIFIED:
            self._modified = self._stale_id = False  # the cookie stays as it came
        else:
            refusals.refused(SessionStore, "revoked", f"revoked ({verdict.value})")
            self._session_key = None  # deleted like any refused cookie
        return {}

    def make_read_only(self) -> None:
        """Refuse to save this session, and to flush it unless that revokes it: for one that no
        response carries (a WebSocket's, see websocket.py), so a write errs, not vanishes."""
        self._read_only = True

    def _refuse_if_read_only(self, what: str) -> None:
        if self._read_only and what != "flush()":
            raise SessionReadOnlyError(_READ_ONLY_SAVE.format(what=what))
        if self._read_only and self._revocation is None:  # a flush() that revokes is allowed
            raise SessionReadOnlyError(_READ_ONLY_FLUSH)

    def create(self) -> None:
        self.modified = True  # nothing to reserve: the cookie is the session

    async def acreate(self) -> None:
        self.create()

    def save(self, must_create: bool = False) -> None:
        self._refuse_if_read_only("save()")
        if self._revocation is not None and self._revocation.held:
            self._modified = self._revocation.drop_write(self._modified)
            return
        self._session_key = self._seal() or self._session_key  # None: the cookie as it came
        self.modified = True
        forget(self._moving_in)

    async def asave(self, must_create: bool = False) -> None:
        await after_write(self._moving_in, lambda: self.save(must_create))

    def exists(self, session_key: str | None = None) -> bool:
        return False  # no server-side store: no key can collide with another session's

    async def aexists(self, session_key: str | None = None) -> bool:
        return False

    def delete(self, session_key: str | None = None) -> None:
        self._session_key = None
        if self._revocation is not None:
            self._revocation.held = False  # no cookie left to keep
        self._session_cache = {}
        self.modified = True
        forget(self._moving_in)

    async def adelete(self, session_key: str | None = None) -> None:
        await after_write(self._moving_in, lambda: self.delete(session_key))

    def cycle_key(self) -> None:
        # A new seal is a new key; the base class would drop the data with the old key.
        # Log-in also starts a new lineage, so no cookie from before it can be revoked with it.
        self._refuse_if_read_only("cycle_key() (which login() calls)")
        if (revocation := self._checked_earlier()) is not None:
            data = self._session_cache
            self._session_cache = self._admitted(data, revocation, revocation.check(data))
        self.keys()  # loads the session, and the lineage it replaces
        self._save_as_new_lineage()

    async def acycle_key(self) -> None:
        self._refuse_if_read_only("cycle_key() (which login() calls)")
        if (revocation := self._checked_earlier()) is not None:
            data = self._session_cache
            self._session_cache = self._admitted(data, revocation, await revocation.acheck(data))
        await self.akeys()  # loads the session, and the lineage it replaces
        self._save_as_new_lineage()

    def _checked_earlier(self) -> Admission | None:
        # Loaded earlier in this request: a log-out (or revoke_user_sessions) may have come
        # since, and cycle_key's new lineage must not carry the session past it.
        revocation = self._revocation
        loaded = revocation is not None and revocation.admitted_at is not None
        return revocation if loaded and hasattr(self, "_session_cache") else None

    def _save_as_new_lineage(self) -> None:
        if self._revocation is not None:
            self._revocation.restart()
        self.modified = True  # a new seal, even if nothing else changed (REFRESH_AFTER)
        self.save()

    def restart_lineage(self, began_us: int) -> None:
        """For revoke_user_sessions(keep=...): a new session id begun at ``began_us``, now."""
        if self._session_cache and self._revocation is not None:
            self._revocation.restart(began_us)
            self.modified = True

    def flush(self) -> None:
        self._refuse_if_read_only("flush()")
        if self._revocation is not None:
            self.keys()  # loads the session's lineage
            self._revocation.revoke()
        super().flush()

    async def aflush(self) -> None:
        self._refuse_if_read_only("flush()")
        if self._revocation is not None:
            await self.akeys()  # loads the session's lineage
            await self._revocation.arevoke()
        await super().aflush()

    def set_expiry(self, value: Any) -> None:
        super().set_expiry(value)
        if self._revocation is not None and self._revocation.too_long(value, self.get_expiry_age()):
            super().set_expiry(self.get_session_cookie_age())

    async def aset_expiry(self, value: Any) -> None:
        await super().aset_expiry(value)
        revocation = self._revocation
        if revocation is not None and revocation.too_long(value, await self.aget_expiry_age()):
            await super().aset_expiry(self.get_session_cookie_age())

    @classmethod
    def clear_expired(cls) -> None:
        """Nothing to clear: an expired cookie is refused by its own seal."""

    @classmethod
    async def aclear_expired(cls) -> None:
        """Nothing to clear: an expired cookie is refused by its own seal."""

    def _seal(self) -> str | None:
        now = time.time()
        expires_at = _expires_at(self, self._session.get("_session_expiry"), now)
        lineage = sealed_lineage = None
        if self._revocation is not None:
            sealed_lineage, lineage, expires_at = self._revocation.sealing(now, expires_at)
        # REFRESH_AFTER may send an unchanged session's cookie back as it came.
        unchanged = self._config.refresh_after is not None and not self.modified
        return seal_session(
            self._session,
            self._config,
            now=now,
            expires_at=expires_at,
            max_age=lambda: None if self.get_expire_at_browser_close() else self.get_expiry_age(),
            lineage=lineage,
            came=self._opened if unchanged and self.session_key is not None else None,
            came_lineage=sealed_lineage,
        )


def _expires_at(store: SessionStore, expiry: object, now: float) -> float:
    """``store.get_expiry_date().timestamp()``, without datetimes for no expiry or seconds."""
    if not expiry:
        return now + store.get_session_cookie_age()
    if isinstance(expiry, (int, float)):
        return now + expiry
    return store.get_expiry_date(expiry=expiry).timestamp()


def _report_rejected(value: str, error: iron.IronError) -> None:
    """The signal, and one short line, never the cookie: routine causes quietly, forgery as
    a security event (see refusals.py)."""
    if error.reason == "expired":
        refusals.refused(SessionStore, "expired", "expired")
    elif error.reason == "unknown-password":
        # The id is the sender's text, of any length: cut, and quoted.
        password_id = refusals.shorten(session_cookie.sealing_id(value) or "")
        refusals.refused(SessionStore, "unknown-password", f"unknown password (id {password_id})")
    elif isinstance(error, session_cookie.NotASealError):
        refusals.refused(SessionStore, "not-a-seal", "invalid (not an Iron seal)")
    else:
        refusals.refused(SessionStore, "invalid", f"invalid ({error})")
