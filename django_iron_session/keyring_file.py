"""The keyring file: passwords by id, shared by every process of a site (and a Node app).

Its format is JSON, so that a Node app loads the same map in one line::

    const password = JSON.parse(fs.readFileSync(path, "utf8")).passwords;

    {"passwords": {"1": "...", "2": "..."}, "retired": {"1": "2026-11-27T02:00:00+00:00"},
     "staged": {"3": "..."}}

``retired`` records when each password stopped sealing, for ``iron_rotate_password --prune``.
``staged`` holds a password on its way in (``--stage``, then ``--activate``): this package
opens the cookies sealed with it but seals with the highest id of ``passwords`` only, so it
can reach every machine before any seals with it. It is outside ``passwords`` because
iron-session always seals with the highest id it is given.
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

from django_iron_session import strength
from django_iron_session.iron import MIN_PASSWORD_LENGTH, is_integer_id
from django_iron_session.iron_session import sealing_id

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

#: 43 base64url characters carry 258 bits.
DEFAULT_PASSWORD_LENGTH = 43
#: the widest mode a keyring file is written with: others never read it
OWNER_AND_GROUP_READ_WRITE = 0o660


class KeyringFileError(Exception):
    """The keyring file is missing, unreadable or not in the expected format."""


@dataclass(frozen=True)
class KeyringContents:
    """What a keyring file holds. The highest id of ``passwords`` seals; every id opens,
    the ``staged`` ones included."""

    # Not in the repr: error reports show the variables of every frame.
    passwords: Mapping[str, str] = field(repr=False)
    retired: Mapping[str, datetime] = field(default_factory=dict)
    staged: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def newest_id(self) -> str | None:
        """The id that seals."""
        return sealing_id(self.passwords)

    def rotated(self, password: str, now: datetime) -> KeyringContents:
        """Add ``password`` under the next id; every other password is retired as of ``now``."""
        return self.with_staged(password).activated(now)

    def with_staged(self, password: str) -> KeyringContents:
        """Add ``password`` under the next id, to open cookies but not to seal yet."""
        new_id = str(max(map(int, [*self.passwords, *self.staged]), default=0) + 1)
        return KeyringContents(self.passwords, self.retired, {**self.staged, new_id: password})

    def activated(self, now: datetime) -> KeyringContents:
        """The staged passwords join ``passwords``, so the highest seals; every password
        that sealed before is retired as of ``now``."""
        return KeyringContents(
            passwords={**self.passwords, **self.staged},
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
            staged=self.staged,
        )

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "passwords": _by_id(self.passwords),
            "retired": {key: value.isoformat() for key, value in _by_id(self.retired).items()},
        }
        if self.staged:
            document["staged"] = _by_id(self.staged)
        return json.dumps(document, indent=2) + "\n"


def _by_id(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return dict(sorted(mapping.items(), key=lambda item: int(item[0])))


def generate_password(
    length: int = DEFAULT_PASSWORD_LENGTH, *, draw: Callable[[int], str] = secrets.token_urlsafe
) -> str:
    """``length`` base64url characters from ``draw`` (``secrets``): 6 bits each. A draw the
    strength check would warn about (about never) is drawn again, so none ever is."""
    if length < MIN_PASSWORD_LENGTH:
        raise ValueError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters")
    password = draw(length)[:length]
    return password if strength.looks_random(password) else generate_password(length, draw=draw)


def read_keyring(path: Path) -> KeyringContents:
    document = _read_document(path)
    passwords = _passwords_of(path, document)
    retired = document.get("retired", {})
    if not isinstance(retired, dict):
        raise KeyringFileError(f"{path}: 'retired' must be an object")
    return KeyringContents(
        passwords,
        {key: _retired_at(path, passwords, key, value) for key, value in retired.items()},
        _staged_of(path, document, passwords),
    )


def read_passwords(path: Path) -> dict[str, str]:
    """The passwords, as a Node app reads them: the staged ones are not among them."""
    return _passwords_of(path, _read_document(path))


def read_in_service(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The passwords, and the staged ones: a running site needs nothing else, so nothing
    else can stop it."""
    document = _read_document(path)
    passwords = _passwords_of(path, document)
    return passwords, _staged_of(path, document, passwords)


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
    return _checked(path, passwords)


def _staged_of(path: Path, document: dict[str, Any], passwords: dict[str, str]) -> dict[str, str]:
    staged = document.get("staged", {})
    if not isinstance(staged, dict):
        raise KeyringFileError(f"{path}: 'staged' must be an object")
    for key in staged:
        if key in passwords:
            raise KeyringFileError(f"{path}: password {key} is both staged and in 'passwords'")
    return _checked(path, staged)


def _checked(path: Path, passwords: dict[Any, Any]) -> dict[str, str]:
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
