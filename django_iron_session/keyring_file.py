"""The keyring file: passwords by id, shared by every process of a site (and a Node app).

Its format is JSON, so that a Node app loads the same map in one line::

    const password = JSON.parse(fs.readFileSync(path, "utf8")).passwords;

    {"passwords": {"1": "...", "2": "..."}, "retired": {"1": "2026-11-27T02:00:00+00:00"}}

``retired`` records when each password stopped sealing, for ``iron_rotate_password --prune``.
Writers hold a lock on ``<file>.lock`` and replace the file atomically, so readers only ever
see a whole file.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django_iron_session.iron import MIN_PASSWORD_LENGTH, is_integer_id

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

#: 43 base64url characters carry 258 bits.
DEFAULT_PASSWORD_LENGTH = 43
#: the widest mode a keyring file is written with: others never read it
OWNER_AND_GROUP_READ_WRITE = 0o660


class KeyringFileError(Exception):
    """The keyring file is missing, unreadable or not in the expected format."""


@dataclass(frozen=True)
class KeyringContents:
    """What a keyring file holds. The highest id seals; every id opens."""

    passwords: Mapping[str, str]
    retired: Mapping[str, datetime] = field(default_factory=dict)

    @property
    def newest_id(self) -> str | None:
        return max(self.passwords, key=int, default=None)

    def rotated(self, password: str, now: datetime) -> KeyringContents:
        """Add ``password`` under the next id; every other password is retired as of ``now``."""
        new_id = str(int(self.newest_id or 0) + 1)
        return KeyringContents(
            passwords={**self.passwords, new_id: password},
            retired={key: self.retired.get(key, now) for key in self.passwords},
        )

    def prunable(self, now: datetime, older_than: timedelta) -> list[str]:
        """Ids retired at least ``older_than`` before ``now``: every seal they made has expired."""
        return [
            key
            for key, retired_at in self.retired.items()
            if key != self.newest_id and now - retired_at >= older_than
        ]

    def without(self, ids: list[str]) -> KeyringContents:
        return KeyringContents(
            passwords={key: value for key, value in self.passwords.items() if key not in ids},
            retired={key: value for key, value in self.retired.items() if key not in ids},
        )

    def to_json(self) -> str:
        document = {
            "passwords": dict(sorted(self.passwords.items(), key=lambda item: int(item[0]))),
            "retired": {
                key: self.retired[key].isoformat() for key in sorted(self.retired, key=int)
            },
        }
        return json.dumps(document, indent=2) + "\n"


def generate_password(length: int = DEFAULT_PASSWORD_LENGTH) -> str:
    """``length`` base64url characters from ``secrets``: 6 bits each."""
    if length < MIN_PASSWORD_LENGTH:
        raise ValueError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters")
    return secrets.token_urlsafe(length)[:length]


def read_keyring(path: Path) -> KeyringContents:
    document = _read_document(path)
    passwords = _passwords_of(path, document)
    retired = document.get("retired", {})
    if not isinstance(retired, dict):
        raise KeyringFileError(f"{path}: 'retired' must be an object")
    return KeyringContents(
        passwords,
        {key: _retired_at(path, passwords, key, value) for key, value in retired.items()},
    )


def read_passwords(path: Path) -> dict[str, str]:
    """Only the passwords: a running site needs nothing else, so nothing else can stop it."""
    return _passwords_of(path, _read_document(path))


def write_keyring(path: Path, contents: KeyringContents) -> None:
    """Replace the file at once (readers see the old file or the new one).

    A symbolic link stays: its target is replaced, in the target's directory (a file on
    shared storage that several hosts link to). The new file keeps the old one's owner,
    group and mode, less any bit beyond owner and group read/write; a new file is 0600.
    Call it holding ``locked(path)``, after reading the file under the same lock.
    """
    target = _target(path)
    try:
        _replace(target, contents.to_json())
    except OSError as error:
        raise KeyringFileError(f"cannot write {target}: {error.strerror}") from None


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<file>.lock``, waiting for any other holder.

    The lock file stays in place: removing it would let two writers lock two different files.
    """
    import fcntl  # POSIX only; imported here so that reading works everywhere

    target = _target(path)
    lock_path = target.with_name(target.name + ".lock")
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise KeyringFileError(f"cannot open the lock file {lock_path}: {error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _target(path: Path) -> Path:
    """The file itself, through any symbolic links (existing or not): the one to replace,
    and to lock beside, so that writers on every host that links to it lock the same file."""
    return Path(os.path.realpath(path))


def _replace(path: Path, text: str) -> None:
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    # mkstemp creates the file 0600, before any secret is written to it.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        if old is not None:
            # The readers the old file had (the site's group, say) keep reading the new one.
            os.fchown(descriptor, old.st_uid, old.st_gid)
            os.fchmod(descriptor, stat.S_IMODE(old.st_mode) & OWNER_AND_GROUP_READ_WRITE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    # The rename itself is only durable once the directory is synced.
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise KeyringFileError(f"cannot read {path}: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise KeyringFileError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise KeyringFileError(f"{path} has no 'passwords' object")
    return document


def _passwords_of(path: Path, document: dict[str, Any]) -> dict[str, str]:
    passwords = document.get("passwords")
    if not isinstance(passwords, dict) or not passwords:
        raise KeyringFileError(f"{path} has no 'passwords' object")
    for key, value in passwords.items():
        if not is_integer_id(key) or not isinstance(value, str):
            raise KeyringFileError(f"{path}: password ids must be integers and passwords strings")
    return passwords


def _retired_at(path: Path, passwords: dict[str, str], key: str, value: Any) -> datetime:
    if key not in passwords:
        raise KeyringFileError(f"{path}: 'retired' names password {key}, which it does not hold")
    try:
        retired_at = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        retired_at = None
    if retired_at is None or retired_at.tzinfo is None:
        raise KeyringFileError(
            f"{path}: 'retired' dates must be ISO 8601 with an offset, "
            f"e.g. 2026-11-27T02:00:00+00:00 (password {key})"
        )
    return retired_at
