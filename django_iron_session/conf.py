"""``settings.IRON_SESSION``, read once and kept until the settings change."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from django_iron_session import iron
from django_iron_session.keyring_file import KeyringFileError, read_passwords

logger = logging.getLogger("django_iron_session")

DEFAULTS: dict[str, Any] = {
    "PASSWORD": None,
    "KEYRING_FILE": None,
    "KEYRING_CHECK_INTERVAL": 1.0,
    "COOKIE_SIZE_LIMIT": 4096,
    "TIMESTAMP_SKEW": 0,
}


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
        if refresh or now - self._checked_at >= self.check_interval:
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
    cookie_size_limit: int


def _build() -> Config:
    user = getattr(settings, "IRON_SESSION", None)
    if not isinstance(user, Mapping):
        raise ImproperlyConfigured("settings.IRON_SESSION must be a dict with a PASSWORD")
    unknown = set(user) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(f"Unknown IRON_SESSION keys: {', '.join(sorted(unknown))}")
    values = {**DEFAULTS, **user}
    passwords: StaticPasswords | KeyringFilePasswords
    try:
        if values["KEYRING_FILE"] is not None:
            passwords = KeyringFilePasswords(
                Path(values["KEYRING_FILE"]), float(values["KEYRING_CHECK_INTERVAL"])
            )
        elif values["PASSWORD"]:
            passwords = StaticPasswords(values["PASSWORD"])
        else:
            raise ImproperlyConfigured("IRON_SESSION needs a PASSWORD or a KEYRING_FILE")
    except iron.PasswordError as error:
        raise ImproperlyConfigured(f"IRON_SESSION['PASSWORD']: {error}") from None
    return Config(
        passwords=passwords,
        options=iron.Options(timestamp_skew=float(values["TIMESTAMP_SKEW"])),
        cookie_size_limit=int(values["COOKIE_SIZE_LIMIT"]),
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
    if setting == "IRON_SESSION":
        _config = None
