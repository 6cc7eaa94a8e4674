"""System checks, and what is wrong with ``settings.IRON_SESSION``.

Every id (``django_iron_session.E001`` and up, ``W001`` and up) and its message is here;
``conf.py`` raises ``ImproperlyConfigured`` with the same messages when the settings are
used anyway. The engine and the middleware are named by dotted path, not imported: they
import ``conf.py``, which imports this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core import signing
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from django_iron_session import iron, strength
from django_iron_session.defaults import DEFAULTS
from django_iron_session.keyring_file import KeyringFileError, read_in_service

if TYPE_CHECKING:
    from django.apps import AppConfig

ENGINE = "django_iron_session.backend"
CHUNKING_MIDDLEWARE = "django_iron_session.middleware.SessionMiddleware"


class Problem(NamedTuple):
    """One thing wrong with the settings; ``id`` is the system check's number."""

    id: str
    message: str
    hint: str


def _is_seconds(value: object) -> bool:
    return (iron.is_int(value) or isinstance(value, float)) and value >= 0


def _is_positive_int(value: object) -> bool:
    return iron.is_int(value) and value > 0


def _is_seconds_or_none(value: object) -> bool:
    return value is None or _is_seconds(value)


def _is_path(value: object) -> bool:
    return value is None or isinstance(value, (str, os.PathLike))


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_cache_alias(value: object) -> bool:
    return value is None or (isinstance(value, str) and value in settings.CACHES)


def _is_cache_down_policy(value: object) -> bool:
    return value in ("refuse", "accept")


#: what each key other than PASSWORD must hold: a test and how to say it
VALUE_RULES: dict[str, tuple[Callable[[object], bool], str]] = {
    "KEYRING_FILE": (_is_path, "a file path"),
    "KEYRING_CHECK_INTERVAL": (_is_seconds, "a number of seconds, 0 or more"),
    "COOKIE_SIZE_LIMIT": (_is_positive_int, "a positive number of bytes"),
    "TIMESTAMP_SKEW": (_is_seconds, "a number of seconds, 0 or more"),
    "CHUNKED": (_is_bool, "True or False"),
    "COMPRESS": (_is_bool, "True or False"),
    "REVOCATION_CACHE": (_is_cache_alias, "None or the alias of a cache in settings.CACHES"),
    "REVOCATION_CACHE_DOWN": (_is_cache_down_policy, '"refuse" or "accept"'),
    "REFRESH_AFTER": (_is_seconds_or_none, "None or a number of seconds, 0 or more"),
}


def password_problems(passwords: object, source: str) -> list[Problem]:
    """What iron-session would refuse in a password option: the shapes it takes are a
    string, or a mapping of integer ids (int or numeric str) to strings."""
    if isinstance(passwords, str):
        passwords = {1: passwords}
    if not isinstance(passwords, Mapping) or not passwords:
        return [
            Problem(
                "E003",
                f"{source} must be a string or a non-empty mapping of integer ids to strings.",
                'Use "a long random string" or {1: "old password", 2: "new password"}.',
            )
        ]
    problems = []
    if len({str(key) for key in passwords}) < len(passwords):
        problems.append(
            Problem("E004", f"{source} names the same id twice.", "Give each password one id.")
        )
    for key, secret in passwords.items():
        if isinstance(key, bool) or not iron.is_integer_id(str(key)):
            problems.append(
                Problem(
                    "E004",
                    f"{source} has the id {key!r}, which is not a non-negative integer.",
                    "Key passwords by integers, as iron-session does: {1: '...', 2: '...'}.",
                )
            )
        if not isinstance(secret, str):
            problems.append(
                Problem(
                    "E003",
                    f"{source} id {key!r} is a {type(secret).__name__}, not a string.",
                    "Give each password as a string.",
                )
            )
            continue
        try:
            iron.Password(secret)
        except iron.PasswordError:
            problems.append(
                Problem(
                    "E005",
                    f"{source} id {key!r} is shorter than {iron.MIN_PASSWORD_LENGTH} characters.",
                    "Generate one with: python -c "
                    '"import secrets; print(secrets.token_urlsafe(32))"',
                )
            )
    return problems


