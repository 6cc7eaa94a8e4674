"""``SESSION_ENGINE = "django_iron_session.backend"``: the whole session sealed in its cookie.

The cookie is what iron-session writes (an Iron seal under the newest password id, then
``~2``), so a Node app with the same password reads and writes the same session. The
session's expiry is sealed with it, in milliseconds as Iron writes it, and enforced on
reading from that millisecond on (plus ``TIMESTAMP_SKEW``, 0 by default).
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

from django_iron_session import chunks, compression, iron, iron_session, refusals, revocation
from django_iron_session.conf import Config, get_config
from django_iron_session.known_cookies import Opened, known_cookies

logger = logging.getLogger("django_iron_session")

_SEAL_START = iron.MAC_PREFIX + "*"


class SessionTooLargeError(Exception):
    """The session's cookie would be larger than browsers keep."""


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

    # Each store starts with these class values, so that __init__, run on every request,
    # sets only what it must.
    #: what all cookies of this session share, for revocation (see revocation.py)
    _lineage: revocation.Lineage | None = None
    #: the lineage the cookie's seal carried, admitted or not: what a log-out revokes
    _sealed_lineage: revocation.Lineage | None = None
    #: when the revocation cache was asked about ``_lineage`` (``time.time()``)
    _admitted_at: float | None = None
    #: the revocation cache could not vouch for the cookie: not loaded, and kept as it is
    #: (a write to the session is dropped)
    _held = False
    #: no response will carry this session's cookie (see make_read_only)
    _read_only = False
    #: what the cookie's seal held, once opened (for REFRESH_AFTER)
    _opened: Opened | None = None

    def __init__(self, session_key: str | None = None) -> None:
        # SessionBase.__init__, less its import of SESSION_SERIALIZER on every request:
        # this engine seals JSON itself and needs it only if encode() is called.
        # Nothing here can fail: SessionMiddleware holds the cookie in a variable while it
        # calls this, and error reports show the variables of every frame. The settings and
        # the keyring, which can be refused, are read on first use.
        self._session_key = session_key
        self.accessed = self._modified = False

    @cached_property
    def _config(self) -> Config:
        return get_config()

    @cached_property
    def _stale_id(self) -> bool:
        """The cookie is a seal under another password id than the sealing one."""
        if self.session_key is None:
            return False
        # The keyring before any variable holds the cookie (see __init__).
        sealing_id = self._config.passwords.keyring().sealing_id
        # Most cookies name the sealing password: one prefix test tells them apart.
        return not self.session_key.startswith(f"{_SEAL_START}{sealing_id}*") and (
            _sealing_id(self.session_key) is not None
        )

    @cached_property
    def serializer(self) -> Any:
        """SESSION_SERIALIZER, for SessionBase's encode() and decode()."""
        return import_string(settings.SESSION_SERIALIZER)

    @property
    def modified(self) -> bool:
        """Changed, or to be re-sealed: a cookie under an older password id is re-sealed
        under the newest on this response, read or not, but only once it has opened. One
        that does not open (a forged id, say) is deleted, never answered with a new seal."""
        if self._modified or not self._stale_id:
            return self._modified
        self.keys()  # opens the cookie, once
        return self._stale_id and self.session_key is not None

    @modified.setter
    def modified(self, value: bool) -> None:
        self._modified = value

    def is_empty(self) -> bool:
        # With SESSION_SAVE_EVERY_REQUEST, SessionMiddleware saves whatever is not empty, and
        # saving opens the cookie anyway: open it first, so that a refused cookie is deleted
        # rather than answered with a new seal of an empty session.
        if settings.SESSION_SAVE_EVERY_REQUEST:
            self.keys()
        return super().is_empty()

    def load(self) -> dict[str, Any]:
        data = self._unseal_cookie()
        if self.session_key is None or self._config.revocation_cache is None:
            return data
        return self._admitted(data, self._check(data))

    async def aload(self) -> dict[str, Any]:
        data = self._unseal_cookie()
        if self.session_key is None or self._config.revocation_cache is None:
            return data
        return self._admitted(data, await self._acheck(data))

    def _check(self, data: dict[str, Any]) -> revocation.Verdict:
        self._admitted_at = time.time()
        age = self.get_session_cookie_age()
        return revocation.check(self._config, self._lineage, data, age)

    async def _acheck(self, data: dict[str, Any]) -> revocation.Verdict:
        self._admitted_at = time.time()
        age = self.get_session_cookie_age()
        return await revocation.acheck(self._config, self._lineage, data, age)

    def _unseal_cookie(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        # The keyring first, while no variable holds the cookie (see __init__).
        keyring = self._config.passwords.keyring()
        try:
            data, self._opened = _open(self.session_key, keyring, self._config)
        except iron.IronError as error:
            _report_rejected(self.session_key, error)
            # No key and no data: SessionMiddleware deletes the cookie unless the
            # request writes a new session.
            self._session_key = None
            return {}
        data, self._lineage = revocation.split(data)
        self._sealed_lineage = self._lineage
        return data

    def _admitted(self, data: dict[str, Any], verdict: revocation.Verdict) -> dict[str, Any]:
        if verdict is revocation.Verdict.ACCEPTED:
            # A cookie from before revocation was on gets its lineage on this response.
            self._modified = self._modified or (bool(data) and self._lineage is None)
            return data
        self._lineage = None
        if verdict is not revocation.Verdict.UNVERIFIED:
            refusals.refused(SessionStore, "revoked", f"revoked ({verdict.value})")
            self._session_key = None  # deleted like any refused cookie
        else:
            # Cache down: this request goes without the session, but the cookie stays, so
            # that the session is back once the cache is.
            self._held = True
            self._modified = self._stale_id = False
        return {}

    def make_read_only(self) -> None:
        """Refuse to save this session, and to flush it unless that revokes it.

        For a session that no response will carry, such as a WebSocket's (see
        ``django_iron_session.websocket``): its cookie cannot change, so a write would be
        lost silently. An error says so instead.
        """
        self._read_only = True

    def _refuse_if_read_only(self, what: str) -> None:
        if self._read_only:
            raise SessionReadOnlyError(_READ_ONLY_SAVE.format(what=what))

    def _refuse_flush_if_read_only(self) -> None:
        if self._read_only and self._config.revocation_cache is None:
            raise SessionReadOnlyError(_READ_ONLY_FLUSH)

    def create(self) -> None:
        # There is nothing to reserve: the cookie is the session.
        self.modified = True

    async def acreate(self) -> None:
        self.create()

    def save(self, must_create: bool = False) -> None:
        self._refuse_if_read_only("save()")
        if self._held:
            self._drop_write()
            return
        self._session_key = self._seal()
        self.modified = True

    def _drop_write(self) -> None:
        """The cookie the revocation cache could not vouch for stays as it is: a new seal of
        what this request wrote would replace the whole session with that alone."""
        if self._modified:
            logger.warning(
                "Session not saved: the revocation cache could not be read for its cookie "
                "(REVOCATION_CACHE_DOWN = 'refuse'), which is kept as it is; what this "
                "request wrote to the session is dropped"
            )
            self._modified = False

    async def asave(self, must_create: bool = False) -> None:
        self.save(must_create)

    def exists(self, session_key: str | None = None) -> bool:
        # No server-side store, so no key can collide with another session's.
        return False

    async def aexists(self, session_key: str | None = None) -> bool:
        return False

    def delete(self, session_key: str | None = None) -> None:
        self._session_key = None
        self._held = False  # no cookie left to keep
        self._session_cache = {}
        self.modified = True

    async def adelete(self, session_key: str | None = None) -> None:
        self.delete(session_key)

    def cycle_key(self) -> None:
        # A new seal is a new key; the base class would drop the data with the old key.
        # Log-in also starts a new lineage, so no cookie from before it can be revoked with it.
        self._refuse_if_read_only("cycle_key() (which login() calls)")
        if self._loaded_and_checked():
            # Loaded earlier in this request: a log-out (or revoke_user_sessions) may have
            # come since, and the new lineage must not carry the session past it.
            data = self._session_cache
            self._session_cache = self._admitted(data, self._check(data))
        self.keys()  # loads the session, and the lineage it replaces
        self._save_as_new_lineage()

    async def acycle_key(self) -> None:
        self._refuse_if_read_only("cycle_key() (which login() calls)")
        if self._loaded_and_checked():
            data = self._session_cache
            self._session_cache = self._admitted(data, await self._acheck(data))
        await self.akeys()  # loads the session, and the lineage it replaces
        self._save_as_new_lineage()

    def _loaded_and_checked(self) -> bool:
        return self._admitted_at is not None and hasattr(self, "_session_cache")

    def _save_as_new_lineage(self) -> None:
        self._lineage = None
        self.modified = True  # a new seal, even if nothing else changed (REFRESH_AFTER)
        self.save()

    def restart_lineage(self, began_us: int) -> None:
        """For ``revoke_user_sessions(keep=...)``: a new session id, begun at ``began_us``
        (the revocation), for a session already loaded; the response carries it."""
        if self._session_cache:
            self._lineage = revocation.new_lineage(began_us)
            self.modified = True

    # The lineage to revoke is the one being sealed, else the one the cookie's seal carried,
    # even if the revocation cache could not be read on this request: the seal vouches for it.

    def flush(self) -> None:
        self._refuse_flush_if_read_only()
        if self._config.revocation_cache is not None:
            self.keys()  # loads the session's lineage
            lineage = self._lineage or self._sealed_lineage
            revocation.revoke(self._config, lineage, self.get_session_cookie_age())
            self._lineage = self._sealed_lineage = None
        super().flush()

    async def aflush(self) -> None:
        self._refuse_flush_if_read_only()
        if self._config.revocation_cache is not None:
            await self.akeys()  # loads the session's lineage
            lineage = self._lineage or self._sealed_lineage
            await revocation.arevoke(self._config, lineage, self.get_session_cookie_age())
            self._lineage = self._sealed_lineage = None
        await super().aflush()

    def set_expiry(self, value: Any) -> None:
        super().set_expiry(value)
        longest = self._longest_age(value, self.get_expiry_age())
        if longest is not None:
            super().set_expiry(longest)

    async def aset_expiry(self, value: Any) -> None:
        await super().aset_expiry(value)
        longest = self._longest_age(value, await self.aget_expiry_age())
        if longest is not None:
            await super().aset_expiry(longest)

    def _longest_age(self, value: Any, age: int) -> int | None:
        """SESSION_COOKIE_AGE if revocation is on and ``age`` exceeds it, else None: the
        revocation entry of a log-out outlives the session's seals only up to that age."""
        longest = self.get_session_cookie_age()
        if self._config.revocation_cache is None or age <= longest:
            return None
        logger.warning(
            "set_expiry(%r) asks for more than SESSION_COOKIE_AGE (%d s), the longest a "
            "session lives with IRON_SESSION['REVOCATION_CACHE'] on: set to %d s. Raise "
            "SESSION_COOKIE_AGE to the longest expiry the site gives.",
            value,
            longest,
            longest,
        )
        return longest

    @classmethod
    def clear_expired(cls) -> None:
        """Nothing to clear: an expired cookie is refused by its own seal."""

    @classmethod
    async def aclear_expired(cls) -> None:
        """Nothing to clear: an expired cookie is refused by its own seal."""

    def _seal(self) -> str:
        config = self._config
        data = self._session
        now = time.time()
        expires_at = self._expires_at(data.get("_session_expiry"), now)
        encode = self._compressed if config.compress else iron.serialize
        stamped = None
        if config.revocation_cache is not None:
            if self._admitted_at is None:
                self._admitted_at = now  # a new session has no copy to revoke
            if self._lineage is None:
                # A session that came in a cookie began no later than the check that let it
                # in: a revoke_user_sessions() since then covers it.
                self._lineage = revocation.new_lineage(revocation.us(self._admitted_at))
            # Measured from the check, not from now: a request that loaded the session just
            # before a log-out and seals it after cannot outlive the log-out's entry.
            expires_at = min(expires_at, self._admitted_at + self.get_session_cookie_age())
            stamped = self._lineage.checked_at(self._admitted_at)
            # REFRESH_AFTER compares with the cookie as it came, the time of its check too.
            lineage = self._lineage if self._may_keep_cookie() else stamped
            data = {**self._session, **lineage.fields()}
        plaintext = encode(data)
        if self._is_fresh(plaintext, expires_at) and not self.modified:
            assert self.session_key is not None  # fresh means a cookie came in
            return self.session_key
        if stamped is not None and data.get(revocation.CHECKED_KEY) != stamped.checked_us:
            plaintext = encode({**data, **stamped.fields()})
        # Iron seals `now + ttl`: handing it the expiry as that sum keeps a datetime expiry
        # exact instead of floored to whole seconds. A ttl of 0 would mean "never expires".
        ttl = math.floor(expires_at - now) or -1
        keyring = config.passwords.keyring()
        value = iron_session.seal_data(
            plaintext,
            keyring,
            ttl=ttl,
            now=expires_at - ttl,
            options=config.options,
            encode=bytes,  # encoded already, to be remembered below
        )
        limit = config.cookie_size_limit
        # Max-Age has at most the digits of ttl: the exact size is needed only near the limit.
        if config.set_cookie_size(value, ttl) > limit:
            max_age = None if self.get_expire_at_browser_close() else self.get_expiry_age()
            size = config.set_cookie_size(value, max_age)
            if size > limit and not chunks.fits(config, value, max_age):
                # Error reports show the variables of every frame: not the seal that opens
                # this session (see docs/security.rst).
                del value
                raise SessionTooLargeError(self._too_large_message(size, limit))
        # The next request most likely brings this cookie back.
        known_cookies.add(value, keyring, Opened(plaintext, expires_at))
        return value

    def _may_keep_cookie(self) -> bool:
        """Whether REFRESH_AFTER may send the cookie back as it came (see _is_fresh)."""
        return (
            self._config.refresh_after is not None
            and self._opened is not None
            and not self.modified
        )

    def _compressed(self, data: dict[str, Any]) -> bytes:
        plaintext = iron.serialize(data)
        limit = self._config.decompressed_size_limit
        if len(plaintext) > limit:
            raise SessionTooLargeError(
                f"The session's JSON would be {len(plaintext)} bytes, over the limit of "
                f"{limit} for a compressed session (IRON_SESSION['DECOMPRESSED_SIZE_LIMIT']), "
                "which every request would inflate again. Largest session keys: "
                f"{self._largest_keys()}. Keep ids in the session rather than whole objects."
            )
        return compression.compress(plaintext)

    def _is_fresh(self, plaintext: bytes, expires_at: float) -> bool:
        """REFRESH_AFTER: the cookie that came in holds this very plaintext, and sealing it
        again would push its expiry back by less than REFRESH_AFTER seconds."""
        refresh_after = self._config.refresh_after
        opened = self._opened
        return (
            refresh_after is not None
            and opened is not None
            and self.session_key is not None
            and opened.expires_at is not None
            and expires_at - opened.expires_at < refresh_after
            and opened.plaintext == plaintext
        )

    def _expires_at(self, expiry: object, now: float) -> float:
        """``get_expiry_date().timestamp()``, without building datetimes for the common
        expiries: none set (the cookie age) or a number of seconds."""
        if not expiry:
            return now + self.get_session_cookie_age()
        if isinstance(expiry, (int, float)):
            return now + expiry
        return self.get_expiry_date(expiry=expiry).timestamp()

    def _too_large_message(self, size: int, limit: int) -> str:
        return (
            f"The session cookie {self._config.cookie_name!r} would be {size} bytes, over the "
            f"limit of {limit} (IRON_SESSION['COOKIE_SIZE_LIMIT']); browsers drop such "
            f"cookies without a word. Largest session keys: {self._largest_keys()}. Keep ids "
            "in the session rather than whole objects."
        )

    def _largest_keys(self) -> str:
        sizes = sorted(
            ((len(iron.serialize(value)), key) for key, value in self._session.items()),
            reverse=True,
        )
        return ", ".join(f"{key!r} ({length} bytes)" for length, key in sizes[:3])


def _sealing_id(value: str) -> str | None:
    """The password id a seal names, read without opening it; None if it is no seal."""
    if not value.startswith(_SEAL_START):
        return None
    end = value.find("*", len(_SEAL_START))
    return None if end < 0 else value[len(_SEAL_START) : end]


def _open(value: str, keyring: iron.Keyring, config: Config) -> tuple[dict[str, Any], Opened]:
    """The session a cookie holds, and what its seal held."""
    opened = known_cookies.opened(value, keyring, config.options)
    if opened is None:
        opened = _verify(value, keyring, config)
    data = compression.decode(opened.plaintext, limit=config.decompressed_size_limit)
    if not isinstance(data, dict):
        raise iron.InvalidSealError(f"The seal holds a {type(data).__name__}, not a dict")
    return data, opened


def _verify(value: str, keyring: iron.Keyring, config: Config) -> Opened:
    """What a cookie this process does not know yet holds, once its MAC is checked."""
    try:
        unsealed = iron_session.open_data(value, keyring, options=config.options, decode=bytes)
    except iron.UnknownPasswordError:
        # Another process may have just added a password to the keyring file.
        keyring = config.passwords.keyring(refresh=True)
        unsealed = iron_session.open_data(value, keyring, options=config.options, decode=bytes)
    opened = Opened(unsealed.data, unsealed.expires_at)
    known_cookies.add(value, keyring, opened)
    return opened


def _report_rejected(value: str, error: iron.IronError) -> None:
    """The signal, and one short line, never the cookie: routine causes quietly, forgery as
    a security event (see refusals.py)."""
    if error.reason == "expired":
        refusals.refused(SessionStore, "expired", "expired")
    elif error.reason == "unknown-password":
        # The id is the sender's text, of any length: cut, and quoted.
        password_id = refusals.shorten(_sealing_id(value) or "")
        refusals.refused(SessionStore, "unknown-password", f"unknown password (id {password_id})")
    elif not value.startswith(_SEAL_START):
        refusals.refused(SessionStore, "not-a-seal", "invalid (not an Iron seal)")
    else:
        refusals.refused(SessionStore, "invalid", f"invalid ({error})")
