"""``manage.py iron_rotate_password``: a new sealing password, keeping the older ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_iron_session.conf import get_config
from django_iron_session.iron import MIN_PASSWORD_LENGTH
from django_iron_session.keyring_file import (
    DEFAULT_PASSWORD_LENGTH,
    KeyringContents,
    KeyringFileError,
    generate_password,
    locked,
    read_keyring,
    write_keyring,
)
from django_iron_session.passwords import KeyringFilePasswords

if TYPE_CHECKING:
    from collections.abc import Callable

DRY_RUN = "Dry run: nothing written."


class Command(BaseCommand):
    help = (
        "Add a new password to the session keyring: it seals every session from now on, and "
        "the older passwords stay so that sessions already out keep working. With "
        "IRON_SESSION['KEYRING_FILE'] the file is updated in place and running processes "
        "pick it up by themselves. Without it, nothing can be written: the run says how to "
        "move to a keyring file, and with --show-secrets prints the whole next value of "
        "IRON_SESSION['PASSWORD'] as JSON (the shape iron-session accepts) and where to put "
        "it. Secrets already in use are printed only with --show-secrets. Exit status: 0 "
        "done, 1 error (one line on stderr), 2 bad usage."
    )

    # The checks refuse a missing or broken keyring file, which this command must repair.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--init",
            nargs="?",
            const="",
            metavar="PATH",
            help="Create a keyring file instead of rotating: at PATH, or at "
            "IRON_SESSION['KEYRING_FILE']. It holds the passwords of IRON_SESSION['PASSWORD'] "
            "if set (so that sessions already out keep working after you switch the setting "
            "to KEYRING_FILE), otherwise a new password. Refuses to overwrite a file.",
        )
        action.add_argument(
            "--stage",
            action="store_true",
            help="Add a password under the next id that every process OPENS cookies with but "
            "none SEALS with yet (it goes under 'staged', which a Node app's line does not "
            "read). Put the file on every machine, then run --activate. Needs a keyring file.",
        )
        action.add_argument(
            "--activate",
            action="store_true",
            help="Make the staged password the sealing one, once every machine has the file "
            "with it staged; the others retire as a rotation retires them.",
        )
        action.add_argument(
            "--prune",
            action="store_true",
            help="Add no password; instead drop the passwords retired so long ago that every "
            "session they sealed has expired. Never drops the newest. Needs a keyring file.",
        )
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="SECONDS",
            help="With --prune: drop passwords retired at least SECONDS ago. Default: "
            "SESSION_COOKIE_AGE + IRON_SESSION's TIMESTAMP_SKEW + KEYRING_CHECK_INTERVAL. "
            "Give more if sessions use request.session.set_expiry() with longer ages.",
        )
        parser.add_argument(
            "--length",
            type=int,
            metavar="CHARACTERS",
            help=f"Length of the new password (base64url, 6 bits a character). Default "
            f"{DEFAULT_PASSWORD_LENGTH} (over 256 bits); at least {MIN_PASSWORD_LENGTH}.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would change, write nothing and print no new password.",
        )
        parser.add_argument(
            "--show-secrets",
            action="store_true",
            help="Print the whole resulting password mapping as JSON on stdout, existing "
            "passwords included (the report then goes to stderr). Without a keyring file, "
            "the only way to get a new password: the one printed is the one to install.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["older_than"] is not None and not options["prune"]:
            raise CommandError("--older-than goes with --prune")
        if options["length"] is not None and (options["prune"] or options["activate"]):
            raise CommandError("--length goes with a new password, not with --prune or --activate")
        try:
            config = get_config()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        run = Run(
            now=datetime.now(timezone.utc),
            length=options["length"] or DEFAULT_PASSWORD_LENGTH,
            dry_run=options["dry_run"],
            show_secrets=options["show_secrets"],
        )
        passwords = config.passwords
        keyring_file = passwords if isinstance(passwords, KeyringFilePasswords) else None
        if options["init"] is not None:
            self.init(run, _init_path(options["init"], keyring_file))
        elif keyring_file is None:
            if options["prune"]:
                raise CommandError(
                    "--prune needs IRON_SESSION['KEYRING_FILE'], where retirement dates are "
                    "kept; with PASSWORD, remove an id yourself once SESSION_COOKIE_AGE has "
                    "passed"
                )
            if options["stage"] or options["activate"]:
                raise CommandError(
                    "--stage and --activate need IRON_SESSION['KEYRING_FILE'], where a staged "
                    "password is kept apart from the ones that seal"
                )
            self.rotate_setting(run)
        else:
            older_than = (
                timedelta(seconds=options["older_than"])
                if options["older_than"] is not None
                else _prune_age(keyring_file, config.options.timestamp_skew)
            )
            if options["prune"]:
                self.prune(run, keyring_file.path, older_than)
            elif options["stage"]:
                self.stage(run, keyring_file.path, older_than)
            elif options["activate"]:
                self.activate(run, keyring_file.path, older_than)
            else:
                self.rotate_file(run, keyring_file.path, older_than)

    # -- the actions: one method each -----------------------------------------------------

    def init(self, run: Run, path: Path) -> None:
        """Create the keyring file, from IRON_SESSION['PASSWORD'] if set."""
        self._change_file(run, path, lambda _: _initial_contents(run), creating=True)

    def rotate_file(self, run: Run, path: Path, older_than: timedelta) -> None:
        """Add a password under the next id: it seals from now on; the others retire."""
        self._change_file(
            run,
            path,
            lambda before: _nothing_staged(before).rotated(run.new_password(), run.now),
            prune_after=older_than,
        )

    def stage(self, run: Run, path: Path, older_than: timedelta) -> None:
        """Add a password under the next id that opens cookies but seals none yet."""
        self._change_file(
            run,
            path,
            lambda before: _nothing_staged(before).with_staged(run.new_password()),
            prune_after=older_than,
        )

    def activate(self, run: Run, path: Path, older_than: timedelta) -> None:
        """The staged password seals from now on; the others retire."""

        def activated(before: KeyringContents) -> KeyringContents:
            if not before.staged:
                raise CommandError(f"No password is staged in {path}; stage one with --stage")
            return before.activated(run.now)

        self._change_file(run, path, activated, prune_after=older_than)

    def prune(self, run: Run, path: Path, older_than: timedelta) -> None:
        """Drop the passwords retired at least ``older_than`` ago."""
        self._change_file(
            run,
            path,
            lambda before: before.without(before.prunable(run.now, older_than)),
            prune_after=older_than,
        )

    def rotate_setting(self, run: Run) -> None:
        """Without a keyring file nothing is written, so a password is made only when the run
        prints the whole value to install: a password shown by one run and not kept would
        differ from the one a second run shows, and only one of them can be installed."""
        before = KeyringContents(_setting_passwords())
        if not run.show_secrets and not run.dry_run:
            for line in _setting_guidance(before):
                self.stdout.write(line)
            return
        after = before.rotated(run.new_password(), run.now)
        lines = _describe(before, after, prune_after=None, installed=False)
        if run.dry_run:
            self.stdout.write(DRY_RUN)
            for line in lines:
                self.stdout.write(line)
            return
        self.stdout.write(json.dumps(after.passwords))
        for line in [*lines, *_setting_installation(before, after)]:
            self.stderr.write(line)

    # -- what the actions on the file share -----------------------------------------------

    def _change_file(
        self,
        run: Run,
        path: Path,
        change: Callable[[KeyringContents], KeyringContents],
        *,
        creating: bool = False,
        prune_after: timedelta | None = None,
    ) -> None:
        """Read, change and write the file under its lock, then say what changed.

        ``prune_after``: how long after retirement ``--prune`` drops a password, to say so.
        """
        try:
            with locked(path):
                before = _current_contents(path, creating=creating)
                after = change(before)
                if after != before and not run.dry_run:
                    write_keyring(path, after)
        except KeyringFileError as error:
            raise CommandError(f"{error} (the file was left as it was)") from None
        report = self.stderr if run.show_secrets else self.stdout
        if run.dry_run:
            report.write(DRY_RUN)
        elif after == before:
            report.write(f"Nothing to change in {path}.")
        else:
            report.write(f"Updated {path}:")
        for line in _describe(before, after, prune_after):
            report.write(line)
        if run.show_secrets:
            self.stdout.write(json.dumps(after.passwords))


@dataclass(frozen=True)
class Run:
    """What the command line asks of every action."""

    now: datetime
    #: characters of a new password
    length: int
    dry_run: bool
    show_secrets: bool

    def new_password(self) -> str:
        try:
            return generate_password(self.length)
        except ValueError as error:
            raise CommandError(str(error)) from None


def _init_path(given: str, keyring_file: KeyringFilePasswords | None) -> Path:
    """Where ``--init [PATH]`` creates the file: PATH, else the configured KEYRING_FILE."""
    if given:
        return Path(given)
    if keyring_file is not None:
        return keyring_file.path
    raise CommandError(
        "Say where to create the keyring file: --init PATH "
        "(then set IRON_SESSION['KEYRING_FILE'] to PATH in place of PASSWORD)"
    )


def _current_contents(path: Path, *, creating: bool) -> KeyringContents:
    """What the file holds (nothing yet when creating it); call it holding the lock."""
    if creating:
        if path.exists():
            raise CommandError(f"{path} already exists; leave out --init to rotate")
        return KeyringContents({})
    if not path.exists():
        raise CommandError(f"{path} does not exist; create it with --init")
    return read_keyring(path)


def _nothing_staged(contents: KeyringContents) -> KeyringContents:
    if contents.staged:
        staged = ", ".join(sorted(contents.staged, key=int))
        raise CommandError(
            f"Password {staged} is staged: make it the sealing one with --activate (once every "
            "machine has the file) before adding another"
        )
    return contents


def _prune_age(keyring_file: KeyringFilePasswords, timestamp_skew: float) -> timedelta:
    """How long after its retirement a password may still open a live session: other
    processes seal with it until they next look at the file, and seals live their age plus
    the skew."""
    return timedelta(
        seconds=settings.SESSION_COOKIE_AGE + timestamp_skew + keyring_file.check_interval
    )


def _initial_contents(run: Run) -> KeyringContents:
    passwords = _setting_passwords()
    if not passwords:
        return KeyringContents({}).rotated(run.new_password(), run.now)
    newest_id = KeyringContents(passwords).newest_id
    return KeyringContents(passwords, {key: run.now for key in passwords if key != newest_id})


def _setting_passwords() -> dict[str, str]:
    """IRON_SESSION['PASSWORD'] as iron-session reads it (get_config has checked its shape)."""
    value = settings.IRON_SESSION.get("PASSWORD")
    if value is None:
        return {}
    if isinstance(value, str):
        return {"1": value}
    return {str(key): password for key, password in value.items()}


def _describe(
    before: KeyringContents,
    after: KeyringContents,
    prune_after: timedelta | None,
    *,
    installed: bool = True,
) -> list[str]:
    """One line per password, no secrets: added, kept or dropped, and what it does now;
    with ``prune_after``, when ``--prune`` drops each retired one. ``installed=False``: the
    change is the setting's next value, which nothing has written yet."""
    lines = []
    for key in sorted(
        {*before.passwords, *before.staged, *after.passwords, *after.staged}, key=int
    ):
        if key in after.staged:
            change = "kept" if key in before.staged else "added"
            lines.append(
                f"  password {key}: {change}, staged: opens sessions, seals none until "
                "--activate (put the file on every machine first)"
            )
            continue
        if key not in after.passwords:
            lines.append(f"  password {key}: dropped (retired {before.retired[key].isoformat()})")
            continue
        change = (
            "kept"
            if key in before.passwords
            else "activated"
            if key in before.staged
            else "added"
            if installed
            else "new"
        )
        if not installed:
            does = (
                "seals new sessions once installed"
                if key == after.newest_id
                else "opens older sessions"
            )
            lines.append(f"  password {key}: {change}, {does}")
            continue
        if key == after.newest_id:
            lines.append(f"  password {key}: {change}, seals new sessions")
            continue
        retired_at = after.retired.get(key)
        if retired_at is None:
            lines.append(f"  password {key}: {change}, no retirement date (a rotation adds one)")
            continue
        line = f"  password {key}: {change}, retired {retired_at.isoformat()}, opens older sessions"
        if prune_after is not None:
            line += f"; --prune drops it from {(retired_at + prune_after).isoformat()}"
        lines.append(line)
    return lines


