"""What is wrong with ``settings.IRON_SESSION``: the one set of rules that ``conf.py``
(raising ``ImproperlyConfigured``) and ``checks.py`` (reporting system checks) both apply.

Each ``Problem`` carries the id of its system check (``django_iron_session.E001`` and up).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from django_iron_session import iron
from django_iron_session.defaults import DEFAULTS
from django_iron_session.keyring_file import KeyringFileError, read_in_service

__all__ = [
    "Problem",
    "as_date",
    "engine_paths",
    "keyring_file_problems",
    "password_problems",
    "settings_problems",
]


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


def engine_paths(value: str | Sequence[str] | None) -> list[str]:
    """MIGRATE_FROM as a list of engines' dotted paths."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _is_engine(path: object) -> bool:
    """The dotted path of a session engine other than this one, which would hand a cookie
    it cannot open back to itself without end."""
    # backend.py imports this module (through conf.py).
    from django_iron_session.backend import SessionStore as OurStore

    if not isinstance(path, str):
        return False
    try:
        store = import_string(f"{path}.SessionStore")
    except ImportError:
        return False
    return (
        isinstance(store, type)
        and issubclass(store, SessionBase)
        and not issubclass(store, OurStore)
    )


def _is_engines(value: object) -> bool:
    if value is None or isinstance(value, str):
        return value is None or _is_engine(value)
    return isinstance(value, (list, tuple)) and bool(value) and all(map(_is_engine, value))


def as_date(value: datetime.date | str) -> datetime.date:
    """MIGRATE_SINCE as a date."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _is_date_or_none(value: object) -> bool:
    if value is None or isinstance(value, datetime.date):
        return True
    try:
        return isinstance(value, str) and bool(as_date(value))
    except ValueError:
        return False


#: what each key other than PASSWORD must hold: a test and how to say it
VALUE_RULES: dict[str, tuple[Callable[[object], bool], str]] = {
    "KEYRING_FILE": (_is_path, "a file path"),
    "KEYRING_CHECK_INTERVAL": (_is_seconds, "a number of seconds, 0 or more"),
    "COOKIE_SIZE_LIMIT": (_is_positive_int, "a positive number of bytes"),
    "TIMESTAMP_SKEW": (_is_seconds, "a number of seconds, 0 or more"),
    "CHUNKED": (_is_bool, "True or False"),
    "COMPRESS": (_is_bool, "True or False"),
    "DECOMPRESSED_SIZE_LIMIT": (_is_positive_int, "a positive number of bytes"),
    "REVOCATION_CACHE": (_is_cache_alias, "None or the alias of a cache in settings.CACHES"),
    "REVOCATION_CACHE_DOWN": (_is_cache_down_policy, '"refuse" or "accept"'),
    "REFRESH_AFTER": (_is_seconds_or_none, "None or a number of seconds, 0 or more"),
    "MIGRATE_FROM": (
        _is_engines,
        "None, or the dotted path of another session engine, or a list of them",
    ),
    "MIGRATE_SINCE": (_is_date_or_none, 'None or a date, e.g. "2026-12-07"'),
}


def password_problems(passwords: object, source: str) -> list[Problem]:
    """What iron-session would refuse in a password option: the shapes it takes are a
    string, or a mapping of integer ids (int or numeric str) to strings."""
    if isinstance(passwords, str) and _holds_json_object(passwords):
        return [
            Problem(
                "E010",
                f"{source} is a string that holds a JSON object: it would be one password "
                "(id 1), and every cookie sealed under the object's ids would be refused.",
                "Decode it where you read it: "
                '{"PASSWORD": json.loads(os.environ["SESSION_PASSWORDS"])} gives '
                '{"1": "...", "2": "..."}, the keyring iron_rotate_password prints.',
            )
        ]
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


def _holds_json_object(text: str) -> bool:
    """What an environment variable holding ``iron_rotate_password``'s output looks like."""
    if not text.lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


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
