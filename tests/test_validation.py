from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from django_iron_session.validation import (
    Problem,
    keyring_file_problems,
    password_problems,
    settings_problems,
)
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import write_passwords

if TYPE_CHECKING:
    from pathlib import Path


def ids(problems: list[Problem]) -> list[str]:
    return [problem.id for problem in problems]


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


def test_keyring_file_problems(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    assert ids(keyring_file_problems(keyring)) == ["E008"]
    keyring.write_text("{", encoding="utf-8")
    assert ids(keyring_file_problems(keyring)) == ["E008"]
    write_passwords(keyring, {"1": "short"})
    assert ids(keyring_file_problems(keyring)) == ["E005"]
    write_passwords(keyring, {"1": PASSWORD})
    assert keyring_file_problems(keyring) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps({"1": PASSWORD, "2": NEWER_PASSWORD}), ["E010"]),
        (' \n{"2": "' + NEWER_PASSWORD + '"}', ["E010"]),
        ("{" + PASSWORD, []),
        (json.dumps([PASSWORD]), []),
    ],
    ids=["the rotation command's output", "one id, with whitespace", "a brace", "a JSON list"],
)
def test_a_string_holding_a_json_object_is_not_a_password(text: str, expected: list[str]) -> None:
    problems = password_problems(text, "IRON_SESSION['PASSWORD']")

    assert ids(problems) == expected
    assert all(PASSWORD not in problem.message + problem.hint for problem in problems)
