"""No error this package raises carries a valid seal or a password in its frames' variables.

Django's error report (the DEBUG page, the HTML e-mail to ADMINS) and Sentry show the
variables of every frame of a traceback. ``sensitive_variables`` hides them only outside
DEBUG, only for Django's report, and only below a decorated function; so the package never
holds a seal or a password in a variable of a frame that is live when it raises. Each test
renders the report Django would (``ExceptionReporter``, for the request when there is one)
and looks in it for the passwords and for any seal that opens.
"""

from __future__ import annotations

import re
import secrets
import sys
from typing import TYPE_CHECKING, Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signals import got_request_exception
from django.views.debug import ExceptionReporter

from django_iron_session import iron, iron_session
from django_iron_session.backend import SessionReadOnlyError, SessionStore, SessionTooLargeError
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import TEN_KB, write_passwords

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path
    from types import TracebackType

    from django.http import HttpRequest
    from django.test import Client
    from pytest_django import Settings

    ExcInfo = tuple[type[BaseException], BaseException, TracebackType]

#: what a seal looks like in a report (its fields, the ~ marker)
SEAL = re.compile(r"Fe26\.2\*[\w*~.-]+")
PASSWORDS = iron_session.as_keyring({1: PASSWORD, 2: NEWER_PASSWORD})


def report(request: HttpRequest | None, exc_info: ExcInfo) -> str:
    """All that Django's report shows: the HTML page, the e-mail's HTML, and each frame's
    variables as the report's data holds them."""
    page = ExceptionReporter(request, *exc_info)
    email = ExceptionReporter(request, *exc_info, is_email=True)
    frames = page.get_traceback_data()["frames"]
    assert frames, "no frames: nothing was checked"
    variables = repr([frame["vars"] for frame in frames])
    return "\n".join((page.get_traceback_html(), email.get_traceback_html(), variables))


def below_the_test(raised: pytest.ExceptionInfo[Exception]) -> ExcInfo:
    """The error, with the frames of the call the test made (not the test's own)."""
    assert raised.tb.tb_next is not None
    return raised.type, raised.value, raised.tb.tb_next


def assert_holds_no_secret(text: str, *passwords: str) -> None:
    for password in (PASSWORD, NEWER_PASSWORD, *passwords):
        assert password not in text
    for candidate in SEAL.findall(text):
        with pytest.raises(iron.IronError):
            iron_session.open_data(candidate, PASSWORDS)


@pytest.fixture
def request_errors() -> Iterator[list[tuple[HttpRequest, ExcInfo]]]:
    """The request and the error of each 500, as Django's handler reports them."""
    caught: list[tuple[HttpRequest, Any]] = []

    def receive(sender: object, request: HttpRequest, **kwargs: object) -> None:
        caught.append((request, sys.exc_info()))

    got_request_exception.connect(receive)
    yield caught
    got_request_exception.disconnect(receive)


def fail_in_request(
    client: Client,
    errors: list[tuple[HttpRequest, ExcInfo]],
    expected: type[Exception],
    params: dict[str, str],
) -> str:
    """The reports of the errors a request raises (the view's, and the middleware's if it
    fails again on the way out)."""
    with pytest.raises(expected):
        client.get("/session/write/", params)
    assert errors
    assert all(isinstance(exc_info[1], expected) for _, exc_info in errors)
    return "\n".join(report(request, exc_info) for request, exc_info in errors)


def valid_cookie(client: Client) -> None:
    """The client holds a valid session cookie, which the report must not show either."""
    client.get("/session/write/", {"user": "42"})


# --- SessionTooLargeError ------------------------------------------------------------------


@pytest.mark.parametrize("with_cookie", [False, True], ids=["new session", "with a cookie"])
def test_a_session_too_large_for_its_cookie(
    client: Client, request_errors: list[Any], with_cookie: bool
) -> None:
    """The seal that did not fit is about 4,000 characters: under the 4,096 at which
    Django's report cuts a variable, it would open the session."""
    if with_cookie:
        valid_cookie(client)
    text = fail_in_request(
        client, request_errors, SessionTooLargeError, {"note": secrets.token_hex(1420)}
    )

    assert "COOKIE_SIZE_LIMIT" in text
    assert_holds_no_secret(text)


