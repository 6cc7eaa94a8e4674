"""A chunked session in a real chromium: grows past one cookie, survives request after
request, shrinks back to one cookie and goes away on log-out, with no stale chunk left."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import pytest

from testing.paths import REPO_DIR
from testing.servers import App, ServerProcess, new_password, start_site
from tests.helpers import FOUR_CHUNKS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.e2e.browser import Browser

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHUNK_SITE = App(directory=REPO_DIR, wsgi="django.core.wsgi:get_wsgi_application()")


@pytest.fixture
def chunk_site(tmp_path: Path) -> Iterator[ServerProcess]:
    """tests/e2e/chunk_site.py under gunicorn, on a free port."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.chunk_site",
        "DJANGO_SECRET_KEY": new_password(),
        "IRON_SESSION_PASSWORD": new_password(),
    }
    # Four chunks make a Cookie header of about 16 KB; gunicorn refuses any header line
    # over 8190 bytes unless told otherwise (docs/large-sessions.rst: every server has a limit).
    with start_site(env, tmp_path / "gunicorn.log", app=CHUNK_SITE, header_bytes=32768) as server:
        yield server


def visit(browser: Browser, site: ServerProcess, page: str) -> dict[str, Any]:
    browser.open(f"{site.base_url}/{page}")
    shown: dict[str, Any] = json.loads(browser.page_text())
    return shown


def cookies(browser: Browser) -> dict[str, str]:
    return {cookie["name"]: cookie["value"] for cookie in browser.driver.get_cookies()}


def test_a_chunked_session_survives_real_requests(
    browser: Browser, chunk_site: ServerProcess
) -> None:
    grown = visit(browser, chunk_site, "grow/?kb=10")

    assert grown["blob_length"] == 10240
    assert set(cookies(browser)) == FOUR_CHUNKS
    # Chromium kept every chunk whole: together they are the seal, ``~2`` at its end.
    seal = "".join(cookies(browser)[f"sessionid.{index}"] for index in range(4))
    assert seal.startswith("Fe26.2*1*")
    assert seal.endswith("~2")

    for visits in (2, 3, 4):
        shown = visit(browser, chunk_site, "show/")
        assert shown == {**grown, "visits": visits}
        assert set(cookies(browser)) == FOUR_CHUNKS

    shrunk = visit(browser, chunk_site, "shrink/")
    assert shrunk["visits"] == 5
    assert set(cookies(browser)) == {"sessionid"}

    visit(browser, chunk_site, "grow/?kb=10")
    assert set(cookies(browser)) == FOUR_CHUNKS
    visit(browser, chunk_site, "logout/")
    assert cookies(browser) == {}
    assert visit(browser, chunk_site, "show/")["visits"] == 1
    assert "Traceback" not in chunk_site.log.read_text()
