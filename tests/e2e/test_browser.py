"""The demo site in a real chromium: log-in, cookie flags, tampering, rotation, expiry, log-out."""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from django_iron_session import iron_session
from testing.constants import USER_PASSWORD, USERNAME
from testing.load import SessionClient
from testing.servers import ServerProcess, manage, new_password
from tests.e2e.browser import INSECURE_HOST
from tests.e2e.cookies import password_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.e2e.browser import Browser

pytestmark = [pytest.mark.browser, pytest.mark.server]


def log_in(site: ServerProcess, browser: Browser) -> str:
    """Log ``alice`` in; her user id."""
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(site.base_url)
    assert user_id is not None
    return user_id


def assert_clean_logged_out_page(site: ServerProcess, browser: Browser, cookie: str) -> None:
    assert browser.user_id(site.base_url) is None
    assert "Not logged in." in browser.page_text()
    # What the browser does not show: the status.
    with SessionClient() as client:
        client.cookies["sessionid"] = cookie
        assert client.get(site.base_url, "/").status == 200
    log = site.log.read_text()
    assert "Traceback" not in log
    assert cookie not in log


def test_sign_up_then_log_in_shows_the_session(site: ServerProcess, browser: Browser) -> None:
    browser.sign_up(site.base_url, "bob", USER_PASSWORD)
    user_id = browser.user_id(site.base_url)
    assert user_id is not None
    assert browser.text("username") == "Logged in as bob"
    assert f'"_auth_user_id": "{user_id}"' in browser.text("session")

    browser.click("logout")
    assert browser.user_id(site.base_url) is None
    browser.log_in(site.base_url, "bob", USER_PASSWORD)

    assert browser.user_id(site.base_url) == user_id


def visible_strings(session: dict[str, Any]) -> list[str]:
    return [str(value) for value in session.values() if len(str(value)) >= 4]


def decoded_parts(seal: str) -> bytes:
    """Every ``*``-separated part of the seal, base64url-decoded where it decodes."""
    decoded = b""
    for part in seal.split("*"):
        try:
            decoded += base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            decoded += part.encode()
    return decoded


@pytest.mark.parametrize(
    ("site_settings", "same_site", "secure"),
    [
        ({}, "Lax", False),
        ({"SESSION_COOKIE_SAMESITE": "Strict", "SESSION_COOKIE_SECURE": "true"}, "Strict", True),
        ({"SESSION_COOKIE_SAMESITE": "None", "SESSION_COOKIE_SECURE": "true"}, "None", True),
    ],
    indirect=["site_settings"],
)
def test_the_cookie_is_http_only_with_configured_flags_and_sealed(
    site: ServerProcess, browser: Browser, same_site: str, secure: bool
) -> None:
    # Secure cookies over plain http: Chromium counts http://127.0.0.1 as a secure context.
    log_in(site, browser)
    cookie = browser.session_cookie()

    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert "sessionid" not in browser.document_cookie()
    assert cookie["sameSite"] == same_site
    assert cookie["secure"] is secure
    assert password_id(cookie["value"]) == "1"
    session = json.loads(browser.text("session"))
    for value in visible_strings(session):
        assert value not in cookie["value"]
        assert value.encode() not in decoded_parts(cookie["value"])


@pytest.mark.parametrize("site_settings", [{"SESSION_COOKIE_SECURE": "true"}], indirect=True)
def test_the_browser_enforces_secure_outside_a_secure_context(
    site: ServerProcess, browser: Browser
) -> None:
    # The same site by another name than 127.0.0.1, over http: the cookie must not be kept.
    insecure_url = site.base_url.replace("127.0.0.1", INSECURE_HOST)
    browser.log_in(insecure_url, USERNAME, USER_PASSWORD)

    assert browser.session_cookie() is None
    assert browser.user_id(insecure_url) is None


def flip_one_character(seal: str) -> str:
    middle = len(seal) // 2
    replacement = "A" if seal[middle] != "A" else "B"
    return seal[:middle] + replacement + seal[middle + 1 :]


def truncate(seal: str) -> str:
    return seal[: len(seal) // 2]


def another_apps_seal(seal: str) -> str:
    return iron_session.seal_data({"_auth_user_id": "1"}, new_password())


@pytest.mark.parametrize("tamper", [flip_one_character, truncate, another_apps_seal])
def test_an_edited_cookie_gives_a_logged_out_page_not_an_error(
    site: ServerProcess, browser: Browser, tamper: Callable[[str], str]
) -> None:
    log_in(site, browser)
    edited = tamper(browser.session_cookie_value())

    browser.set_session_cookie(edited)

    assert_clean_logged_out_page(site, browser, edited)
    assert "Session cookie rejected: invalid" in site.log.read_text()


def test_rotation_while_the_site_runs_keeps_the_user_logged_in(
    site: ServerProcess, browser: Browser, site_env: dict[str, str]
) -> None:
    user_id = log_in(site, browser)
    assert password_id(browser.session_cookie_value()) == "1"

    result = manage(site_env, "iron_rotate_password")
    assert result.returncode == 0, result.stderr

    # Each worker looks at the keyring file at most once a second (KEYRING_CHECK_INTERVAL).
    deadline = time.monotonic() + 5
    while password_id(browser.session_cookie_value()) != "2" and time.monotonic() < deadline:
        assert browser.user_id(site.base_url) == user_id
        time.sleep(0.2)
    assert password_id(browser.session_cookie_value()) == "2"
    assert browser.user_id(site.base_url) == user_id


def wait_past(seconds: float, since: float) -> None:
    time.sleep(max(0.0, since + seconds - time.monotonic()))


@pytest.mark.parametrize("site_settings", [{"SESSION_COOKIE_AGE": "4"}], indirect=True)
def test_a_session_is_gone_after_session_cookie_age_even_replayed(
    site: ServerProcess, browser: Browser
) -> None:
    log_in(site, browser)
    sealed_at = time.monotonic()
    old = browser.session_cookie_value()

    wait_past(4.2, sealed_at)

    assert browser.user_id(site.base_url) is None
    browser.set_session_cookie(old)
    assert_clean_logged_out_page(site, browser, old)


def test_a_session_is_gone_after_set_expiry_even_replayed(
    site: ServerProcess, browser: Browser
) -> None:
    log_in(site, browser)
    browser.set_expiry(site.base_url, 2)
    sealed_at = time.monotonic()
    # /session.json: the session page's countdown changes under the test's eyes.
    browser.open(f"{site.base_url}/session.json")
    assert json.loads(browser.page_text())["expiry_age"] == 2
    old = browser.session_cookie_value()

    wait_past(2.2, sealed_at)

    assert browser.user_id(site.base_url) is None
    browser.set_session_cookie(old)
    assert_clean_logged_out_page(site, browser, old)


def test_log_out_deletes_the_cookie_but_a_copy_still_works_until_it_expires(
    site: ServerProcess, browser: Browser
) -> None:
    user_id = log_in(site, browser)
    copied = browser.session_cookie_value()

    browser.click("logout")

    assert browser.session_cookie() is None
    assert browser.user_id(site.base_url) is None
    browser.set_session_cookie(copied)
    assert browser.user_id(site.base_url) == user_id
