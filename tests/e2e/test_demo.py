"""The demo as a visitor sees it in chromium: the expiry as a live countdown, nothing that
scrolls sideways, and ``make demo-node``'s two apps sharing one session, both ways. The last
test also takes the docs' screenshots of both pages; with ``DOCS_SCREENSHOTS=update`` it
writes them into docs/_static/.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import time
from typing import TYPE_CHECKING

import pytest

from testing.components import require_node_packages
from testing.constants import USER_PASSWORD, USERNAME
from testing.paths import REPO_DIR
from testing.servers import START_TIMEOUT, ServerProcess, free_port

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.e2e.browser import Browser

pytestmark = [pytest.mark.browser, pytest.mark.server]

DOCS_STATIC = REPO_DIR / "docs" / "_static"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def wait_for_text_change(browser: Browser, element_id: str, text: str) -> str:
    deadline = time.monotonic() + 5
    while (now := browser.text(element_id)) == text:
        assert time.monotonic() < deadline, f"#{element_id} stayed {text!r}"
        time.sleep(0.1)
    return now


def test_the_expiry_counts_down_live_in_human_units(site: ServerProcess, browser: Browser) -> None:
    browser.open(f"{site.base_url}/")
    assert browser.text("countdown") == "no session"
    # No cookie yet, so the page takes apart the one a first "Add one" would give.
    assert browser.has("example-note")
    assert browser.has("seal-parts")

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


@pytest.fixture
def demo_node(site_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``scripts/demo-node.sh`` as ``make demo-node`` runs it, on free ports: the base URLs
    of the Django site and of the Node app."""
    require_node_packages()
    django_port, node_port = free_port(), free_port()
    env = {**site_env, "DEMO_PORT": str(django_port), "DEMO_NODE_PORT": str(node_port)}
    script = str(REPO_DIR / "scripts" / "demo-node.sh")
    with ServerProcess(["bash", script], env, django_port, tmp_path / "demo.log") as demo:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", node_port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, demo.log_tail()
                time.sleep(0.05)
        yield demo.base_url, f"http://127.0.0.1:{node_port}"


def screenshot(browser: Browser, name: str) -> None:
    """The whole page, 1000 pixels wide, as a PNG; into docs/_static/ when asked to."""
    driver = browser.driver
    size = driver.get_window_size()
    try:
        driver.set_window_size(1000, 800)
        page = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": page["width"], "height": page["height"], "scale": 1}
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
        )
    finally:
        driver.set_window_size(size["width"], size["height"])
    png = base64.b64decode(shot["data"])
    assert png.startswith(PNG_SIGNATURE)
    if os.environ.get("DOCS_SCREENSHOTS") == "update":
        (DOCS_STATIC / name).write_bytes(png)


def test_make_demo_node_shares_one_session_between_django_and_node(
    demo_node: tuple[str, str], browser: Browser
) -> None:
    django, node = demo_node
    browser.log_in(django, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(django)
    assert user_id is not None
    browser.click("node-link")
    assert browser.driver.current_url == f"{node}/"
    assert browser.text("user-id") == user_id
    browser.fill_and_submit(f"{node}/", {"note": "written by Node"}, button_id="save")
    assert json.loads(browser.text("node-session"))["node_note"] == "written by Node"
    screenshot(browser, "demo-node.png")

    browser.click("django-link")
    assert browser.driver.current_url == f"{django}/"
    assert json.loads(browser.text("session"))["node_note"] == "written by Node"
    assert '"node_note":"written by Node"' in browser.text("signed-cookie-read")
    screenshot(browser, "demo-django.png")
