from __future__ import annotations

import json
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_iron_session import iron
from django_iron_session.conf import (
    KeyringFilePasswords,
    get_config,
    keyring_file_problems,
    password_problems,
    settings_problems,
)
from testing.constants import NEWER_PASSWORD, PASSWORD

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_django import Settings


def ids(problems: list[Any]) -> list[str]:
    return [problem.id for problem in problems]


def write_keyring(path: Path, passwords: dict[str, str]) -> None:
    path.write_text(json.dumps({"passwords": passwords}), encoding="utf-8")


# --- PASSWORD: exactly the shapes iron-session accepts ------------------------------------


@pytest.mark.parametrize(
    "passwords",
    [PASSWORD, {1: PASSWORD}, {"1": PASSWORD, 2: NEWER_PASSWORD}, {0: PASSWORD}, "😀" * 16],
    ids=["string", "int id", "mixed ids", "id 0", "32 UTF-16 units"],
)
def test_iron_session_password_shapes_are_accepted(passwords: object) -> None:
    assert password_problems(passwords, "PASSWORD") == []


@pytest.mark.parametrize(
    ("passwords", "expected"),
    [
        ({}, ["E003"]),
        ([PASSWORD], ["E003"]),
        (b"x" * 32, ["E003"]),
        ({1: b"x" * 32}, ["E003"]),
        ({"a": PASSWORD}, ["E004"]),
        ({"01": PASSWORD}, ["E004"]),
        ({-1: PASSWORD}, ["E004"]),
        ({True: PASSWORD}, ["E004"]),
        ({1: PASSWORD, "1": NEWER_PASSWORD}, ["E004"]),
        ("x" * 31, ["E005"]),
        ("😀" * 15 + "x", ["E005"]),
        ({1: PASSWORD, 2: ""}, ["E005"]),
        ({"a": "short"}, ["E004", "E005"]),
    ],
    ids=[
        "empty mapping",
        "list",
        "bytes",
        "bytes value",
        "word id",
        "zero-padded id",
        "negative id",
        "bool id",
        "same id twice",
        "31 characters",
        "31 UTF-16 units",
        "empty",
        "two problems",
    ],
)
def test_what_iron_session_refuses_is_reported(passwords: object, expected: list[str]) -> None:
    problems = password_problems(passwords, "IRON_SESSION['PASSWORD']")

    assert ids(problems) == expected
    for problem in problems:
        assert problem.message.startswith("IRON_SESSION['PASSWORD']")
        assert PASSWORD not in problem.message + problem.hint
        assert problem.hint


# --- the other keys -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (None, ["E001"]),
        ([], ["E001"]),
        ({}, ["E002"]),
        ({"PASSWORD": PASSWORD, "KEYRING_FILE": "/etc/keyring.json"}, ["E002"]),
        ({"PASSWORD": PASSWORD, "PASSWORDS": {1: PASSWORD}}, ["E006"]),
        ({"PASSWORD": PASSWORD, "COOKIE_SIZE_LIMIT": 0}, ["E006"]),
        ({"PASSWORD": PASSWORD, "COOKIE_SIZE_LIMIT": "4096"}, ["E006"]),
        ({"PASSWORD": PASSWORD, "TIMESTAMP_SKEW": -1}, ["E006"]),
        ({"PASSWORD": PASSWORD, "TIMESTAMP_SKEW": True}, ["E006"]),
        ({"KEYRING_FILE": 3}, ["E006"]),
        ({"KEYRING_FILE": "k.json", "KEYRING_CHECK_INTERVAL": "1"}, ["E006"]),
        ({"PASSWORD": "short"}, ["E005"]),
    ],
    ids=[
        "missing",
        "not a dict",
        "no password",
        "both",
        "unknown key",
        "zero limit",
        "str limit",
        "negative skew",
        "bool skew",
        "keyring file not a path",
        "str interval",
        "short password",
    ],
)
def test_settings_problems(user: object, expected: list[str]) -> None:
    assert ids(settings_problems(user)) == expected


@pytest.mark.parametrize(
    "user",
    [
        {"PASSWORD": PASSWORD},
        {
            "KEYRING_FILE": "keyring.json",
            "KEYRING_CHECK_INTERVAL": 0,
            "COOKIE_SIZE_LIMIT": 8192,
            "TIMESTAMP_SKEW": 0.5,
        },
    ],
    ids=["password", "every key"],
)
def test_good_settings_have_no_problems(user: dict[str, object]) -> None:
    assert settings_problems(user) == []


# --- get_config -------------------------------------------------------------------------------


