"""Real logout for sealed sessions: ``IRON_SESSION["REVOCATION_CACHE"]`` names a Django cache.

Every cookie value a session ever had carries the same random session id (``_iron_sid``)
and the time the session began (``_iron_created``, µs, so that a log-in and a revocation
moments apart are never taken as simultaneous); ``cycle_key`` (log-in) starts a new
id. ``flush`` (log-out) revokes the id for ``SESSION_COOKIE_AGE`` plus ``TIMESTAMP_SKEW``.
That covers every copy, however often re-sealed: the backend seals no cookie of a revocable
session to expire more than ``SESSION_COOKIE_AGE`` after the check that admitted it, and
once the entry is written no check admits the id, so no seal made from then on carries it.
Each seal also carries the time of that check (``_iron_checked``, µs), which an app that
re-seals without checking (a Node app) copies unchanged: a session whose last check is
older than the entry's life is refused, so such a re-seal cannot outlast the entry either.
``revoke_user_sessions`` makes every session of a user that began before the call stop
loading, with one entry per user. Loading a session costs one ``get_many`` for both entries.
"""

from __future__ import annotations

import enum
import logging
import math
import time
from typing import TYPE_CHECKING, Any

from django.contrib.auth import SESSION_KEY as USER_ID_KEY
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured

