"""One browser, one cookie, two apps: testproject under gunicorn and a Node app (iron-session).

Cookies belong to a host, not a port, so the Node app on another port of 127.0.0.1 gets the
cookie Django set, as an app on another path of one domain would.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from testing.constants import USER_PASSWORD, USERNAME
from testing.servers import ServerProcess, manage, start_node_app
from tests.e2e.cookies import password_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.e2e.browser import Browser

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.interop]


@pytest.fixture(params=[8, 9], ids=["iron-session8", "iron-session9"])
def node_app(
    request: pytest.FixtureRequest, site_env: dict[str, str], tmp_path: Path
) -> Iterator[ServerProcess]:
    """The Node app with testproject's environment: same keyring file, same cookie settings."""
    with start_node_app(
        site_env, tmp_path / "node.log", iron_session_version=request.param
    ) as server:
        yield server


def write_note_on_node(browser: Browser, node_app: ServerProcess, note: str) -> None:
    browser.fill_and_submit(f"{node_app.base_url}/", {"note": note}, button_id="save")
    assert browser.text("node-note") == note


def test_node_reads_the_django_login_and_django_reads_what_node_wrote(
    site: ServerProcess, node_app: ServerProcess, browser: Browser
) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(site.base_url)
    assert user_id is not None

    browser.open(f"{node_app.base_url}/")
    assert browser.text("user-id") == user_id
    write_note_on_node(browser, node_app, "written by Node")

    assert browser.user_id(site.base_url) == user_id
    assert browser.session_data(site.base_url)["node_note"] == "written by Node"


def test_after_a_rotation_both_apps_seal_under_the_new_id(
    site: ServerProcess,
    node_app: ServerProcess,
    browser: Browser,
    site_env: dict[str, str],
) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(site.base_url)

    result = manage(site_env, "iron_rotate_password")
    assert result.returncode == 0, result.stderr
    # The Node app reads the keyring file on every request.
    write_note_on_node(browser, node_app, "after the rotation")

    assert password_id(browser.session_cookie_value()) == "2"
    assert browser.user_id(site.base_url) == user_id
    assert browser.session_data(site.base_url)["node_note"] == "after the rotation"


def test_a_node_save_keeps_the_lifetime_django_set_with_set_expiry(
    site: ServerProcess, node_app: ServerProcess, browser: Browser
) -> None:
    # Found here: with the plain options, Node re-sealed a 3-second session for two weeks.
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(site.base_url)
    browser.set_expiry(site.base_url, 3)
    write_note_on_node(browser, node_app, "short-lived")
    sealed_at = time.monotonic()
    # Node saved the live session (not a fresh one after it had expired).
    assert browser.text("user-id") == user_id
    written_by_node = browser.session_cookie_value()

    time.sleep(max(0.0, sealed_at + 3.2 - time.monotonic()))

    browser.set_session_cookie(written_by_node)
    assert browser.user_id(site.base_url) is None
