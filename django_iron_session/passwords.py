"""Where the site's passwords come from: ``IRON_SESSION['PASSWORD']`` or a keyring file.

Both are a ``PasswordSource``. The backend asks for the keyring on every request, and asks
with ``refresh=True`` when a cookie names a password id the keyring does not hold: another
process may have just added it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from django_iron_session import iron, iron_session
from django_iron_session.keyring_file import KeyringFileError, read_in_service

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["KeyringFilePasswords", "PasswordSource", "SettingPasswords", "keyring_in_service"]

logger = logging.getLogger("django_iron_session")


class PasswordSource(Protocol):
    """The passwords a site seals and opens with, read the way iron-session reads them."""

    def keyring(self, *, refresh: bool = False) -> iron.Keyring:
        """The passwords in service now; the same object for as long as they are the same.

        ``refresh``: a cookie names an id they lack, so look at the source again at once
        rather than at the next scheduled look. ``ImproperlyConfigured`` if there are none.
        """
        ...


class SettingPasswords:
    """``IRON_SESSION['PASSWORD']``, built once.

    A refresh finds nothing new: the setting changes only with the settings, and a change
    of settings builds a new source (see ``conf.py``).
    """

    def __init__(self, passwords: str | Mapping[Any, str]) -> None:
        self._keyring = iron_session.as_keyring(passwords)

    def keyring(self, *, refresh: bool = False) -> iron.Keyring:
        return self._keyring


class KeyringFilePasswords:
    """Passwords in a keyring file that ``iron_rotate_password`` updates while sites run.

    The file is looked at (one ``stat``) at most every ``check_interval`` seconds, and at
    once on a refresh unless a refresh already looked within the interval: cookies that
    name ids nobody has (forged ones) cost at most one more look an interval, however many
    arrive. A file that cannot be read keeps the passwords already loaded in service.
    """

    def __init__(self, path: Path, check_interval: float) -> None:
        self.path = path
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._refreshed_at = float("-inf")
        self._stamp: tuple[int, int] | None = None
        self._keyring: iron.Keyring | None = None

    def keyring(self, *, refresh: bool = False) -> iron.Keyring:
        now = time.monotonic()
        # Until the first load is done, other threads wait for it rather than find no keyring.
        if self._keyring is None or self._due(now, refresh):
            with self._lock:
                self._checked_at = now
                if refresh:
                    self._refreshed_at = now
                self._reload_if_changed()
        if self._keyring is None:
            raise ImproperlyConfigured(f"IRON_SESSION['KEYRING_FILE'] {self.path} is unusable")
        return self._keyring

    def _due(self, now: float, refresh: bool) -> bool:
        interval = self.check_interval
        return now - self._checked_at >= interval or (
            refresh and now - self._refreshed_at >= interval
        )

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
            keyring = keyring_in_service(self.path)
        except (KeyringFileError, iron.PasswordError) as error:
            logger.error(
                "Keyring file %s is unusable, keeping the passwords loaded before: %s",
                self.path,
                error,
            )
            return
        self._keyring, self._stamp = keyring, stamp


def keyring_in_service(path: Path) -> iron.Keyring:
    """The keyring file's passwords as a site uses them: every id opens, the staged ones
    included, and the highest id of ``passwords`` seals, never a staged one."""
    passwords, staged = read_in_service(path)
    return iron.Keyring({**staged, **passwords}, sealing_id=iron_session.sealing_id(passwords))
