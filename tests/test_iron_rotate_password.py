from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import time
from datetime import datetime, timedelta, timezone
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from django_iron_session import iron_session
from django_iron_session.keyring_file import (
    KeyringContents,
    locked,
    read_keyring,
    read_passwords,
    write_keyring,
)
from testing.constants import USER_PASSWORD, USERNAME
from tests.command_process import DJANGO_ADMIN, command_env, run_command

if TYPE_CHECKING:
    from pathlib import Path

    from django.contrib.auth.models import User
    from django.test import Client
    from pytest_django import Settings

ONE = "password-one-" + "1" * 32
TWO = "password-two-" + "2" * 32


class Output:
    """What a command wrote, and whether any secret got into it."""

    def __init__(self, stdout: str, stderr: str) -> None:
        self.stdout = stdout
        self.stderr = stderr

    def shows(self, secret: str) -> bool:
        return secret in self.stdout or secret in self.stderr


def rotate(*arguments: str) -> Output:
    stdout, stderr = StringIO(), StringIO()
    call_command("iron_rotate_password", *arguments, stdout=stdout, stderr=stderr)
    return Output(stdout.getvalue(), stderr.getvalue())


def ago(seconds: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(seconds=seconds)


@pytest.fixture
def keyring_path(tmp_path: Path, settings: Settings) -> Path:
    """A keyring file with password 1, configured as the site's."""
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents({"1": ONE}))
    settings.IRON_SESSION = {"KEYRING_FILE": str(path), "KEYRING_CHECK_INTERVAL": 0}
    settings.SESSION_COOKIE_AGE = 1000
    return path


# The "done when" of the issue: a rotation logs no one out.


@pytest.mark.django_db
def test_a_rotation_from_start_to_prune_logs_no_one_out(
    client: Client, settings: Settings, tmp_path: Path, django_user_model: type[User]
) -> None:
    path = tmp_path / "keyring.json"
    settings.IRON_SESSION = {"KEYRING_FILE": str(path), "KEYRING_CHECK_INTERVAL": 0}
    rotate("--init")
    django_user_model.objects.create_user(USERNAME, password=USER_PASSWORD)
    assert client.login(username=USERNAME, password=USER_PASSWORD)

    def cookie_password_id() -> str:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        return iron_session.open_data(cookie, read_passwords(path)).password_id

    assert cookie_password_id() == "1"

    rotate()
    response = client.get("/whoami/")
    assert response.content == USERNAME.encode()
    # The response re-sealed the session under the new password.
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert cookie_password_id() == "2"

    rotate("--prune", "--older-than", "0")
    assert read_passwords(path).keys() == {"2"}
    assert client.get("/whoami/").content == USERNAME.encode()


# Rotating a keyring file


def test_a_rotation_adds_the_next_id_and_keeps_the_others(keyring_path: Path) -> None:
    write_keyring(keyring_path, KeyringContents({"1": ONE, "2": TWO}, {"1": ago(60)}))
    before = read_keyring(keyring_path)
    started = datetime.now(timezone.utc)
    output = rotate()
    after = read_keyring(keyring_path)
    assert list(after.passwords) == ["1", "2", "3"]
    assert after.passwords["1"] == ONE
    assert after.passwords["2"] == TWO
    assert len(after.passwords["3"]) == 43
    assert after.retired["1"] == before.retired["1"]
    assert started <= after.retired["2"] <= datetime.now(timezone.utc)
    assert stat.S_IMODE(keyring_path.stat().st_mode) == 0o600
    assert f"Updated {keyring_path}:" in output.stdout
    assert "password 3: added, seals new sessions" in output.stdout
    assert "password 2: kept, retired " in output.stdout
    assert "--prune drops it from " in output.stdout
    assert output.stderr == ""
    for secret in after.passwords.values():
        assert not output.shows(secret)


def test_length_sets_the_new_password_length(keyring_path: Path) -> None:
    rotate("--length", "64")
    assert len(read_passwords(keyring_path)["2"]) == 64


def test_a_password_shorter_than_32_characters_is_refused(keyring_path: Path) -> None:
    with pytest.raises(CommandError, match="at least 32 characters"):
        rotate("--length", "31")
    assert read_passwords(keyring_path) == {"1": ONE}


def test_show_secrets_prints_the_whole_mapping_as_json(keyring_path: Path) -> None:
    output = rotate("--show-secrets")
    assert json.loads(output.stdout) == read_passwords(keyring_path)
    assert "password 2: added" in output.stderr


