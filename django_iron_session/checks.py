"""System checks: ``settings.IRON_SESSION`` by the rules of ``validation.py`` (the ones
``conf.py`` applies), and how it fits the rest of the settings.

Every id (``django_iron_session.E001`` and up, ``W001`` and up) is listed in the
documentation's checks page; the errors about ``IRON_SESSION`` itself come from
``validation.py``.
"""

from __future__ import annotations

import datetime
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.checks import CheckMessage, Error, Warning
from django.utils import timezone
from django.utils.module_loading import import_string

from django_iron_session import backend, strength
from django_iron_session.defaults import DEFAULTS
from django_iron_session.keyring_file import read_in_service
from django_iron_session.middleware import SessionMiddleware
from django_iron_session.moving_back import MoveBackMixin
from django_iron_session.validation import as_date, keyring_file_problems, settings_problems

if TYPE_CHECKING:
    from django.apps import AppConfig

#: permission bits that let users other than the owner and the group at a keyring file
OTHERS_READ_WRITE = stat.S_IROTH | stat.S_IWOTH

_ENGINE = backend.__name__
_CHUNKING_MIDDLEWARE = f"{SessionMiddleware.__module__}.{SessionMiddleware.__qualname__}"


def _engine_is_ours(*, or_moving_back: bool = False) -> bool:
    """SESSION_ENGINE is this one; ``or_moving_back``: or one of ``back_to``'s, which open
    the seals still out there with IRON_SESSION."""
    try:
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    except ImportError:
        return False
    ours = (backend.SessionStore, MoveBackMixin) if or_moving_back else backend.SessionStore
    return isinstance(store, type) and issubclass(store, ours)


