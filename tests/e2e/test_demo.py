"""The demo as a visitor sees it in chromium: the expiry as a live countdown, and nothing
that scrolls sideways."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest

from testing.constants import USER_PASSWORD, USERNAME

if TYPE_CHECKING:
    from testing.servers import ServerProcess
    from tests.e2e.browser import Browser

pytestmark = [pytest.mark.browser, pytest.mark.server]


def wait_for_text_change(browser: Browser, element_id: str, text: str) -> str:
    deadline = time.monotonic() + 5
    while (now := browser.text(element_id)) == text:
        assert time.monotonic() < deadline, f"#{element_id} stayed {text!r}"
        time.sleep(0.1)
    return now


def test_the_expiry_counts_down_live_in_human_units(site: ServerProcess, browser: Browser) -> None:
    browser.open(f"{site.base_url}/")
    assert browser.text("countdown") == "no session"

    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    browser.open(f"{site.base_url}/")
    two_weeks = browser.text("countdown")
    assert re.fullmatch(r"13 days 23 hours 59 minutes \d+ seconds?", two_weeks)
    wait_for_text_change(browser, "countdown", two_weeks)

    browser.set_expiry(site.base_url, 30)
    thirty = re.fullmatch(r"(\d+) seconds?", browser.text("countdown"))
    assert thirty is not None
    assert 20 <= int(thirty[1]) <= 30


def test_long_values_wrap_instead_of_scrolling(site: ServerProcess, browser: Browser) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    browser.open(f"{site.base_url}/")
    assert browser.has("seal-parts")

    too_wide = browser.driver.execute_script(
        "return [document.documentElement, ...document.querySelectorAll('pre, td')]"
        "  .filter((element) => element.scrollWidth > element.clientWidth + 1)"
        "  .map((element) => element.id || element.tagName)"
    )

    assert too_wide == []
