"""The keyring file: passwords by id, shared by every process of a site (and a Node app).

Its format is JSON, so that a Node app loads the same map in one line::

    const password = JSON.parse(fs.readFileSync(path, "utf8")).passwords;

    {"passwords": {"1": "...", "2": "..."}, "retired": {"1": "2026-11-27T02:00:00+00:00"}}

``retired`` records when each password stopped sealing, for ``iron_rotate_password --prune``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class KeyringFileError(Exception):
    """The keyring file is missing, unreadable or not in the expected format."""


def read_keyring(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise KeyringFileError(f"cannot read {path}: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise KeyringFileError(f"{path} is not valid JSON: {error}") from None
    passwords = document.get("passwords") if isinstance(document, dict) else None
    if not isinstance(passwords, dict) or not passwords:
        raise KeyringFileError(f"{path} has no 'passwords' object")
    for key, value in passwords.items():
        if not (key.isascii() and key.isdigit()) or not isinstance(value, str):
            raise KeyringFileError(f"{path}: password ids must be integers and passwords strings")
    retired = document.get("retired", {})
    if not isinstance(retired, dict):
        raise KeyringFileError(f"{path}: 'retired' must be an object")
    return document


def read_passwords(path: Path) -> dict[str, str]:
    passwords: dict[str, str] = read_keyring(path)["passwords"]
    return passwords
