"""Helpers several test modules use (conftest.py holds fixtures only)."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.checks import run_checks

if TYPE_CHECKING:
    from pathlib import Path

    from django.core.checks import CheckMessage
    from django.http import HttpResponseBase
    from django.test import Client
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

#: random hex does not compress: 10,000 characters make a seal of four chunks
TEN_KB = secrets.token_hex(5000)
FOUR_CHUNKS = {"sessionid.0", "sessionid.1", "sessionid.2", "sessionid.3"}


def session_cookie(client: Client) -> str:
    """The session cookie's value as the client holds it."""
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def our_messages(*, deploy: bool = False) -> list[CheckMessage]:
    """This package's messages that ``manage.py check`` shows (the silenced ones are not)."""
    return [
        message
        for message in run_checks(include_deployment_checks=deploy)
        if (message.id or "").startswith("django_iron_session.") and not message.is_silenced()
    ]


def our_ids(*, deploy: bool = False) -> list[str]:
    return [
        str(message.id).removeprefix("django_iron_session.")
        for message in our_messages(deploy=deploy)
    ]


def expired(response: HttpResponseBase) -> set[str]:
    return {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}


def browse(client: Client, path: str, params: dict[str, str] | None = None) -> TestResponse:
    """A GET, after which the client keeps cookies as a browser does: expired ones go."""
    response = client.get(path, params or {})
    for name in expired(response):
        del client.cookies[name]
    return response


def jar(client: Client) -> dict[str, str]:
    return {name: morsel.value for name, morsel in client.cookies.items()}


def write_passwords(path: Path, passwords: dict[str, str]) -> None:
    """A keyring file holding ``passwords`` and no retirement dates."""
    path.write_text(json.dumps({"passwords": passwords}), encoding="utf-8")


class Clock:
    """A stand-in for ``time.time``: it moves only when told (see the ``clock`` fixture)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def forged(password_id: str) -> str:
    """What anyone can write without a password: a seal's eight fields, made up."""
    return f"Fe26.2*{password_id}*{'a' * 64}*{'A' * 22}*{'B' * 43}**{'b' * 64}*{'C' * 43}~2"
