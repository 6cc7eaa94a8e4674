from __future__ import annotations

import json
import time
from datetime import datetime
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from django_iron_session import compression, iron_session
from django_iron_session.keyring_file import KeyringContents, write_keyring
from testing.constants import PASSWORD
from tests.command_process import command_env, run_command

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_django import Settings

OTHER = "another-password-of-at-least-32-characters"
DATA = {"user": "alice", "cart": [1, 2], "note": "café"}


def unseal(*arguments: str, stdin: str | None = None) -> dict[str, Any]:
    stdout = StringIO()
    options: dict[str, Any] = {"stdout": stdout}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    call_command("iron_unseal", *arguments, **options)
    report: dict[str, Any] = json.loads(stdout.getvalue())
    return report


def cookie(data: Any = DATA, passwords: Any = PASSWORD, **options: Any) -> str:
    return iron_session.seal_data(data, passwords, **options)


def test_a_cookie_opens_into_its_session_password_id_and_expiry() -> None:
    before = time.time()
    report = unseal(cookie(ttl=3600))
    assert report["session"] == DATA
    assert report["password_id"] == "1"
    assert report["newest_password"] is True
    expires = datetime.fromisoformat(report["expires"]).timestamp()
    # The seal holds whole milliseconds, rounded.
    assert before + 3600 - 0.001 <= expires <= time.time() + 3600 + 0.001
    assert 3590 <= report["seconds_left"] <= 3600


def test_a_compressed_session_opens_too() -> None:
    sealed = iron_session.seal_data(DATA, PASSWORD, encode=compression.encode)
    assert unseal(sealed)["session"] == DATA


def test_the_output_is_indented_json() -> None:
    stdout = StringIO()
    call_command("iron_unseal", cookie(), stdout=stdout)
    assert stdout.getvalue().startswith('{\n  "password_id": "1",\n')
    assert '"note": "café"' in stdout.getvalue()


def test_a_cookie_that_never_expires_says_so() -> None:
    report = unseal(cookie(ttl=0))
    assert (report["expires"], report["seconds_left"]) == (None, None)


@pytest.mark.parametrize(
    "given",
    [
        "{seal}",
        "{seal}~2",
        "  {seal}~2\n",
        "sessionid={seal}~2",
        "csrftoken=abc; sessionid={seal}~2; theme=dark",
    ],
)
def test_the_value_is_taken_with_or_without_marker_and_name(given: str) -> None:
    seal = cookie().removesuffix("~2")
    assert unseal(given.format(seal=seal))["session"] == DATA


def test_the_cookie_name_is_the_configured_one(settings: Settings) -> None:
    settings.SESSION_COOKIE_NAME = "app_session"
    assert unseal(f"sessionid=x; app_session={cookie()}")["session"] == DATA
    with pytest.raises(CommandError, match="No cookie named 'app_session'"):
        unseal(f"sessionid={cookie()}")


@pytest.mark.parametrize("arguments", [(), ("-",)])
def test_the_cookie_is_read_from_stdin_without_an_argument_or_with_a_dash(
    arguments: tuple[str, ...],
) -> None:
    assert unseal(*arguments, stdin=cookie() + "\n")["session"] == DATA


def test_no_cookie_at_all_is_refused() -> None:
    with pytest.raises(CommandError, match="No cookie given"):
        unseal(stdin="\n")


def test_an_expired_cookie_says_expired() -> None:
    expired = cookie(ttl=60, now=time.time() - 3600)
    with pytest.raises(CommandError, match=r"^The cookie does not open: expired \(Expired seal\)"):
        unseal(expired)


def test_a_cookie_sealed_with_an_unknown_password_says_so() -> None:
    with pytest.raises(
        CommandError,
        match=r"does not open: unknown password \(Cannot find password: 7\)",
    ):
        unseal(cookie(passwords={7: PASSWORD}))


@pytest.mark.parametrize(
    "sealed",
    [
        "not a cookie",
        "Fe26.2*1*a*b*c**d*e",
        cookie(passwords={1: OTHER}),
        cookie().replace("*1*", "*1*0", 1),
    ],
)
def test_an_invalid_cookie_says_invalid(sealed: str) -> None:
    with pytest.raises(CommandError, match=r"^The cookie does not open: invalid \("):
        unseal(sealed)


def test_a_site_misconfigured_is_reported(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": "short"}
    with pytest.raises(CommandError, match="shorter than 32 characters"):
        unseal(cookie())


# With a keyring file


@pytest.fixture
def keyring_path(tmp_path: Path, settings: Settings) -> Path:
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents({"1": PASSWORD, "2": OTHER}, {}))
    settings.IRON_SESSION = {"KEYRING_FILE": str(path)}
    return path


def test_a_keyring_file_opens_cookies_of_every_id(keyring_path: Path) -> None:
    older = unseal(cookie(passwords={1: PASSWORD}))
    assert (older["password_id"], older["newest_password"]) == ("1", False)
    newest = unseal(cookie(passwords={1: PASSWORD, 2: OTHER}))
    assert (newest["password_id"], newest["newest_password"]) == ("2", True)


def test_a_keyring_file_opens_cookies_of_a_staged_password_too(keyring_path: Path) -> None:
    third = "a-third-password-that-is-staged-only-" + "3" * 10
    write_keyring(keyring_path, KeyringContents({"1": PASSWORD, "2": OTHER}, staged={"3": third}))

    opened = unseal(cookie(passwords={3: third}))

    assert (opened["password_id"], opened["newest_password"]) == ("3", False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "is not valid JSON"),
        ('{"passwords": {"1": "short"}}', "too short"),
    ],
)
def test_an_unusable_keyring_file_is_reported(
    keyring_path: Path, content: str, message: str
) -> None:
    keyring_path.write_text(content, encoding="utf-8")
    with pytest.raises(
        CommandError, match=f"IRON_SESSION\\['KEYRING_FILE'\\] is unusable: .*{message}"
    ):
        unseal(cookie())


# In its own process


def test_exit_status_and_output_as_a_script_sees_them(tmp_path: Path) -> None:
    env = command_env(tmp_path, {"PASSWORD": PASSWORD})

    opened = run_command(env, "iron_unseal", stdin=cookie())
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["session"] == DATA
    assert opened.stderr == ""

    expired = run_command(env, "iron_unseal", cookie(ttl=60, now=time.time() - 3600))
    assert expired.returncode == 1
    assert expired.stdout == ""
    assert expired.stderr.splitlines() == [
        "CommandError: The cookie does not open: expired (Expired seal)"
    ]

    usage = run_command(env, "iron_unseal", "a", "b")
    assert usage.returncode == 2

    help_text = run_command(env, "iron_unseal", "--help")
    assert help_text.returncode == 0
    assert "never one given on the command line" in " ".join(help_text.stdout.split())
