from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING

import pytest
from django.core.checks import Error, Warning
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from django_iron_session.backend import SessionStore as IronSessionStore
from django_iron_session.conf import get_config
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import our_ids, our_messages, write_passwords

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_django import Settings


def test_the_test_settings_pass() -> None:
    assert our_ids() == []
    call_command("check")


def test_every_message_has_a_hint(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": {"a": "short", 1: 5}, "OOPS": 1}
    settings.SESSION_SERIALIZER = "tests.NoSuchSerializer"
    settings.SESSION_COOKIE_HTTPONLY = False
    settings.SESSION_COOKIE_SAMESITE = "None"

    messages = our_messages(deploy=True)

    assert len(messages) == 8
    assert all(message.hint for message in messages)
    assert all(PASSWORD not in f"{message.msg} {message.hint}" for message in messages)


def test_missing_iron_session_is_an_error(settings: Settings) -> None:
    del settings.IRON_SESSION

    [message] = our_messages()

    assert isinstance(message, Error)
    assert message.id == "django_iron_session.E001"


@pytest.mark.parametrize(
    ("iron_session", "expected"),
    [
        ({}, ["E002"]),
        ({"PASSWORD": "short"}, ["E005"]),
        ({"PASSWORD": {"new": PASSWORD}}, ["E004"]),
        ({"PASSWORD": {1: 12345}}, ["E003"]),
        ({"PASSWORD": PASSWORD, "COOKIE_SIZE_LIMIT": -1}, ["E006"]),
    ],
    ids=["no password", "short", "word id", "not a string", "bad value"],
)
def test_password_and_value_errors(
    settings: Settings, iron_session: dict[str, object], expected: list[str]
) -> None:
    settings.IRON_SESSION = iron_session

    assert our_ids() == expected


def test_an_unusable_keyring_file_is_an_error(settings: Settings, tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    settings.IRON_SESSION = {"KEYRING_FILE": str(keyring)}
    assert our_ids() == ["E008"]

    write_passwords(keyring, {"1": "short"})
    assert our_ids() == ["E005"]

    write_passwords(keyring, {"1": PASSWORD})
    assert our_ids() == []


@pytest.mark.parametrize(
    "serializer",
    ["django.contrib.sessions.serializers.PickleSerializer", "tests.NoSuchSerializer"],
    ids=["not JSON", "not importable"],
)
def test_a_serializer_other_than_json_is_an_error(settings: Settings, serializer: str) -> None:
    settings.SESSION_SERIALIZER = serializer

    assert our_ids() == ["E007"]


def test_the_core_json_serializer_is_fine(settings: Settings) -> None:
    settings.SESSION_SERIALIZER = "django.core.signing.JSONSerializer"

    assert our_ids() == []


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.signed_cookies", "no.such.engine"],
    ids=["another engine", "not importable"],
)
def test_iron_session_for_another_engine_is_a_warning(settings: Settings, engine: str) -> None:
    settings.SESSION_ENGINE = engine

    [message] = our_messages(deploy=True)

    assert isinstance(message, Warning)
    assert message.id == "django_iron_session.W001"


def test_another_engine_without_iron_session_is_not_our_business(settings: Settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    del settings.IRON_SESSION

    assert our_ids(deploy=True) == []


def test_a_subclass_of_our_store_counts_as_ours(settings: Settings) -> None:
    settings.SESSION_ENGINE = "tests.test_checks"  # its SessionStore, below

    assert our_ids() == []


# --- manage.py check --deploy -------------------------------------------------------------------


def test_the_deploy_checks_are_only_for_deploy(settings: Settings) -> None:
    settings.SESSION_COOKIE_SECURE = False

    assert our_ids() == []
    assert our_ids(deploy=True) == ["W002"]


@pytest.mark.parametrize(
    ("cookie_settings", "expected"),
    [
        ({"SESSION_COOKIE_SECURE": True}, []),
        ({"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "Strict"}, []),
        ({"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": "None"}, []),
        ({"SESSION_COOKIE_SECURE": False}, ["W002"]),
        ({"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": False}, ["W003"]),
        ({"SESSION_COOKIE_SECURE": False, "SESSION_COOKIE_SAMESITE": "none"}, ["W002", "W004"]),
        ({"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": False}, ["W005"]),
        ({"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_SAMESITE": None}, ["W005"]),
    ],
    ids=[
        "secure",
        "strict",
        "none and secure",
        "not secure",
        "not httponly",
        "none without secure",
        "samesite false",
        "samesite unset",
    ],
)
def test_insecure_cookie_settings_are_deploy_warnings(
    settings: Settings, cookie_settings: dict[str, object], expected: list[str]
) -> None:
    for name, value in cookie_settings.items():
        setattr(settings, name, value)

    assert our_ids(deploy=True) == expected


class SessionStore(IronSessionStore):
    """An engine module of a project that extends ours (see the subclass test)."""


# --- what operators get wrong -------------------------------------------------------------


def test_a_keyring_given_as_json_text_is_an_error(settings: Settings) -> None:
    """An environment variable holding iron_rotate_password's output, not decoded: it would
    be one password, id 1, and every cookie sealed under id 2 would be refused."""
    passwords = json.dumps({"1": PASSWORD, "2": NEWER_PASSWORD})
    settings.IRON_SESSION = {"PASSWORD": passwords}

    [message] = our_messages()

    assert isinstance(message, Error)
    assert message.id == "django_iron_session.E010"
    assert "json.loads" in str(message.hint)
    assert PASSWORD not in f"{message.msg} {message.hint}"
    with pytest.raises(ImproperlyConfigured, match="JSON object"):
        get_config()


def use_keyring_file(settings: Settings, keyring: Path, mode: int) -> None:
    write_passwords(keyring, {"1": secrets.token_urlsafe(32)})
    keyring.chmod(mode)
    settings.IRON_SESSION = {"KEYRING_FILE": str(keyring)}


@pytest.mark.parametrize("mode", [0o644, 0o666, 0o604, 0o602])
def test_a_keyring_file_others_can_read_or_write_is_a_deploy_warning(
    settings: Settings, tmp_path: Path, mode: int
) -> None:
    keyring = tmp_path / "keyring.json"
    use_keyring_file(settings, keyring, mode)

    [message] = [m for m in our_messages(deploy=True) if m.id == "django_iron_session.W016"]

    assert f"{mode:04o}" in message.msg
    assert f"chmod o-rwx {keyring}" in str(message.hint)
    assert "W016" not in our_ids()


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o660, 0o400])
def test_a_keyring_file_for_owner_and_group_passes(
    settings: Settings, tmp_path: Path, mode: int
) -> None:
    use_keyring_file(settings, tmp_path / "keyring.json", mode)

    assert "W016" not in our_ids(deploy=True)


def test_a_missing_keyring_file_is_e008_alone(settings: Settings, tmp_path: Path) -> None:
    settings.IRON_SESSION = {"KEYRING_FILE": str(tmp_path / "missing.json")}
    settings.SESSION_COOKIE_SECURE = True

    assert our_ids(deploy=True) == ["E008"]
