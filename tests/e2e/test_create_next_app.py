"""docs/nextjs.rst's code in an app made by today's ``create-next-app`` with its defaults
(TypeScript, the App Router, Cache Components), beside testproject under gunicorn, in chromium.

One app is made and built per test session: installing its packages and ``next build`` take a
few minutes on a busy machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from testing.constants import USER_PASSWORD, USERNAME
from tests.e2e.create_next_app import build, make_app
from tests.e2e.nextjs_app import (
    members_after_a_django_log_in,
    save_with_the_server_action,
    start_app,
    wait_for_text,
    with_servers,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from testing.servers import ServerProcess
    from tests.e2e.browser import Browser

pytestmark = [pytest.mark.interop, pytest.mark.timeout(1800)]
# What Next prints when a page reads the request, or the clock, where Cache Components forbid
# it, and the mark of its errors.
ERRORS = ("unstable value", "Suspense", "Error", "\N{VECTOR OR CROSS PRODUCT}")
# The mark of its warnings: `next start` prints none; `next build` under CI warns that it has
# no build cache.
WARNING = "\N{WARNING SIGN}"


@pytest.fixture(scope="session")
def made_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The app, made by create-next-app with the page's files in it, and ``next build``'s output."""
    app = make_app(tmp_path_factory.mktemp("create-next-app"))
    return app, build(app)


@pytest.fixture
def next_app(
    made_app: tuple[Path, str], site_env: dict[str, str], tmp_path: Path
) -> Iterator[ServerProcess]:
    with start_app(made_app[0], site_env, tmp_path / "next.log") as server:
        yield server


def lines_with(log: str, marks: tuple[str, ...]) -> list[str]:
    return [line for line in log.splitlines() if any(mark in line for mark in marks)]


def test_the_defaults_turn_cache_components_on_and_the_page_s_code_builds(
    made_app: tuple[Path, str],
) -> None:
    app, output = made_app

    assert "Cache Components enabled" in output
    assert "Running TypeScript" in output
    assert '"strict": true' in (app / "tsconfig.json").read_text(encoding="utf-8")
    assert lines_with(output, ERRORS) == []


@with_servers
def test_log_in_and_out_on_either_side_and_writes_reach_django(
    site: ServerProcess, next_app: ServerProcess, browser: Browser
) -> None:
    members_after_a_django_log_in(browser, site.base_url, next_app.base_url)

    browser.fill_and_submit(f"{next_app.base_url}/members", {"note": "route handler"}, "save")
    wait_for_text(browser, "member-note", "route handler")
    assert browser.session_data(site.base_url)["next_note"] == "route handler"

    browser.open(f"{next_app.base_url}/members")
    save_with_the_server_action(browser, "server action", shown_in="member-note")
    assert browser.session_data(site.base_url)["next_note"] == "server action"

    browser.open(f"{next_app.base_url}/members")
    browser.click("log-out")
    assert browser.user_id(site.base_url) is None

    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    browser.open(site.base_url)
    browser.click("logout")
    browser.open(f"{next_app.base_url}/members")
    assert browser.page_text() == "Log in first."

    assert lines_with(next_app.log.read_text(errors="replace"), (*ERRORS, WARNING)) == []
