"""The session cookie, without Django: what a cookie holds, and a new cookie for a session.

A cookie is what iron-session writes: an Iron seal under the keyring's sealing id, then
``~2``. Its plaintext is the session's JSON (zlib-compressed with ``COMPRESS``, see
compression.py), with the session's lineage beside the session's own keys when revocation
is on. ``open_session`` opens a cookie, ``seal_session`` makes one; both keep the
known-cookies table (known_cookies.py) up to date, so a cookie this process sealed or
opened lately opens without its MAC and decryption being redone. ``SessionStore``
(backend.py) is Django's session API over these functions, and revocation.py's
``Admission`` decides whether a session's lineage may load.

Error reports (Django's, Sentry's) show the variables of every frame of a traceback: no
function here holds a seal that opens in a variable when it raises ``SessionTooLargeError``,
and the caller reads the keyring (which settings can refuse) before it hands a cookie in.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django_iron_session import chunks, compression, iron, iron_session
from django_iron_session.known_cookies import Opened, known_cookies

if TYPE_CHECKING:
    from collections.abc import Callable

    from django_iron_session.conf import Config

__all__ = [
    "Lineage",
    "NotASealError",
    "SessionTooLargeError",
    "is_stale",
    "open_session",
    "seal_session",
    "sealing_id",
]

SEAL_START = iron.MAC_PREFIX + "*"
SID_KEY = "_iron_sid"
CREATED_KEY = "_iron_created"
CHECKED_KEY = "_iron_checked"


class SessionTooLargeError(Exception):
    """The session's cookie would be larger than browsers keep."""


class NotASealError(iron.InvalidSealError):
    """The cookie is no Iron seal at all: another engine's, say (not a forgery of ours)."""


@dataclass(frozen=True)
class Lineage:
    """What all the cookie values of one session share, and when a check last admitted it
    (see revocation.py)."""

    sid: str
    created_us: int
    #: as sealed; None in a seal made before the field was
    checked_us: int | None = None

    def fields(self) -> dict[str, Any]:
        fields = {SID_KEY: self.sid, CREATED_KEY: self.created_us}
        if self.checked_us is not None:
            fields[CHECKED_KEY] = self.checked_us
        return fields

    def checked_at(self, seconds: float) -> Lineage:
        # Rounded down: the stamp never makes a check look more recent than it was.
        return replace(self, checked_us=math.floor(seconds * 1_000_000))


def new_lineage(began_us: int) -> Lineage:
    """A new session id, for a session that began at ``began_us``."""
    return Lineage(secrets.token_urlsafe(16), began_us)


def us(seconds: float) -> int:
    """``time.time()`` in µs, as lineages and user entries hold it."""
    return math.ceil(seconds * 1_000_000)


def split(data: dict[str, Any]) -> tuple[dict[str, Any], Lineage | None]:
    """The session's own data, and its lineage if the seal carries a well-formed one."""
    sid = data.pop(SID_KEY, None)
    created = data.pop(CREATED_KEY, None)
    checked = data.pop(CHECKED_KEY, None)
    if isinstance(sid, str) and iron.is_int(created):
        return data, Lineage(sid, created, checked if iron.is_int(checked) else None)
    return data, None


# --- Opening ----------------------------------------------------------------------------


def open_session(
    value: str, keyring: iron.Keyring, config: Config
) -> tuple[dict[str, Any], Opened, Lineage | None]:
    """What the cookie ``value`` holds: the session's own data, what its seal held, and the
    session's lineage. Any failure is an ``iron.IronError``: a ``NotASealError`` for a value
    that is no Iron seal at all."""
    if not value.startswith(SEAL_START):
        raise NotASealError("Not an Iron seal")
    opened = known_cookies.opened(value, keyring, config.options)
    if opened is None:
        opened = _verify(value, keyring, config)
    data = compression.decode(opened.plaintext, limit=config.decompressed_size_limit)
    if not isinstance(data, dict):
        raise iron.InvalidSealError(f"The seal holds a {type(data).__name__}, not a dict")
    data, lineage = split(data)
    # A plain tuple: a named one costs a tenth of opening a known cookie.
    return data, opened, lineage


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


