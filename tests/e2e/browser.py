"""Debian's chromium driven through chromedriver (Selenium), and the demo site's pages in it.

Selenium rather than Playwright: Debian ships ``chromedriver`` built from the same source as
its ``chromium``, so the pair always matches, while Playwright drives Chromium over a private
protocol pinned to its own browser build and supports other builds only as far as they
happen to agree. WebDriver also exposes what these tests check: a cookie's HttpOnly, Secure
and SameSite flags, and setting a cookie by hand.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from testing.components import require, require_executable

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from selenium.webdriver.remote.webdriver import WebDriver

PAGE_TIMEOUT = 15.0
INSECURE_HOST = "insecure.test"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The machine has no internet: without these, chromium waits on connections it cannot make.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A name for 127.0.0.1 that is not "localhost": http:// there is not a secure context.
    f"--host-resolver-rules=MAP {INSECURE_HOST} 127.0.0.1",
)


@contextmanager
def chromium(profile: Path) -> Iterator[Browser]:
    """A fresh headless chromium with its own profile directory, closed on exit."""
    require_executable(CHROMIUM)
    require_executable(CHROMEDRIVER)
    # Imported here so that a machine without selenium skips (or, under CI, fails) visibly.
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        require(False, "selenium (pip install selenium)")
        raise
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield Browser(driver)
    finally:
        driver.quit()


class Browser:
    """The demo site's pages as a user sees them, and its session cookie as the browser keeps it."""

    def __init__(self, driver: WebDriver, cookie_name: str = "sessionid") -> None:
        self.driver = driver
        self.cookie_name = cookie_name

    # Element lookups use WebDriver's locator strategy names ("id", "name") directly.
    def open(self, url: str) -> None:
        self.driver.get(url)

    def text(self, element_id: str) -> str:
        text: str = self.driver.find_element("id", element_id).text
        return text

    def page_text(self) -> str:
        text: str = self.driver.find_element("tag name", "body").text
        return text

    def has(self, element_id: str) -> bool:
        return bool(self.driver.find_elements("id", element_id))

    def fill_and_submit(self, url: str, fields: dict[str, str], button_id: str = "submit") -> None:
        self.open(url)
        for name, value in fields.items():
            element = self.driver.find_element("name", name)
            element.clear()
            element.send_keys(value)
        self.click(button_id)

    def click(self, element_id: str) -> None:
        """Click a button that submits a form, and wait for the page that answers it."""
        self.driver.execute_script("window.beforeSubmit = true")
        self.driver.find_element("id", element_id).click()
        # The answer is a new document, so a new window object without the mark.
        deadline = time.monotonic() + PAGE_TIMEOUT
        while self.driver.execute_script(
            "return window.beforeSubmit === true || document.readyState !== 'complete'"
        ):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no page after clicking #{element_id}")
            time.sleep(0.02)

    def sign_up(self, base_url: str, username: str, password: str) -> None:
        self.fill_and_submit(
            f"{base_url}/signup/",
            {"username": username, "password1": password, "password2": password},
        )

    def log_in(self, base_url: str, username: str, password: str) -> None:
        self.fill_and_submit(f"{base_url}/login/", {"username": username, "password": password})

    def set_expiry(self, base_url: str, seconds: int) -> None:
        """``request.session.set_expiry(seconds)`` through the session page's expiry form."""
        self.open(f"{base_url}/")
        # The page offers 30 seconds; the same form asks for any number.
        self.driver.execute_script(
            "document.getElementById('expire-30').value = arguments[0]", str(seconds)
        )
        self.click("expire-30")

    def user_id(self, base_url: str) -> str | None:
        """The logged-in user's id as the session page shows it, after loading that page."""
        self.open(f"{base_url}/")
        return self.text("user-id") if self.has("user-id") else None

    def session_data(self, base_url: str) -> dict[str, object]:
        """The session as the site's session page shows it, after loading that page."""
        self.open(f"{base_url}/")
        session: dict[str, object] = json.loads(self.text("session"))
        return session

    def session_cookie(self) -> dict[str, Any] | None:
        cookie: dict[str, Any] | None = self.driver.get_cookie(self.cookie_name)
        return cookie

    def session_cookie_value(self) -> str:
        cookie = self.session_cookie()
        assert cookie is not None, "no session cookie in the browser"
        value: str = cookie["value"]
        return value

    def set_session_cookie(self, value: str) -> None:
        """Replace the session cookie by hand, as a user with the developer tools can."""
        self.driver.delete_cookie(self.cookie_name)
        self.driver.add_cookie(
            {"name": self.cookie_name, "value": value, "path": "/", "httpOnly": True}
        )

    def forget_cookies(self) -> None:
        """Every cookie of every site, as a fresh profile has none."""
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})

    def document_cookie(self) -> str:
        value: str = self.driver.execute_script("return document.cookie")
        return value