def settings_problems(user: object) -> list[Problem]:
    """Everything wrong with ``settings.IRON_SESSION`` that can be told without files."""
    if not isinstance(user, Mapping):
        return [
            Problem(
                "E001",
                "settings.IRON_SESSION is missing or is not a dict.",
                'Add IRON_SESSION = {"PASSWORD": os.environ["SESSION_PASSWORD"]} to settings.',
            )
        ]
    problems = [
        Problem(
            "E006",
            f"IRON_SESSION has an unknown key {key!r}.",
            f"Known keys: {', '.join(DEFAULTS)}.",
        )
        for key in user
        if key not in DEFAULTS
    ]
    for key, (is_valid, expected) in VALUE_RULES.items():
        if key in user and not is_valid(user[key]):
            problems.append(
                Problem(
                    "E006",
                    f"IRON_SESSION[{key!r}] must be {expected}, not {user[key]!r}.",
                    f"Remove it to use the default, {DEFAULTS[key]!r}.",
                )
            )
    has_password = user.get("PASSWORD") is not None
    if has_password == (user.get("KEYRING_FILE") is not None):
        problems.append(
            Problem(
                "E002",
                "IRON_SESSION needs exactly one of PASSWORD and KEYRING_FILE.",
                "Set PASSWORD (a string, or {id: password} for rotation), or KEYRING_FILE "
                "(the file `manage.py iron_rotate_password` keeps), not both.",
            )
        )
    if has_password:
        problems += password_problems(user["PASSWORD"], "IRON_SESSION['PASSWORD']")
    return problems


def keyring_file_problems(path: str | os.PathLike[str]) -> list[Problem]:
    try:
        passwords, staged = read_in_service(Path(path))
    except KeyringFileError as error:
        return [
            Problem(
                "E008",
                f"IRON_SESSION['KEYRING_FILE'] is unusable: {error}.",
                "Create it with `manage.py iron_rotate_password --init` and make it readable by "
                "the site's user.",
            )
        ]
    return password_problems({**passwords, **staged}, f"The keyring file {path}")


def _engine_is_ours() -> bool:
    try:
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    except ImportError:
        return False
    return isinstance(store, type) and issubclass(store, import_string(f"{ENGINE}.SessionStore"))


def check_settings(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """IRON_SESSION is complete and usable, and agrees with SESSION_ENGINE."""
    user = getattr(settings, "IRON_SESSION", None)
    if not _engine_is_ours():
        if user is None:
            return []
        return [
            Warning(
                f"IRON_SESSION is set but SESSION_ENGINE is {settings.SESSION_ENGINE!r}: "
                "sessions are not sealed.",
                hint=f'Set SESSION_ENGINE = "{ENGINE}", or remove IRON_SESSION.',
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
        if secret in strength.PUBLIC_PASSWORDS:
            if not settings.DEBUG:
                messages.append(
                    Error(
                        f"{source} id {key!r} is a password published with "
                        "django-iron-session (the demo's or the documentation's): anyone can "
                        "read and forge this site's sessions.",
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


def _opt_in_warnings(values: Mapping[str, Any]) -> list[CheckMessage]:
    """What CHUNKED, COMPRESS, REVOCATION_CACHE and REFRESH_AFTER need to work as meant."""
    messages: list[CheckMessage] = []
    if values["CHUNKED"] and not _middleware_chunks():
        messages.append(
            Warning(
                "IRON_SESSION['CHUNKED'] is on, but Django's SessionMiddleware writes one "
                "cookie, which browsers drop past 4096 bytes.",
                hint=f'Replace "django.contrib.sessions.middleware.SessionMiddleware" by '
                f'"{CHUNKING_MIDDLEWARE}" in MIDDLEWARE.',
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


def _middleware_chunks() -> bool:
    chunking = import_string(CHUNKING_MIDDLEWARE)
    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        if isinstance(middleware, type) and issubclass(middleware, chunking):
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
    return messages