def check_settings(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """IRON_SESSION is complete and usable, and agrees with SESSION_ENGINE."""
    user = getattr(settings, "IRON_SESSION", None)
    if not _engine_is_ours(or_moving_back=True):
        if user is None:
            return []
        return [
            Warning(
                f"IRON_SESSION is set but SESSION_ENGINE is {settings.SESSION_ENGINE!r}: "
                "sessions are not sealed.",
                hint=f'Set SESSION_ENGINE = "{_ENGINE}", or remove IRON_SESSION.',
                id="django_iron_session.W001",
            )
        ]
    problems = settings_problems(user)
    if not problems and isinstance(user, Mapping) and user.get("KEYRING_FILE") is not None:
        problems = keyring_file_problems(user["KEYRING_FILE"])
    messages: list[CheckMessage] = [
        Error(problem.message, hint=problem.hint, id=f"django_iron_session.{problem.id}")
        for problem in problems
    ]
    if not problems and isinstance(user, Mapping):
        messages += _strength_messages(user)
    if _serializer() is not signing.JSONSerializer:
        messages.append(
            Error(
                f"SESSION_SERIALIZER is {settings.SESSION_SERIALIZER!r}, but sealed sessions "
                "are always JSON (the format iron-session reads).",
                hint='Set SESSION_SERIALIZER = "django.contrib.sessions.serializers.'
                'JSONSerializer" and keep only JSON values in the session.',
                id="django_iron_session.E007",
            )
        )
    if not problems and isinstance(user, Mapping):
        messages += _opt_in_warnings({**DEFAULTS, **user})
    return messages


def _strength_messages(user: Mapping[str, Any]) -> list[CheckMessage]:
    """E009 for a password this package published, outside DEBUG; W015 for one that does
    not look random (see strength.py). Neither message holds the password."""
    if user.get("KEYRING_FILE") is not None:
        source = f"The keyring file {user['KEYRING_FILE']}"
        in_file, staged = read_in_service(Path(user["KEYRING_FILE"]))
        passwords: Mapping[Any, str] = {**in_file, **staged}
    else:
        source = "IRON_SESSION['PASSWORD']"
        passwords = _as_mapping(user["PASSWORD"])
    messages: list[CheckMessage] = []
    for key, secret in passwords.items():
        if strength.is_public(secret):
            if not settings.DEBUG:
                messages.append(
                    Error(
                        f"{source} id {key!r} is or holds a password published with "
                        "django-iron-session (the demo's, the documentation's, the tests') or "
                        "with Iron's or iron-session's tests: anyone can read and forge this "
                        "site's sessions.",
                        hint=f"Outside DEBUG, use a password of your own. {_MAKE_ONE}",
                        id="django_iron_session.E009",
                    )
                )
        elif not strength.looks_random(secret):
            messages.append(
                Warning(
                    f"{source} id {key!r} does not look random: under "
                    f"{strength.MIN_BITS} bits by this package's estimate, or a run of "
                    f"{strength.REPEAT} characters repeated. One captured cookie lets anyone "
                    "test guesses offline at the speed of a hash.",
                    hint=f"Rotate to a random password. {_MAKE_ONE}",
                    id="django_iron_session.W015",
                )
            )
    return messages


def _as_mapping(passwords: str | Mapping[Any, str]) -> Mapping[Any, str]:
    return {1: passwords} if isinstance(passwords, str) else passwords


_MAKE_ONE = (
    "`manage.py iron_rotate_password` makes one, or: python -c "
    '"import secrets; print(secrets.token_urlsafe(32))"'
)


_MEBIBYTE = 1024 * 1024


def _opt_in_warnings(values: Mapping[str, Any]) -> list[CheckMessage]:
    """What CHUNKED, COMPRESS, DECOMPRESSED_SIZE_LIMIT, REVOCATION_CACHE, REFRESH_AFTER and
    MIGRATE_FROM need to work as meant."""
    messages: list[CheckMessage] = []
    if values["CHUNKED"] and not _middleware_chunks():
        messages.append(
            Warning(
                "IRON_SESSION['CHUNKED'] is on, but Django's SessionMiddleware writes one "
                "cookie, which browsers drop past 4096 bytes.",
                hint=f'Replace "django.contrib.sessions.middleware.SessionMiddleware" by '
                f'"{_CHUNKING_MIDDLEWARE}" in MIDDLEWARE.',
                id="django_iron_session.W010",
            )
        )
    if values["COMPRESS"]:
        messages.append(
            Warning(
                "IRON_SESSION['COMPRESS'] is on: compressed sessions are readable by Django "
                "only; a Node app with iron-session reads them as empty sessions.",
                hint="Keep COMPRESS off if a Node app shares the session cookie.",
                id="django_iron_session.W011",
            )
        )
    limit = values["DECOMPRESSED_SIZE_LIMIT"]
    if limit > _MEBIBYTE:
        messages.append(
            Warning(
                f"IRON_SESSION['DECOMPRESSED_SIZE_LIMIT'] is {limit} bytes: a cookie of "
                "compressed JSON that size is inflated and parsed again on every request it "
                "comes with.",
                hint="Keep it under a megabyte (the default is 131072): no session needs more.",
                id="django_iron_session.W017",
            )
        )
    alias = values["REVOCATION_CACHE"]
    backend = settings.CACHES[alias]["BACKEND"].rsplit(".", 1)[-1] if alias is not None else ""
    if backend in ("LocMemCache", "DummyCache"):
        messages.append(
            Warning(
                f"IRON_SESSION['REVOCATION_CACHE'] is {alias!r}, a {backend}: a log-out is "
                "not seen by the site's other processes (LocMemCache) or by any (DummyCache).",
                hint="Name a cache all processes share, e.g. "
                "django.core.cache.backends.redis.RedisCache.",
                id="django_iron_session.W012",
            )
        )
    messages += _refresh_after_messages(values["REFRESH_AFTER"])
    messages += _migrate_from_messages(values["MIGRATE_FROM"], values["MIGRATE_SINCE"])
    return messages


def _refresh_after_messages(refresh_after: float | None) -> list[CheckMessage]:
    if refresh_after is None:
        return []
    if not settings.SESSION_SAVE_EVERY_REQUEST:
        return [
            Warning(
                "IRON_SESSION['REFRESH_AFTER'] is set, but SESSION_SAVE_EVERY_REQUEST is "
                "False: only changed sessions are sealed, so it changes nothing.",
                hint="Set SESSION_SAVE_EVERY_REQUEST = True for sliding sessions, or remove "
                "REFRESH_AFTER.",
                id="django_iron_session.W013",
            )
        ]
    if refresh_after >= settings.SESSION_COOKIE_AGE:
        return [
            Warning(
                f"IRON_SESSION['REFRESH_AFTER'] ({refresh_after} s) is not less than "
                f"SESSION_COOKIE_AGE ({settings.SESSION_COOKIE_AGE} s): an unchanged session "
                "is never sealed again, so it expires however active its user is.",
                hint="Use a small share of SESSION_COOKIE_AGE, e.g. a tenth of it.",
                id="django_iron_session.W014",
            )
        ]
    return []


def _migrate_from_messages(
    migrate_from: str | Sequence[str] | None, since: datetime.date | str | None
) -> list[CheckMessage]:
    """W018 without the date MIGRATE_FROM was set; W019 once every old session has expired."""
    if migrate_from is None:
        return []
    if since is None:
        return [
            Warning(
                "IRON_SESSION['MIGRATE_FROM'] is set without MIGRATE_SINCE: no check can tell "
                "when every session of the old engine has expired and MIGRATE_FROM can go.",
                hint="Set IRON_SESSION['MIGRATE_SINCE'] to the date the site first ran with "
                'MIGRATE_FROM, e.g. "2026-12-07".',
                id="django_iron_session.W018",
            )
        ]
    age = settings.SESSION_COOKIE_AGE
    done = as_date(since) + datetime.timedelta(seconds=age)
    if timezone.now().date() <= done:
        return []
    return [
        Warning(
            f"IRON_SESSION['MIGRATE_FROM'] has served its purpose: every session of the old "
            f"engine has expired by {done.isoformat()} (MIGRATE_SINCE, {as_date(since)}, plus "
            f"SESSION_COOKIE_AGE, {age} s). Each cookie that is not a seal still costs a "
            "lookup in the old engine.",
            hint="Remove MIGRATE_FROM and MIGRATE_SINCE from IRON_SESSION. Sessions the old "
            "engine gave a longer set_expiry() than SESSION_COOKIE_AGE need that much longer.",
            id="django_iron_session.W019",
        )
    ]


def _middleware_chunks() -> bool:
    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        if isinstance(middleware, type) and issubclass(middleware, SessionMiddleware):
            return True
    return False


def _serializer() -> object:
    try:
        return import_string(settings.SESSION_SERIALIZER)
    except ImportError:
        return None


def check_deploy(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """The session cookie's attributes protect it (``manage.py check --deploy``)."""
    if not _engine_is_ours():
        return []
    messages: list[CheckMessage] = []
    secure = settings.SESSION_COOKIE_SECURE
    if not secure:
        messages.append(
            Warning(
                "SESSION_COOKIE_SECURE is False: the cookie holding the whole session is "
                "sent over plain HTTP, where anyone on the path can copy and replay it until "
                "it expires.",
                hint="Serve the site over HTTPS and set SESSION_COOKIE_SECURE = True.",
                id="django_iron_session.W002",
            )
        )
    if not settings.SESSION_COOKIE_HTTPONLY:
        messages.append(
            Warning(
                "SESSION_COOKIE_HTTPONLY is False: any script on the page (including "
                "injected ones) can read the session cookie and replay it elsewhere.",
                hint="Set SESSION_COOKIE_HTTPONLY = True; Node apps read it server-side.",
                id="django_iron_session.W003",
            )
        )
    samesite = settings.SESSION_COOKIE_SAMESITE
    if isinstance(samesite, str) and samesite.lower() == "none" and not secure:
        messages.append(
            Warning(
                "SESSION_COOKIE_SAMESITE is 'None' without SESSION_COOKIE_SECURE: browsers "
                "refuse such cookies, so no session survives a request.",
                hint="Set SESSION_COOKIE_SECURE = True, or SESSION_COOKIE_SAMESITE = 'Lax'.",
                id="django_iron_session.W004",
            )
        )
    elif not samesite:
        messages.append(
            Warning(
                "SESSION_COOKIE_SAMESITE is not set: the session cookie rides along on "
                "cross-site requests in browsers that do not default to Lax.",
                hint="Set SESSION_COOKIE_SAMESITE = 'Lax' (Django's default) or 'Strict'.",
                id="django_iron_session.W005",
            )
        )
    user = getattr(settings, "IRON_SESSION", None)
    if isinstance(user, Mapping) and not settings_problems(user) and user.get("KEYRING_FILE"):
        messages += _keyring_file_mode_messages(Path(user["KEYRING_FILE"]))
    return messages


def _keyring_file_mode_messages(path: Path) -> list[CheckMessage]:
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return []  # E008 says why
    if not mode & OTHERS_READ_WRITE:
        return []
    return [
        Warning(
            f"The keyring file {path} has mode {mode:04o}: every user of the machine can "
            "read (or change) the passwords, and with them open and forge every session.",
            hint=f"chmod o-rwx {path}: only the site's user (0600), and its group if the "
            "rotation runs as another user of it (0660), need the file.",
            id="django_iron_session.W016",
        )
    ]