def test_a_dry_run_writes_nothing_and_shows_no_secret(keyring_path: Path) -> None:
    before = keyring_path.read_bytes()
    output = rotate("--dry-run")
    assert keyring_path.read_bytes() == before
    assert output.stdout.splitlines()[0] == "Dry run: nothing written."
    assert "password 2: added, seals new sessions" in output.stdout
    assert not output.shows(ONE)
    assert "{" not in output.stdout


def test_a_missing_file_is_reported_with_the_way_to_create_it(keyring_path: Path) -> None:
    keyring_path.unlink()
    with pytest.raises(CommandError, match=r"does not exist; create it with --init"):
        rotate()
    assert not keyring_path.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"passwords": {"1": "' + ONE.encode() + b'"}, "retired": {"1": "soon"}}', "ISO 8601"),
        (b'{"passwords": {"1": "\xff"}}', "is not valid JSON"),
    ],
)
@pytest.mark.parametrize("arguments", [(), ("--prune",)])
def test_a_corrupt_file_is_reported_and_left_untouched(
    keyring_path: Path, content: bytes, message: str, arguments: tuple[str, ...]
) -> None:
    keyring_path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as raised:
        rotate(*arguments)
    assert "(the file was left as it was)" in str(raised.value)
    assert keyring_path.read_bytes() == content


def test_an_unreadable_file_is_reported(keyring_path: Path) -> None:
    keyring_path.unlink()
    keyring_path.mkdir()
    with pytest.raises(CommandError, match=r"cannot read .* Is a directory"):
        rotate()


def test_a_directory_without_room_for_the_lock_is_reported(
    tmp_path: Path, settings: Settings
) -> None:
    settings.IRON_SESSION = {"KEYRING_FILE": str(tmp_path / "missing" / "keyring.json")}
    with pytest.raises(CommandError, match="cannot open the lock file"):
        rotate()


def test_a_site_misconfigured_is_reported(settings: Settings) -> None:
    settings.IRON_SESSION = {}
    with pytest.raises(CommandError, match="exactly one of PASSWORD and KEYRING_FILE"):
        rotate()


# Creating a keyring file


def test_init_creates_the_configured_file_with_a_new_password(keyring_path: Path) -> None:
    keyring_path.unlink()
    output = rotate("--init")
    contents = read_keyring(keyring_path)
    assert list(contents.passwords) == ["1"]
    assert contents.retired == {}
    assert stat.S_IMODE(keyring_path.stat().st_mode) == 0o600
    assert "password 1: added, seals new sessions" in output.stdout
    assert not output.shows(contents.passwords["1"])


def test_init_refuses_to_overwrite_a_file(keyring_path: Path) -> None:
    before = keyring_path.read_bytes()
    with pytest.raises(CommandError, match="already exists; leave out --init"):
        rotate("--init")
    assert keyring_path.read_bytes() == before


def test_init_dry_run_creates_nothing(keyring_path: Path) -> None:
    keyring_path.unlink()
    assert "Dry run" in rotate("--init", "--dry-run").stdout
    assert not keyring_path.exists()


def test_init_path_moves_the_password_setting_into_a_file(
    tmp_path: Path, settings: Settings
) -> None:
    settings.IRON_SESSION = {"PASSWORD": ONE}
    path = tmp_path / "keyring.json"
    output = rotate("--init", str(path))
    assert read_keyring(path) == KeyringContents({"1": ONE})
    assert not output.shows(ONE)


