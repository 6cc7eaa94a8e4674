"""``settings.IRON_SESSION``, read once and kept until the settings change."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse

from django_iron_session import iron
from django_iron_session.iron import MIN_PASSWORD_LENGTH, is_integer_id
from django_iron_session.keyring_file import KeyringFileError, read_passwords

logger = logging.getLogger("django_iron_session")

DEFAULTS: dict[str, Any] = {
    "PASSWORD": None,
    "KEYRING_FILE": None,
    "KEYRING_CHECK_INTERVAL": 1.0,
    "COOKIE_SIZE_LIMIT": 4096,
    "TIMESTAMP_SKEW": 0,
    "CHUNKED": False,
    "COMPRESS": False,
    "REVOCATION_CACHE": None,
    "REVOCATION_CACHE_DOWN": "refuse",
}


def _is_seconds(value: object) -> bool:
    return (iron.is_int(value) or isinstance(value, float)) and value >= 0


def _is_positive_int(value: object) -> bool:
    return iron.is_int(value) and value > 0


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
}


class Problem(NamedTuple):
    """One thing wrong with the settings; ``id`` is the system check's number."""

    id: str
    message: str
    hint: str


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
        if isinstance(key, bool) or not is_integer_id(str(key)):
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
                    f"{source} id {key!r} is shorter than {MIN_PASSWORD_LENGTH} characters.",
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
        passwords = read_passwords(Path(path))
    except KeyringFileError as error:
        return [
            Problem(
                "E008",
                f"IRON_SESSION['KEYRING_FILE'] is unusable: {error}.",
                "Create it with `manage.py iron_rotate_password --init` and make it readable by "
                "the site's user.",
            )
        ]
    return password_problems(passwords, f"The keyring file {path}")


class StaticPasswords:
    """Passwords given in settings: built once."""

    def __init__(self, passwords: str | Mapping[Any, str]) -> None:
        self._keyring = iron.Keyring.of(passwords)

    def keyring(self, *, refresh: bool = False) -> iron.Keyring:
        return self._keyring


class KeyringFilePasswords:
    """Passwords in a keyring file that ``iron_rotate_password`` updates while sites run.

    The file is looked at (one ``stat``) at most every ``check_interval`` seconds, and at
    once when a cookie names a password id this process does not know yet. A file that
    cannot be read keeps the passwords already loaded in service.
    """

    def __init__(self, path: Path, check_interval: float) -> None:
        self.path = path
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._stamp: tuple[int, int] | None = None
        self._keyring: iron.Keyring | None = None

    def keyring(self, *, refresh: bool = False) -> iron.Keyring:
        now = time.monotonic()
        # Until the first load is done, other threads wait for it rather than find no keyring.
        if refresh or self._keyring is None or now - self._checked_at >= self.check_interval:
            with self._lock:
                self._checked_at = now
                self._reload_if_changed()
        if self._keyring is None:
            raise ImproperlyConfigured(f"IRON_SESSION['KEYRING_FILE'] {self.path} is unusable")
        return self._keyring

    def _reload_if_changed(self) -> None:
        try:
            stat = os.stat(self.path)
        except OSError as error:
            logger.error("Cannot read the keyring file %s: %s", self.path, error.strerror)
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        try:
            keyring = iron.Keyring.of(read_passwords(self.path))
        except (KeyringFileError, iron.PasswordError) as error:
            logger.error(
                "Keyring file %s is unusable, keeping the passwords loaded before: %s",
                self.path,
                error,
            )
            return
        self._keyring, self._stamp = keyring, stamp


@dataclass(frozen=True)
class Config:
    passwords: StaticPasswords | KeyringFilePasswords
    options: iron.Options
    cookie_name: str
    cookie_size_limit: int
    #: bytes of ``name=; attributes`` for a cookie that ends with the browser
    browser_session_overhead: int
    #: the same with ``Max-Age``/``expires``, less the digits of Max-Age
    persistent_overhead: int
    #: write ``name.0``... when the seal does not fit in one cookie (iron-session 9's chunks)
    chunked: bool
    #: zlib inside the seal when it is shorter (only Django can read such a seal)
    compress: bool
    #: the cache alias revocations live in, or None for no revocation
    revocation_cache: str | None
    #: "refuse" or "accept" a session whose revocation the cache cannot answer for
    revocation_cache_down: str

    def set_cookie_size(self, value: str, max_age: int | None) -> int:
        """Bytes of the ``Set-Cookie`` value SessionMiddleware writes for ``value``."""
        if max_age is None:
            return self.browser_session_overhead + len(value)
        return self.persistent_overhead + len(str(max_age)) + len(value)


def _set_cookie_overhead(max_age: int | None) -> int:
    # The very call SessionMiddleware makes, with a one-character value (an empty one would
    # be quoted): the attributes depend only on settings, and ``expires`` has a fixed width.
    response = HttpResponse()
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        "x",
        max_age=max_age,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=settings.SESSION_COOKIE_HTTPONLY,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    line = response.cookies[settings.SESSION_COOKIE_NAME].OutputString()
    return len(line.encode()) - len("x")


def _build() -> Config:
    user = getattr(settings, "IRON_SESSION", None)
    problems = settings_problems(user)
    if problems:
        raise ImproperlyConfigured(" ".join(problem.message for problem in problems))
    assert isinstance(user, Mapping)  # settings_problems said so
    values = {**DEFAULTS, **user}
    passwords: StaticPasswords | KeyringFilePasswords
    if values["KEYRING_FILE"] is not None:
        passwords = KeyringFilePasswords(
            Path(values["KEYRING_FILE"]), values["KEYRING_CHECK_INTERVAL"]
        )
    else:
        passwords = StaticPasswords(values["PASSWORD"])
    return Config(
        passwords=passwords,
        options=iron.Options(timestamp_skew=values["TIMESTAMP_SKEW"]),
        cookie_name=settings.SESSION_COOKIE_NAME,
        cookie_size_limit=values["COOKIE_SIZE_LIMIT"],
        browser_session_overhead=_set_cookie_overhead(None),
        persistent_overhead=_set_cookie_overhead(0) - len("0"),
        chunked=values["CHUNKED"],
        compress=values["COMPRESS"],
        revocation_cache=values["REVOCATION_CACHE"],
        revocation_cache_down=values["REVOCATION_CACHE_DOWN"],
    )


_config: Config | None = None


def get_config() -> Config:
    global _config
    if _config is None:
        _config = _build()
    return _config


@receiver(setting_changed)
def _forget_config(*, setting: str, **kwargs: Any) -> None:
    global _config
    # SESSION_COOKIE_* settings shape the cookie whose size the config predicts.
    if setting == "IRON_SESSION" or setting.startswith("SESSION_COOKIE_"):
        _config = None