SETTINGS_LINE = 'IRON_SESSION = {"PASSWORD": json.loads(os.environ["IRON_SESSION_PASSWORD"])}'


def _setting_guidance(before: KeyringContents) -> list[str]:
    """What a plain run says without a keyring file: the two ways to rotate."""
    ids = ", ".join(sorted(before.passwords, key=int))
    return [
        f"IRON_SESSION['PASSWORD'] holds password {ids}. Without a keyring file this command "
        "cannot install a password, so it made none.",
        "To rotate with no code change and no restart, keep the passwords in a keyring file "
        "(sessions already out keep working):",
        "  python manage.py iron_rotate_password --init PATH",
        '  settings.py: IRON_SESSION = {"KEYRING_FILE": "PATH"}  (in place of PASSWORD)',
        "  then: python manage.py iron_rotate_password",
        "To rotate the setting instead, print its whole next value (existing passwords "
        "included) and install that:",
        "  python manage.py iron_rotate_password --show-secrets > new-password.json",
    ]


def _setting_installation(before: KeyringContents, after: KeyringContents) -> list[str]:
    """Where the mapping printed on stdout goes, for both this package and iron-session."""
    new_id = after.newest_id
    return [
        "Put the mapping printed on stdout (one line of JSON) where both the settings and a Node "
        "app read it, then restart every process:",
        "  environment: IRON_SESSION_PASSWORD='<that mapping>'",
        f"  settings.py: {SETTINGS_LINE}",
        "  Node:        password: JSON.parse(process.env.IRON_SESSION_PASSWORD)",
        f"Password {new_id} exists only in this output, and another run makes another one: "
        "install this one.",
        f"Remove password {', '.join(sorted(before.passwords, key=int))} from the mapping once "
        "SESSION_COOKIE_AGE has passed since every process had the new one.",
    ]
