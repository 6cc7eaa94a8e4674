"""The documentation site as a reader sees it in chromium, from file:// with no network: at a
laptop's 1280 px no code block is cut, the theme has a dark mode, and the search finds
pages."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from testing.components import require_module
from testing.paths import REPO_DIR

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.e2e.browser import Browser

pytestmark = pytest.mark.browser

LAPTOP = (1280, 900)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML pages, built as ``make docs`` builds them."""
    require_module("sphinx", "the docs dependency group: pip install --group docs")
    require_module("furo", "the docs dependency group: pip install --group docs")
    out = tmp_path_factory.mktemp("docs-html")
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", REPO_DIR / "docs", out],
        check=True,
    )
    return out


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Browser]:
    size = browser.driver.get_window_size()
    browser.driver.set_window_size(*LAPTOP)
    yield browser
    browser.driver.set_window_size(size["width"], size["height"])


def test_no_code_block_is_cut_at_laptop_width(site: Path, laptop: Browser) -> None:
    pages = sorted(site.glob("*.html"))
    assert len(pages) > 15
    cut = {}
    for page in pages:
        laptop.open(page.as_uri())
        assert laptop.driver.execute_script("return window.innerWidth") == LAPTOP[0]
        scrolling = laptop.driver.execute_script(
            "return [...document.querySelectorAll('pre')]"
            "  .filter((block) => block.scrollWidth > block.clientWidth + 1)"
            "  .map((block) => block.textContent.slice(0, 60))"
        )
        if scrolling:
            cut[page.name] = scrolling

    assert cut == {}


def test_the_dark_mode_follows_the_system(site: Path, laptop: Browser) -> None:
    def brightest_channel(scheme: str) -> int:
        laptop.driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )
        laptop.open((site / "settings.html").as_uri())
        color: str = laptop.driver.execute_script(
            "return getComputedStyle(document.body).backgroundColor"
        )
        return max(int(channel) for channel in color.removeprefix("rgb(")[:-1].split(","))

    try:
        assert brightest_channel("light") > 200
        assert brightest_channel("dark") < 50
    finally:
        laptop.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_the_search_works_offline_from_files(site: Path, laptop: Browser) -> None:
    laptop.open((site / "search.html").as_uri() + "?q=keyring")
    deadline = time.monotonic() + 10
    found: list[str] = []
    while not found:
        assert time.monotonic() < deadline, "no search result"
        time.sleep(0.2)
        found = laptop.driver.execute_script(
            "return [...document.querySelectorAll('#search-results li a')]"
            "  .map((link) => link.getAttribute('href'))"
        )

    assert any(link.startswith("rotation.html") for link in found), found