def test_init_path_keeps_every_id_of_a_password_mapping(tmp_path: Path, settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": {1: ONE, 2: TWO}}
    path = tmp_path / "keyring.json"
    started = datetime.now(timezone.utc)
    rotate("--init", str(path))
    contents = read_keyring(path)
    assert contents.passwords == {"1": ONE, "2": TWO}
    # Retired as of now, since the setting does not say since when.
    assert contents.retired.keys() == {"1"}
    assert contents.retired["1"] >= started


def test_init_without_a_path_or_a_keyring_file_asks_for_one(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": ONE}
    with pytest.raises(CommandError, match="--init PATH"):
        rotate("--init")


# Pruning


def test_prune_drops_passwords_retired_longer_ago_than_sessions_live(keyring_path: Path) -> None:
    # SESSION_COOKIE_AGE is 1000 s here, TIMESTAMP_SKEW and KEYRING_CHECK_INTERVAL 0.
    passwords = {"1": ONE, "2": TWO, "3": ONE + "3", "4": TWO + "4"}
    retired = {"1": ago(5000), "2": ago(1010), "3": ago(900)}
    write_keyring(keyring_path, KeyringContents(passwords, retired))
    output = rotate("--prune")
    assert read_passwords(keyring_path).keys() == {"3", "4"}
    assert "password 1: dropped (retired " in output.stdout
    assert "password 2: dropped (retired " in output.stdout
    assert "password 3: kept, retired " in output.stdout
    assert "password 4: kept, seals new sessions" in output.stdout
    for secret in passwords.values():
        assert not output.shows(secret)


def test_prune_waits_for_the_skew_and_the_check_interval_too(
    keyring_path: Path, settings: Settings
) -> None:
    settings.IRON_SESSION = {
        "KEYRING_FILE": str(keyring_path),
        "TIMESTAMP_SKEW": 300,
        "KEYRING_CHECK_INTERVAL": 300,
    }
    write_keyring(keyring_path, KeyringContents({"1": ONE, "2": TWO}, {"1": ago(1500)}))
    rotate("--prune")
    assert read_passwords(keyring_path).keys() == {"1", "2"}
    write_keyring(keyring_path, KeyringContents({"1": ONE, "2": TWO}, {"1": ago(1700)}))
    rotate("--prune")
    assert read_passwords(keyring_path).keys() == {"2"}


@pytest.mark.parametrize(("older_than", "kept"), [("50", {"2"}), ("200", {"1", "2"})])
def test_older_than_overrides_the_session_age(
    keyring_path: Path, older_than: str, kept: set[str]
) -> None:
    write_keyring(keyring_path, KeyringContents({"1": ONE, "2": TWO}, {"1": ago(100)}))
    rotate("--prune", "--older-than", older_than)
    assert read_passwords(keyring_path).keys() == kept


def test_prune_with_nothing_to_drop_does_not_rewrite_the_file(keyring_path: Path) -> None:
    write_keyring(keyring_path, KeyringContents({"1": ONE, "2": TWO}, {"1": ago(10)}))
    before = os.stat(keyring_path)
    output = rotate("--prune")
    after = os.stat(keyring_path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert output.stdout.startswith(f"Nothing to change in {keyring_path}.")


def test_prune_never_drops_the_newest(keyring_path: Path) -> None:
    write_keyring(keyring_path, KeyringContents({"1": ONE, "2": TWO}, {"2": ago(10**6)}))
    rotate("--prune", "--older-than", "0")
    assert read_passwords(keyring_path).keys() == {"1", "2"}


def test_prune_keeps_an_undated_password_and_says_a_rotation_dates_it(
    keyring_path: Path,
) -> None:
    keyring_path.write_text(json.dumps({"passwords": {"1": ONE, "2": TWO}}), encoding="utf-8")
    output = rotate("--prune", "--older-than", "0")
    assert read_passwords(keyring_path).keys() == {"1", "2"}
    assert "password 1: kept, no retirement date (a rotation adds one)" in output.stdout


def test_a_prune_dry_run_writes_nothing(keyring_path: Path) -> None:
    write_keyring(keyring_path, KeyringContents({"1": ONE, "2": TWO}, {"1": ago(10**6)}))
    before = keyring_path.read_bytes()
    output = rotate("--prune", "--dry-run")
    assert keyring_path.read_bytes() == before
    assert "Dry run: nothing written." in output.stdout
    assert "password 1: dropped" in output.stdout


# Options that do not go together


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--older-than", "10"), "--older-than goes with --prune"),
        (("--prune", "--length", "40"), "--length goes with a new password"),
        (("--prune", "--init"), "not allowed with argument"),
    ],
)
def test_options_that_do_not_go_together_are_refused(
    keyring_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    before = keyring_path.read_bytes()
    with pytest.raises(CommandError, match=message):
        rotate(*arguments)
    assert keyring_path.read_bytes() == before


# Without a keyring file: the new value of the setting


def test_without_a_keyring_file_a_plain_run_makes_no_password_and_says_how_to_rotate(
    settings: Settings,
) -> None:
    settings.IRON_SESSION = {"PASSWORD": {1: ONE, 2: TWO}}
    output = rotate()
    # No password: one shown here and not kept would not be the one a later run prints.
    assert not re.search(r"[\w-]{32,}", output.stdout)
    assert not output.shows(ONE)
    assert not output.shows(TWO)
    assert output.stderr == ""
    assert output.stdout.splitlines()[0].startswith(
        "IRON_SESSION['PASSWORD'] holds password 1, 2. Without a keyring file this command "
        "cannot install a password, so it made none."
    )
    assert "  python manage.py iron_rotate_password --init PATH" in output.stdout
    assert '  settings.py: IRON_SESSION = {"KEYRING_FILE": "PATH"}' in output.stdout
    assert "  python manage.py iron_rotate_password --show-secrets" in output.stdout


def test_without_a_keyring_file_show_secrets_prints_the_mapping_and_where_it_goes(
    settings: Settings,
) -> None:
    settings.IRON_SESSION = {"PASSWORD": {1: ONE, 2: TWO}}
    output = rotate("--show-secrets")
    mapping = json.loads(output.stdout)
    assert list(mapping) == ["1", "2", "3"]
    assert (mapping["1"], mapping["2"]) == (ONE, TWO)
    assert len(mapping["3"]) == 43
    assert output.stderr.splitlines()[:3] == [
        "  password 1: kept, opens older sessions",
        "  password 2: kept, opens older sessions",
        "  password 3: new, seals new sessions once installed",
    ]
    assert "  environment: IRON_SESSION_PASSWORD='<that mapping>'" in output.stderr
    assert (
        "  settings.py: IRON_SESSION = "
        '{"PASSWORD": json.loads(os.environ["IRON_SESSION_PASSWORD"])}' in output.stderr
    )
    assert "Remove password 1, 2 from the mapping once SESSION_COOKIE_AGE" in output.stderr
    # The new password is shown once, in the mapping to install, and nowhere else.
    assert output.stdout.count(mapping["3"]) == 1
    assert mapping["3"] not in output.stderr


def test_without_a_keyring_file_the_settings_line_reads_what_show_secrets_printed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.IRON_SESSION = {"PASSWORD": ONE}
    old_cookie = iron_session.seal_data({"a": 1}, {"1": ONE})
    output = rotate("--show-secrets")
    monkeypatch.setenv("IRON_SESSION_PASSWORD", output.stdout.strip())
    settings_line = next(
        line.removeprefix("  settings.py: ")
        for line in output.stderr.splitlines()
        if line.startswith("  settings.py: ")
    )
    namespace: dict[str, Any] = {"json": json, "os": os}
    exec(settings_line, namespace)  # noqa: S102 - the line the command tells users to paste
    installed = namespace["IRON_SESSION"]["PASSWORD"]
    new_cookie = iron_session.seal_data({"a": 1}, installed)
    assert iron_session.open_data(new_cookie, installed).password_id == "2"
    assert iron_session.open_data(old_cookie, installed).password_id == "1"
    assert json.loads(output.stdout)["2"] == installed["2"]


def test_without_a_keyring_file_a_dry_run_prints_no_password(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": ONE}
    output = rotate("--dry-run", "--show-secrets")
    assert output.stdout.splitlines() == [
        "Dry run: nothing written.",
        "  password 1: kept, opens older sessions",
        "  password 2: new, seals new sessions once installed",
    ]
    assert output.stderr == ""


def test_without_a_keyring_file_prune_is_refused(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": ONE}
    with pytest.raises(CommandError, match="--prune needs IRON_SESSION\\['KEYRING_FILE'\\]"):
        rotate("--prune")


# In its own process: exit status, stderr, concurrent runs


def test_exit_status_and_stderr_as_a_script_sees_them(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    env = command_env(tmp_path, {"KEYRING_FILE": str(path)})

    missing = run_command(env, "iron_rotate_password")
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == [
        f"CommandError: {path} does not exist; create it with --init"
    ]
    assert missing.stdout == ""

    created = run_command(env, "iron_rotate_password", "--init")
    assert created.returncode == 0, created.stderr
    assert created.stderr == ""

    path.write_text("{", encoding="utf-8")
    corrupt = run_command(env, "iron_rotate_password")
    assert corrupt.returncode == 1
    assert len(corrupt.stderr.splitlines()) == 1
    assert path.read_text(encoding="utf-8") == "{"

    usage = run_command(env, "iron_rotate_password", "--length", "many")
    assert usage.returncode == 2

    help_text = run_command(env, "iron_rotate_password", "--help")
    assert help_text.returncode == 0
    assert "--prune" in help_text.stdout
    assert "Exit status" in help_text.stdout


def lock_waiters(lock_path: Path) -> int:
    """Processes waiting for a flock on ``lock_path``, from Linux's /proc/locks."""
    inode = os.stat(lock_path).st_ino
    with open("/proc/locks", encoding="ascii") as locks:
        return sum(
            1
            for line in locks
            if "->" in line and " FLOCK " in line and line.split()[6].endswith(f":{inode}")
        )


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux's /proc/locks")
def test_two_rotations_at_once_both_land(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents({"1": ONE}))
    env = command_env(tmp_path, {"KEYRING_FILE": str(path)})
    processes: list[subprocess.Popen[str]] = []
    try:
        # Both start while the lock is held, so both read the file only after the other
        # (or this test) let go of it: without the lock they would both write id 2.
        with locked(path):
            for _ in range(2):
                processes.append(
                    subprocess.Popen(
                        [*DJANGO_ADMIN, "iron_rotate_password"],
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                )
            deadline = time.monotonic() + 60
            while lock_waiters(tmp_path / "keyring.json.lock") < 2:
                assert time.monotonic() < deadline, "the rotations never waited for the lock"
                assert all(process.poll() is None for process in processes), "one finished"
                time.sleep(0.01)
        results: list[Any] = [process.communicate(timeout=60) for process in processes]
    finally:
        for process in processes:
            process.kill()
            process.wait()
    assert [process.returncode for process in processes] == [0, 0], results
    contents = read_keyring(path)
    assert list(contents.passwords) == ["1", "2", "3"]
    assert contents.retired.keys() == {"1", "2"}
    assert len(set(contents.passwords.values())) == 3


def test_a_rotation_through_a_symlinked_keyring_file_updates_the_shared_file(
    tmp_path: Path, settings: Settings
) -> None:
    """Issue 9 scenario 4: two hosts link to one file on shared storage."""
    (tmp_path / "shared").mkdir()
    shared = tmp_path / "shared" / "keyring.json"
    write_keyring(shared, KeyringContents({"1": ONE}))
    hosts = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        link = tmp_path / name / "keyring.json"
        link.symlink_to(shared)
        hosts.append(link)
    settings.IRON_SESSION = {"KEYRING_FILE": str(hosts[0]), "KEYRING_CHECK_INTERVAL": 0}

    rotate()

    assert hosts[0].is_symlink()
    assert read_passwords(hosts[1]).keys() == {"1", "2"}


# Staged rotation (issue 9, scenario 6)


def test_stage_adds_a_password_that_opens_but_does_not_seal(
    keyring_path: Path, client: Client
) -> None:
    output = rotate("--stage")

    contents = read_keyring(keyring_path)
    assert contents.passwords == {"1": ONE}
    [(staged_id, staged)] = contents.staged.items()
    assert (staged_id, len(staged)) == ("2", 43)
    assert "password 1: kept, seals new sessions" in output.stdout
    assert "password 2: added, staged: opens sessions, seals none until --activate" in (
        output.stdout
    )
    assert not output.shows(staged)
    # A machine that activated already sealed this cookie with it: it opens here...
    client.cookies["sessionid"] = iron_session.seal_data({"colour": "red"}, {2: staged})
    assert client.get("/session/").json() == {"colour": "red"}
    # ...but nothing here seals with it yet.
    client.get("/session/write/", {"size": "L"})
    assert client.cookies["sessionid"].value.startswith("Fe26.2*1*")


def test_activate_makes_the_staged_password_seal(keyring_path: Path, client: Client) -> None:
    rotate("--stage")
    started = datetime.now(timezone.utc)

    output = rotate("--activate")

    contents = read_keyring(keyring_path)
    assert list(contents.passwords) == ["1", "2"]
    assert contents.staged == {}
    assert started <= contents.retired["1"] <= datetime.now(timezone.utc)
    assert "password 2: activated, seals new sessions" in output.stdout
    client.get("/session/write/", {"size": "L"})
    assert client.cookies["sessionid"].value.startswith("Fe26.2*2*")


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        (["--stage"], ["--stage"], "Password 2 is staged: make it the sealing one with --activate"),
        (["--stage"], [], "Password 2 is staged"),
        ([], ["--activate"], "No password is staged"),
    ],
)
def test_one_staged_password_at_a_time(
    keyring_path: Path, first: list[str], then: list[str], message: str
) -> None:
    if first:
        rotate(*first)
    before = keyring_path.read_bytes()
    with pytest.raises(CommandError, match=message):
        rotate(*then)
    assert keyring_path.read_bytes() == before


def test_a_staged_password_is_not_pruned_and_a_prune_keeps_it(keyring_path: Path) -> None:
    rotate("--stage")
    rotate("--prune", "--older-than", "0")
    assert read_keyring(keyring_path).staged.keys() == {"2"}


@pytest.mark.parametrize("action", ["--stage", "--activate"])
def test_staging_needs_a_keyring_file(settings: Settings, action: str) -> None:
    settings.IRON_SESSION = {"PASSWORD": ONE}
    with pytest.raises(CommandError, match="--stage and --activate need"):
        rotate(action)


def test_length_goes_with_a_new_password_only(keyring_path: Path) -> None:
    rotate("--stage", "--length", "50")
    assert len(read_keyring(keyring_path).staged["2"]) == 50
    with pytest.raises(CommandError, match="--length goes with a new password"):
        rotate("--activate", "--length", "50")
