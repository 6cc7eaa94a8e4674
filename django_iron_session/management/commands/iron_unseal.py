"""``manage.py iron_unseal``: what a session cookie holds, opened with the site's passwords."""

from __future__ import annotations

import functools
import json
import sys
import time
from datetime import datetime, timezone
from typing import Any, TextIO

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http.cookie import parse_cookie

from django_iron_session import compression, iron, iron_session
from django_iron_session.conf import Config, get_config
from django_iron_session.keyring_file import KeyringFileError
from django_iron_session.passwords import KeyringFilePasswords, keyring_in_service


class Command(BaseCommand):
    help = (
        "Open a session cookie with the passwords the site is configured with (never one "
        "given on the command line) and print, as JSON, the id of the password that sealed "
        "it, when it expires and the session it holds; or say why it does not open: expired, "
        "unknown password, or invalid. The output is the session's content: treat it as such. "
        "Exit status: 0 opened, 1 did not open or cannot check (one line on stderr), "
        "2 bad usage."
    )
    # It must work on a site whose checks fail, to help find out why.
    requires_system_checks = ()
    # Tests hand in their own stdin, as with createsuperuser.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "cookie",
            nargs="?",
            default="-",
            metavar="COOKIE",
            help="The cookie's value, with or without its ~2 marker; also accepted: "
            "name=value, or a whole Cookie header (the SESSION_COOKIE_NAME cookie is taken). "
            "Leave it out, or give -, to read it from stdin, which keeps it out of the "
            "shell's history.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = get_config()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        given = options["cookie"]
        stdin: TextIO = options.get("stdin") or sys.stdin
        text = stdin.read() if given == "-" else given
        sealed = _cookie_value(text, config.cookie_name)
        keyring = _keyring(config)
        try:
            opened = iron_session.open_data(
                sealed,
                keyring,
                options=config.options,
                decode=functools.partial(compression.decode, limit=config.decompressed_size_limit),
            )
        except iron.IronError as error:
            reason = error.reason.replace("-", " ")
            raise CommandError(f"The cookie does not open: {reason} ({error})") from None
        expires_at = opened.expires_at
        report = {
            "password_id": opened.password_id,
            "newest_password": opened.password_id == keyring.sealing_id,
            "expires": None
            if expires_at is None
            else datetime.fromtimestamp(expires_at, timezone.utc).isoformat(),
            "seconds_left": None if expires_at is None else int(expires_at - time.time()),
            "session": opened.data,
        }
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))


def _cookie_value(text: str, cookie_name: str) -> str:
    text = text.strip()
    if not text:
        raise CommandError("No cookie given: pass its value, or pipe it on stdin")
    # A seal holds no "=", so one means "name=value" or a whole Cookie header.
    if "=" not in text:
        return text
    cookies = parse_cookie(text)
    if cookie_name not in cookies:
        raise CommandError(f"No cookie named {cookie_name!r} (SESSION_COOKIE_NAME) in the input")
    return cookies[cookie_name]


def _keyring(config: Config) -> iron.Keyring:
    """The configured passwords; a keyring file is read now, to report exactly what is wrong."""
    if not isinstance(config.passwords, KeyringFilePasswords):
        return config.passwords.keyring()
    try:
        return keyring_in_service(config.passwords.path)
    except (KeyringFileError, iron.PasswordError) as error:
        raise CommandError(f"IRON_SESSION['KEYRING_FILE'] is unusable: {error}") from None
