"""Issue 9, scenario 5: passwords that look long but are weak."""

from __future__ import annotations

import json
import math
import re
import secrets
from typing import TYPE_CHECKING

import pytest
from django.core.checks import Error, Warning
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from django_iron_session.keyring_file import generate_password
from django_iron_session.strength import (
    PUBLIC_PASSWORDS,
    estimated_bits,
    is_public,
    looks_random,
)
from testing.constants import NEWER_PASSWORD, PASSWORD, PW, VECTORS
from testing.paths import REPO_DIR
from testproject.environment import DEVELOPMENT_ONLY_PASSWORD
from tests.helpers import our_ids, our_messages

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_django import Settings


WEAK = {
    "a word, repeated": "changeme" * 4,
    "digits": "1234567890" * 4,
    "a short pattern, repeated": "Xy7!Xy7!Xy7!Xy7!Xy7!Xy7!Xy7!Xy7!",
    "one character": "a" * 64,
    "a long run, repeated": "Tr0ub4dor&3-yes-" * 2,
    "ten letters, repeated": "abcdefghij" * 4,
}
RANDOM = {
    "token_urlsafe(32)": secrets.token_urlsafe(32),
    "token_hex(16)": secrets.token_hex(16),
    "token_hex(32)": secrets.token_hex(32),
}


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_a_password_with_too_little_variety_is_a_warning(settings: Settings, password: str) -> None:
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, 2: password}}

    [message] = our_messages()

    assert isinstance(message, Warning)
    assert message.id == "django_iron_session.W015"
    assert "id 2" in message.msg
    assert password not in f"{message.msg} {message.hint}"


@pytest.mark.parametrize("password", RANDOM.values(), ids=RANDOM.keys())
def test_a_random_password_passes(settings: Settings, password: str) -> None:
    settings.IRON_SESSION = {"PASSWORD": password}

    assert our_ids() == []


def test_a_weak_password_in_the_keyring_file_is_a_warning_staged_or_not(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "keyring.json"
    document = {"passwords": {"1": PASSWORD}, "staged": {"2": "changeme" * 4}}
    path.write_text(json.dumps(document), encoding="utf-8")
    settings.IRON_SESSION = {"KEYRING_FILE": str(path)}

    assert our_ids() == ["W015"]


@pytest.fixture
def e009_on(settings: Settings) -> None:
    """Outside DEBUG, with E009 heard (the test settings silence it: their password is public)."""
    settings.DEBUG = False
    settings.SILENCED_SYSTEM_CHECKS = []


@pytest.mark.usefixtures("e009_on")
def test_the_demos_public_password_is_an_error_outside_debug(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": DEVELOPMENT_ONLY_PASSWORD}

    [message] = our_messages()

    assert isinstance(message, Error)
    assert message.id == "django_iron_session.E009"
    with pytest.raises(SystemCheckError, match="E009"):
        call_command("check")


def test_the_demos_public_password_is_allowed_in_debug(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, 2: DEVELOPMENT_ONLY_PASSWORD}}
    settings.DEBUG = True

    assert our_ids() == []


def test_the_public_passwords_are_the_demos_and_the_docs() -> None:
    assert DEVELOPMENT_ONLY_PASSWORD in PUBLIC_PASSWORDS
    assert "at-least-32-characters-of-random-secret" in PUBLIC_PASSWORDS


PUBLISHED = {
    "the demo's, with a ! added": DEVELOPMENT_ONLY_PASSWORD + "!",
    "the demo's, other case and separators": "Development_Only_Password_do_not_use_in_production",
    "the tests'": PASSWORD,
    "the tests' newer one": NEWER_PASSWORD,
    "Iron's tests'": PW,
    "iron-session's tests'": VECTORS[2]["password"]["1"],
    "the tests', with a suffix": PASSWORD + "-2026",
}


@pytest.mark.usefixtures("e009_on")
@pytest.mark.parametrize("password", PUBLISHED.values(), ids=PUBLISHED.keys())
def test_a_published_password_or_one_holding_it_is_an_error(
    settings: Settings, password: str
) -> None:
    settings.IRON_SESSION = {"PASSWORD": {1: secrets.token_urlsafe(32), 2: password}}

    [message] = our_messages()

    assert message.id == "django_iron_session.E009"
    assert "id 2" in message.msg
    assert password not in f"{message.msg} {message.hint}"


#: 32 or more characters of the kind a password is made of, quoted
_LITERAL = re.compile(r""""([\w!'-]{32,})"|'([\w!-]{32,})'""")
#: such literals of the source distribution that are not passwords
NOT_PASSWORDS = {
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",  # an alphabet
    "9f2c1b7e4d0a8c6f3e5b2d1a0c9e8f7b6a5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",  # _auth_user_hash
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",  # _auth_user_hash
    "ciphertext-not-block-aligned-mac-ok",  # names of cases
    "test_session_load_does_not_create_record",
    "test_session_load_does_not_create_record_async",
    "development-only-secret-key-DO-NOT-USE",  # SECRET_KEYs
    "benchmark-only-secret-key-that-is-long-enough-for-django-checks",
    "Xy7!Xy7!Xy7!Xy7!Xy7!Xy7!Xy7!Xy7!",  # W015's example
    "django-iron-session-create-next-app",  # an npm package's name
}
SHIPPED = ("tests", "testing", "benchmarks", "testproject", "docs", "node")


def test_every_password_the_sdist_ships_is_public() -> None:
    """Each quoted string of 32 or more password characters in the shipped sources."""
    literals = set()
    for top in SHIPPED:
        for path in (REPO_DIR / top).rglob("*"):
            if (
                path.is_file()
                and path.suffix in (".py", ".rst", ".json", ".mjs", ".ts")
                and not ({"node_modules", "_build", ".next"} & set(path.parts))
            ):
                text = path.read_text(encoding="utf-8")
                literals |= {a or b for a, b in _LITERAL.findall(text)}

    assert PASSWORD in literals
    assert [literal for literal in sorted(literals - NOT_PASSWORDS) if not is_public(literal)] == []


def test_a_random_password_is_not_public() -> None:
    assert not any(is_public(secrets.token_urlsafe(32)) for _ in range(1000))


def test_the_estimate_is_the_documented_one() -> None:
    # min(length, 3 x distinct characters) x log2(the classes present)
    assert estimated_bits("changeme" * 4) == pytest.approx(3 * 7 * math.log2(26))
    assert estimated_bits("1234567890" * 4) == pytest.approx(30 * math.log2(10))
    assert estimated_bits("aB3-" * 8) == pytest.approx(12 * math.log2(26 + 26 + 10 + 33))
    assert estimated_bits("é" * 2 + "a" * 30) == pytest.approx(6 * math.log2(26 + 128))
    assert estimated_bits("\x01" * 32) == 0


@pytest.mark.parametrize("length", [32, 33, 43, 64])
def test_what_the_rotation_command_generates_always_passes(length: int) -> None:
    for _ in range(2000):
        assert looks_random(generate_password(length))


def test_a_draw_that_would_warn_is_drawn_again() -> None:
    draws = iter(["changeme" * 6, secrets.token_urlsafe(43)])

    password = generate_password(43, draw=lambda length: next(draws))

    assert looks_random(password)
    assert password != "changeme" * 6