def sealing_id(value: str) -> str | None:
    """The password id a seal names, read without opening it; None if it is no seal."""
    if not value.startswith(SEAL_START):
        return None
    end = value.find("*", len(SEAL_START))
    return None if end < 0 else value[len(SEAL_START) : end]


def is_stale(keyring: iron.Keyring, value: str) -> bool:
    """Whether ``value`` is a seal under another password id than the sealing one."""
    # Most cookies name the sealing password: one prefix test tells them apart.
    return not value.startswith(f"{SEAL_START}{keyring.sealing_id}*") and (
        sealing_id(value) is not None
    )


# --- Sealing ----------------------------------------------------------------------------


def seal_session(
    session: dict[str, Any],
    config: Config,
    *,
    now: float,
    expires_at: float,
    max_age: Callable[[], int | None],
    lineage: Lineage | None = None,
    came: Opened | None = None,
    came_lineage: Lineage | None = None,
) -> str | None:
    """A new cookie for ``session`` (and ``lineage``), to expire at ``expires_at``; None if
    the cookie that came in may go back as it is (``REFRESH_AFTER``).

    ``came`` is what that cookie's seal held, and ``came_lineage`` the lineage in it, given
    when the session is unchanged: with ``REFRESH_AFTER`` set, if it holds this very session
    and a new seal would push its expiry back by less than ``REFRESH_AFTER`` seconds, there
    is no new seal. ``max_age`` gives the cookie's Max-Age, asked only near the size limit.
    """
    plaintext = None
    if came is not None and config.refresh_after is not None:
        # Compared with the cookie as it came, the time of its last check too.
        plaintext = _encode(session, came_lineage, config)
        if _is_fresh(came, plaintext, expires_at, config.refresh_after):
            return None
        if came_lineage != lineage:
            plaintext = None
    if plaintext is None:
        plaintext = _encode(session, lineage, config)
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
        cookie_max_age = max_age()
        size = config.set_cookie_size(value, cookie_max_age)
        if size > limit and not chunks.fits(config, value, cookie_max_age):
            # Not the seal that opens this session, in the error report (see the module's doc).
            del value
            raise SessionTooLargeError(
                f"The session cookie {config.cookie_name!r} would be {size} bytes, over the "
                f"limit of {limit} (IRON_SESSION['COOKIE_SIZE_LIMIT']); browsers drop such "
                f"cookies without a word. Largest session keys: {_largest_keys(session)}. "
                "Keep ids in the session rather than whole objects."
            )
    # The next request most likely brings this cookie back.
    known_cookies.add(value, keyring, Opened(plaintext, expires_at))
    return value


def _encode(session: dict[str, Any], lineage: Lineage | None, config: Config) -> bytes:
    """The plaintext of a seal of ``session`` and ``lineage``."""
    data = session if lineage is None else {**session, **lineage.fields()}
    plaintext = iron.serialize(data)
    if not config.compress:
        return plaintext
    limit = config.decompressed_size_limit
    if len(plaintext) > limit:
        raise SessionTooLargeError(
            f"The session's JSON would be {len(plaintext)} bytes, over the limit of "
            f"{limit} for a compressed session (IRON_SESSION['DECOMPRESSED_SIZE_LIMIT']), "
            "which every request would inflate again. Largest session keys: "
            f"{_largest_keys(session)}. Keep ids in the session rather than whole objects."
        )
    return compression.compress(plaintext)


def _is_fresh(opened: Opened, plaintext: bytes, expires_at: float, refresh_after: float) -> bool:
    """The cookie that came in holds this very plaintext, and sealing it again would push
    its expiry back by less than ``refresh_after`` seconds."""
    return (
        opened.expires_at is not None
        and expires_at - opened.expires_at < refresh_after
        and opened.plaintext == plaintext
    )


def _largest_keys(session: dict[str, Any]) -> str:
    sizes = sorted(
        ((len(iron.serialize(value)), key) for key, value in session.items()), reverse=True
    )
    return ", ".join(f"{key!r} ({length} bytes)" for length, key in sizes[:3])