def test_the_config_is_built_once_and_rebuilt_when_settings_change(settings: Settings) -> None:
    config = get_config()
    assert get_config() is config

    settings.SESSION_COOKIE_NAME = "other"
    assert get_config() is not config
    assert get_config().cookie_name == "other"
    config = get_config()
    settings.SESSION_SAVE_EVERY_REQUEST = True  # does not shape the cookie
    assert get_config() is config
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, 2: NEWER_PASSWORD}, "TIMESTAMP_SKEW": 5}
    config = get_config()
    assert config.passwords.keyring().sealing_id == "2"
    assert config.options.timestamp_skew == 5


def test_defaults(settings: Settings) -> None:
    config = get_config()

    assert config.cookie_size_limit == 4096
    assert config.options == iron.Options(timestamp_skew=0)
    assert list(config.passwords.keyring()) == ["1"]


def test_bad_settings_raise_improperly_configured_naming_every_problem(
    settings: Settings,
) -> None:
    settings.IRON_SESSION = {"PASSWORD": {"a": "short"}, "COOKIE_SIZE": 1}

    with pytest.raises(ImproperlyConfigured) as raised:
        get_config()

    message = str(raised.value)
    assert "unknown key 'COOKIE_SIZE'" in message
    assert "id 'a', which is not a non-negative integer" in message
    assert "id 'a' is shorter than 32 characters" in message
    assert "short" not in message.replace("shorter", "")


def test_missing_iron_session_raises(settings: Settings) -> None:
    del settings.IRON_SESSION

    with pytest.raises(ImproperlyConfigured, match="IRON_SESSION is missing"):
        get_config()


# --- the keyring file --------------------------------------------------------------------------


def test_keyring_file_problems(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    assert ids(keyring_file_problems(keyring)) == ["E008"]
    keyring.write_text("{", encoding="utf-8")
    assert ids(keyring_file_problems(keyring)) == ["E008"]
    write_keyring(keyring, {"1": "short"})
    assert ids(keyring_file_problems(keyring)) == ["E005"]
    write_keyring(keyring, {"1": PASSWORD})
    assert keyring_file_problems(keyring) == []


def test_keyring_file_config_reads_the_file(settings: Settings, tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_keyring(keyring, {"1": PASSWORD, "2": NEWER_PASSWORD})
    settings.IRON_SESSION = {"KEYRING_FILE": str(keyring)}

    assert get_config().passwords.keyring().sealing_id == "2"


def test_a_changed_keyring_file_is_read_after_the_check_interval(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_keyring(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=0)
    assert list(passwords.keyring()) == ["1"]

    write_keyring(keyring, {"1": PASSWORD, "2": NEWER_PASSWORD})
    os.utime(keyring, ns=(1, 1))  # a new stamp even on coarse file system clocks

    assert list(passwords.keyring()) == ["1", "2"]


def test_within_the_interval_the_file_is_read_only_on_refresh(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_keyring(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=3600)
    passwords.keyring()
    write_keyring(keyring, {"1": PASSWORD, "2": NEWER_PASSWORD})
    os.utime(keyring, ns=(1, 1))

    assert list(passwords.keyring()) == ["1"]
    assert list(passwords.keyring(refresh=True)) == ["1", "2"]


def test_an_unchanged_file_is_not_parsed_again(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_keyring(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=0)

    assert passwords.keyring() is passwords.keyring()


@pytest.mark.parametrize("breakage", ["deleted", "not JSON", "short password"])
def test_a_broken_keyring_file_keeps_the_passwords_loaded_before(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, breakage: str
) -> None:
    keyring = tmp_path / "keyring.json"
    write_keyring(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=0)
    loaded = passwords.keyring()

    if breakage == "deleted":
        keyring.unlink()
    elif breakage == "not JSON":
        keyring.write_text("{", encoding="utf-8")
    else:
        write_keyring(keyring, {"1": PASSWORD, "2": "short"})

    assert passwords.keyring() is loaded
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert PASSWORD not in record.getMessage()


def test_a_keyring_file_never_read_is_a_configuration_error(tmp_path: Path) -> None:
    passwords = KeyringFilePasswords(tmp_path / "missing.json", check_interval=0)

    with pytest.raises(ImproperlyConfigured, match=r"missing\.json is unusable"):
        passwords.keyring()


def test_until_a_keyring_is_loaded_every_call_tries_again(tmp_path: Path) -> None:
    # A thread that arrives while the first load is under way, or after it failed, must not
    # wait out the check interval with no passwords at all.
    keyring = tmp_path / "keyring.json"
    passwords = KeyringFilePasswords(keyring, check_interval=3600)
    with pytest.raises(ImproperlyConfigured):
        passwords.keyring()

    write_keyring(keyring, {"1": PASSWORD})

    assert list(passwords.keyring()) == ["1"]


def test_threads_arriving_together_all_find_the_keyring(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_keyring(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=3600)
    start = threading.Barrier(8)

    def first_request() -> list[str]:
        start.wait()
        return list(passwords.keyring())

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda _: first_request(), range(8)))

    assert found == [["1"]] * 8