from django_iron_session.conf import Config, get_config
from django_iron_session.session_cookie import (
    CHECKED_KEY,
    CREATED_KEY,
    SID_KEY,
    Lineage,
    new_lineage,
    split,
    us,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.sessions.backends.base import SessionBase

    from django_iron_session.backend import SessionStore

__all__ = [
    "CHECKED_KEY",
    "CREATED_KEY",
    "SID_KEY",
    "Admission",
    "Lineage",
    "Verdict",
    "arevoke_user_sessions",
    "new_lineage",
    "revoke_user_sessions",
    "split",
    "us",
]

logger = logging.getLogger("django_iron_session")

_CACHE_KEY_PREFIX = "django_iron_session:revoked:"


class Verdict(enum.Enum):
    ACCEPTED = "accepted"
    LOGGED_OUT = "logged out"
    USER_REVOKED = "all the user's sessions revoked"
    #: not checked for longer than a log-out's entry lives (re-sealed by an app that does
    #: not check revocation)
    UNCHECKED = "not checked for longer than SESSION_COOKIE_AGE"
    #: the cache could not be asked and REVOCATION_CACHE_DOWN is "refuse"
    UNVERIFIED = "unverified"


def _sid_cache_key(sid: str) -> str:
    return f"{_CACHE_KEY_PREFIX}sid:{sid}"


def _user_cache_key(user_id: str) -> str:
    return f"{_CACHE_KEY_PREFIX}user:{user_id}"


def _cache_keys(lineage: Lineage | None, data: dict[str, Any]) -> list[str]:
    keys = [] if lineage is None else [_sid_cache_key(lineage.sid)]
    user_id = data.get(USER_ID_KEY)
    if isinstance(user_id, str):
        keys.append(_user_cache_key(user_id))
    return keys


def _verdict(lineage: Lineage | None, data: dict[str, Any], found: dict[str, Any]) -> Verdict:
    if lineage is not None and _sid_cache_key(lineage.sid) in found:
        return Verdict.LOGGED_OUT
    user_id = data.get(USER_ID_KEY)
    revoked_at = found.get(_user_cache_key(user_id)) if isinstance(user_id, str) else None
    # A seal from before revocation was on has no creation time: any revocation covers it.
    created_us = 0 if lineage is None else lineage.created_us
    if isinstance(revoked_at, int) and created_us < revoked_at:
        return Verdict.USER_REVOKED
    return Verdict.ACCEPTED


def _unreachable(config: Config, error: Exception) -> Verdict:
    refuse = config.revocation_cache_down == "refuse"
    # The error's class and text name the failure (host, port); they never hold the cookie.
    logger.error(
        "Revocation cache %r unreachable (%s: %s): session %s (REVOCATION_CACHE_DOWN = %r)",
        config.revocation_cache,
        type(error).__name__,
        error,
        "refused for this request" if refuse else "accepted unchecked",
        config.revocation_cache_down,
    )
    return Verdict.UNVERIFIED if refuse else Verdict.ACCEPTED


def _cache(config: Config) -> BaseCache:
    assert config.revocation_cache is not None  # the backend asks only when it is set
    return caches[config.revocation_cache]


def _unchecked_too_long(config: Config, lineage: Lineage | None, max_age: int) -> bool:
    """Whether the session's last check is older than a log-out's entry lives: its seal was
    made by an app that does not check revocation, and it may be a revoked copy whose entry
    has expired. The backend seals no cookie to outlive this, so only such re-seals meet it."""
    if lineage is None or lineage.checked_us is None:
        return False
    return time.time() > lineage.checked_us / 1_000_000 + _sid_timeout(config, max_age)


def check(config: Config, lineage: Lineage | None, data: dict[str, Any], max_age: int) -> Verdict:
    """Whether a session may load: one ``get_many`` for its id and its user."""
    if _unchecked_too_long(config, lineage, max_age):
        return Verdict.UNCHECKED
    keys = _cache_keys(lineage, data)
    if not keys:
        return Verdict.ACCEPTED
    try:
        found = _cache(config).get_many(keys)
    except Exception as error:  # any backend's failure: redis, memcached, sockets
        return _unreachable(config, error)
    return _verdict(lineage, data, found)


async def acheck(
    config: Config, lineage: Lineage | None, data: dict[str, Any], max_age: int
) -> Verdict:
    """``check`` with the cache's native async API."""
    if _unchecked_too_long(config, lineage, max_age):
        return Verdict.UNCHECKED
    keys = _cache_keys(lineage, data)
    if not keys:
        return Verdict.ACCEPTED
    try:
        found = await _cache(config).aget_many(keys)
    except Exception as error:  # any backend's failure: redis, memcached, sockets
        return _unreachable(config, error)
    return _verdict(lineage, data, found)


def _sid_timeout(config: Config, max_age: int) -> int:
    """Seconds that outlast every seal of a session admitted before now (see the module's
    doc): the longest a seal lives, and the skew its expiry is allowed."""
    return max(1, math.ceil(max_age + config.options.timestamp_skew))


def revoke(config: Config, lineage: Lineage | None, max_age: int) -> None:
    """Log-out: no cookie of this session loads again. A cache failure is logged, not
    raised: the log-out itself (the cookie's deletion) goes ahead."""
    if lineage is None:
        return
    try:
        _cache(config).set(_sid_cache_key(lineage.sid), True, _sid_timeout(config, max_age))
    except Exception as error:  # any backend's failure: redis, memcached, sockets
        _log_revoke_failed(config, lineage, error)


async def arevoke(config: Config, lineage: Lineage | None, max_age: int) -> None:
    """``revoke`` with the cache's native async API."""
    if lineage is None:
        return
    try:
        await _cache(config).aset(_sid_cache_key(lineage.sid), True, _sid_timeout(config, max_age))
    except Exception as error:  # any backend's failure: redis, memcached, sockets
        _log_revoke_failed(config, lineage, error)


class Admission:
    """Revocation's part of one session, for a store with ``REVOCATION_CACHE`` set (a store
    without it holds none): the lineage the cookie carried, whether the cache admitted it,
    the lineage and the stamp to seal, and the log-out."""

    def __init__(self, config: Config, max_age: int) -> None:
        self._config = config
        #: SESSION_COOKIE_AGE: the longest a revocable session's seal lives after its check
        self._max_age = max_age
        #: what all cookies of this session share; None until sealing gives it one
        self.lineage: Lineage | None = None
        #: the lineage the cookie's seal carried, admitted or not: what a log-out revokes
        self.sealed_lineage: Lineage | None = None
        #: when the cache was asked about ``lineage`` (``time.time()``)
        self.admitted_at: float | None = None
        #: the cache could not vouch for the cookie: not loaded, and kept as it is (a write
        #: to the session is dropped)
        self.held = False

    def opened(self, lineage: Lineage | None) -> None:
        """The cookie opened, with ``lineage`` in its seal."""
        self.lineage = self.sealed_lineage = lineage

    def check(self, data: dict[str, Any]) -> Verdict:
        """Whether the session that opened with ``data`` may load (see ``_admit``)."""
        self.admitted_at = time.time()
        return self._admit(check(self._config, self.lineage, data, self._max_age))

    async def acheck(self, data: dict[str, Any]) -> Verdict:
        self.admitted_at = time.time()
        return self._admit(await acheck(self._config, self.lineage, data, self._max_age))

    def _admit(self, verdict: Verdict) -> Verdict:
        if verdict is not Verdict.ACCEPTED:
            self.lineage = None
        if verdict is Verdict.UNVERIFIED:
            # The cache down: this request goes without the session, but the cookie stays,
            # so that the session is back once the cache is.
            self.held = True
        return verdict

    def restart(self, began_us: int | None = None) -> None:
        """A new session id from the next seal on (log-in), or begun at ``began_us`` now."""
        self.lineage = None if began_us is None else new_lineage(began_us)

    def sealing(self, now: float, expires_at: float) -> tuple[Lineage, Lineage, float]:
        """The lineage as the cookie's seal has it (for REFRESH_AFTER), the same stamped with
        the time of the check that admitted it (to seal), and ``expires_at`` cut to what a
        log-out's entry outlives."""
        if self.admitted_at is None:
            self.admitted_at = now  # a new session has no copy to revoke
        if self.lineage is None:
            # A session that came in a cookie began no later than the check that let it in:
            # a revoke_user_sessions() since then covers it.
            self.lineage = new_lineage(us(self.admitted_at))
        # Measured from the check, not from now: a request that loaded the session just
        # before a log-out and seals it after cannot outlive the log-out's entry.
        latest = self.admitted_at + self._max_age
        return self.lineage, self.lineage.checked_at(self.admitted_at), min(expires_at, latest)

    def drop_write(self, written: bool) -> bool:
        """The cookie the cache could not vouch for (see ``held``) stays as it is: a new seal
        of what this request wrote (``written``) would replace the whole session with that
        alone. False: the store's ``modified``."""
        if not written:
            return False
        logger.warning(
            "Session not saved: the revocation cache could not be read for its cookie "
            "(REVOCATION_CACHE_DOWN = 'refuse'), which is kept as it is; what this "
            "request wrote to the session is dropped"
        )
        return False

    def too_long(self, value: object, age: int) -> bool:
        """Whether the expiry ``value`` (of ``age`` seconds) exceeds SESSION_COOKIE_AGE, the
        longest a log-out's entry covers; if so, a warning says it is cut to that age."""
        if age <= self._max_age:
            return False
        logger.warning(
            "set_expiry(%r) asks for more than SESSION_COOKIE_AGE (%d s), the longest a "
            "session lives with IRON_SESSION['REVOCATION_CACHE'] on: set to %d s. Raise "
            "SESSION_COOKIE_AGE to the longest expiry the site gives.",
            value,
            self._max_age,
            self._max_age,
        )
        return True

    # The lineage to revoke is the one being sealed, else the one the cookie's seal carried,
    # even if the revocation cache could not be read on this request: the seal vouches for it.

    def revoke(self) -> None:
        """Log-out: no cookie of this session loads again (see ``revoke``)."""
        revoke(self._config, self.lineage or self.sealed_lineage, self._max_age)
        self.lineage = self.sealed_lineage = None

    async def arevoke(self) -> None:
        await arevoke(self._config, self.lineage or self.sealed_lineage, self._max_age)
        self.lineage = self.sealed_lineage = None


def _log_revoke_failed(config: Config, lineage: Lineage, error: Exception) -> None:
    # The session id names the session for the operator; unlike the cookie, it opens nothing.
    logger.error(
        "Log-out of session %s not recorded: revocation cache %r unreachable (%s: %s); "
        "copies of its cookie stay valid until they expire",
        lineage.sid,
        config.revocation_cache,
        type(error).__name__,
        error,
    )


def _user_revocation(user: AbstractBaseUser, now: float | None) -> tuple[str, str, int]:
    """The cache alias, key and value that revoke every session ``user`` has now."""
    alias = get_config().revocation_cache
    if alias is None:
        raise ImproperlyConfigured(
            "Revoking sessions needs IRON_SESSION['REVOCATION_CACHE'], the alias of a cache "
            "that every server shares (Django's RedisCache, for example)."
        )
    user_id = user._meta.pk.value_to_string(user)  # what login() stores in the session
    return alias, _user_cache_key(user_id), us(time.time() if now is None else now)


def _ours(session: SessionBase | None) -> SessionStore | None:
    """``keep``, which only a session of this engine can honour."""
    from django_iron_session.backend import SessionStore  # backend.py imports this module

    if session is None or isinstance(session, SessionStore):
        return session
    raise TypeError(
        f"keep must be a session of SESSION_ENGINE 'django_iron_session.backend', not "
        f"{type(session).__module__}.{type(session).__qualname__}"
    )


def revoke_user_sessions(
    user: AbstractBaseUser, *, keep: SessionBase | None = None, now: float | None = None
) -> None:
    """Log ``user`` out everywhere: every session of theirs that began before now stops
    loading. One cache entry, kept without expiry (a session can be renewed for ever);
    raises the cache's error if it cannot be written.

    ``keep`` (``request.session``): log out everywhere else. That session is loaded before
    the entry is written and given a new session id begun at the revocation, so the response
    carries it on; copies of its cookie from before are revoked with the rest."""
    alias, key, revoked_at = _user_revocation(user, now)
    kept = _ours(keep)
    if kept is not None:
        kept.keys()
    caches[alias].set(key, revoked_at, timeout=None)
    if kept is not None:
        kept.restart_lineage(revoked_at)


async def arevoke_user_sessions(
    user: AbstractBaseUser, *, keep: SessionBase | None = None, now: float | None = None
) -> None:
    """``revoke_user_sessions`` with the cache's native async API."""
    alias, key, revoked_at = _user_revocation(user, now)
    kept = _ours(keep)
    if kept is not None:
        await kept.akeys()
    await caches[alias].aset(key, revoked_at, timeout=None)
    if kept is not None:
        kept.restart_lineage(revoked_at)