def test_a_session_too_large_for_four_chunks(
    client: Client, settings: Settings, request_errors: list[Any]
) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "CHUNKED": True}
    settings.MIDDLEWARE = ["django_iron_session.middleware.SessionMiddleware"]

    text = fail_in_request(
        client, request_errors, SessionTooLargeError, {"note": TEN_KB + TEN_KB[:2000]}
    )

    assert_holds_no_secret(text)


def test_a_compressed_session_past_its_limit(
    client: Client, settings: Settings, request_errors: list[Any]
) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "COMPRESS": True}
    valid_cookie(client)

    text = fail_in_request(
        client, request_errors, SessionTooLargeError, {"cart": "SKU-0001 " * 15_000}
    )

    assert "DECOMPRESSED_SIZE_LIMIT" in text
    assert_holds_no_secret(text)


# --- ImproperlyConfigured ------------------------------------------------------------------


THIRD = secrets.token_urlsafe(32)


@pytest.mark.parametrize(
    "iron_settings",
    [
        {"PASSWORD": PASSWORD, "COOKIE_SIZE_LIMIT": "4k"},
        {"PASSWORD": '{"1": "' + PASSWORD + '", "2": "' + NEWER_PASSWORD + '"}'},
        {"PASSWORD": {1: PASSWORD, 2: NEWER_PASSWORD, "three": THIRD}},
    ],
    ids=["a bad value", "a keyring as JSON text", "a bad id"],
)
def test_settings_refused_in_a_request(
    client: Client,
    settings: Settings,
    request_errors: list[Any],
    iron_settings: dict[str, object],
) -> None:
    valid_cookie(client)
    settings.IRON_SESSION = iron_settings

    text = fail_in_request(client, request_errors, ImproperlyConfigured, {"user": "43"})

    assert_holds_no_secret(text, THIRD)


def test_a_keyring_file_unusable_since_start_in_a_request(
    client: Client, settings: Settings, tmp_path: Path, request_errors: list[Any]
) -> None:
    valid_cookie(client)
    settings.IRON_SESSION = {"KEYRING_FILE": str(tmp_path / "missing.json")}

    text = fail_in_request(client, request_errors, ImproperlyConfigured, {"user": "43"})

    assert "is unusable" in text
    assert_holds_no_secret(text)


# --- SessionReadOnlyError -------------------------------------------------------------------


def read_only_store() -> SessionStore:
    store = SessionStore(iron_session.seal_data({"user": "42"}, PASSWORD))
    store.make_read_only()
    return store


@pytest.mark.parametrize("action", [SessionStore.save, SessionStore.cycle_key, SessionStore.flush])
def test_a_read_only_session_written(action: Callable[[SessionStore], None]) -> None:
    store = read_only_store()
    with pytest.raises(SessionReadOnlyError) as raised:
        action(store)

    assert_holds_no_secret(report(None, below_the_test(raised)))


# --- iron_rotate_password ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "arguments"),
    [
        ({"passwords": {"1": PASSWORD}}, ["--activate"]),
        ({"passwords": {"1": PASSWORD}, "staged": {"2": NEWER_PASSWORD}}, ["--stage"]),
        ({"passwords": {"1": PASSWORD}, "staged": {"2": NEWER_PASSWORD}}, []),
    ],
    ids=["activate with nothing staged", "stage twice", "rotate with one staged"],
)
def test_a_rotation_refused(
    settings: Settings, tmp_path: Path, document: dict[str, Any], arguments: list[str]
) -> None:
    keyring = tmp_path / "keyring.json"
    write_passwords(keyring, document["passwords"])
    if "staged" in document:
        keyring.write_text(
            keyring.read_text(encoding="utf-8")[:-1] + f', "staged": {{"2": "{NEWER_PASSWORD}"}}}}',
            encoding="utf-8",
        )
    settings.IRON_SESSION = {"KEYRING_FILE": str(keyring)}

    with pytest.raises(CommandError) as raised:
        call_command("iron_rotate_password", *arguments)

    assert_holds_no_secret(report(None, below_the_test(raised)))
