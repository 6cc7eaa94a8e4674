"""node/django-session.ts in a real Next.js app (App Router, strict TypeScript), beside
testproject under gunicorn, in one browser.

The matrix: each Next version is built (``next build``, which type-checks) and served with one
iron-session major, Next 15 with 8 and Next 16 with 9, so both Nexts and both iron-sessions
run; the app is also type-checked against the other major (``tsc``, seconds instead of a
second build of a minute or two). What differs between the majors at the Next boundary is the
types (``CookieStore``, ``sameSite``); their runtime sealing is the same code the interop and
Node tests cover with both.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import pytest

from testing.constants import USER_PASSWORD, USERNAME
from tests.e2e.cookies import expiration
from tests.e2e.nextjs_app import (
    HELPER,
    HELPER_JS,
    INSTALLS,
    NEXTJS_DIR,
    NextInstall,
    build,
    members_after_a_django_log_in,
    run_node,
    save_with_the_server_action,
    start,
    type_check_with_other_iron_session,
    wait_for_text,
    with_servers,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from testing.servers import ServerProcess
    from tests.e2e.browser import Browser

# Two builds of a minute or two each on a busy 2-core machine, in the first test of each.
BUILD_TIMEOUT = 900
pytestmark = [pytest.mark.interop, pytest.mark.timeout(BUILD_TIMEOUT)]


@pytest.fixture(scope="session", params=INSTALLS, ids=lambda install: install.name)
def next_build(request: pytest.FixtureRequest) -> tuple[NextInstall, str]:
    """The app built (and type-checked) with one Next install, once per test session."""
    install: NextInstall = request.param
    install.require_packages()
    result = build(install)
    if result.returncode != 0:
        pytest.fail(f"next build failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return install, result.stdout


@pytest.fixture
def next_app(
    next_build: tuple[NextInstall, str], site_env: dict[str, str], tmp_path: Path
) -> Iterator[ServerProcess]:
    """``next start`` with testproject's environment: same keyring file, same cookie settings."""
    with start(next_build[0], site_env, tmp_path / "next.log") as server:
        yield server


def test_next_build_type_checks_the_app_and_the_helper_strictly(
    next_build: tuple[NextInstall, str],
) -> None:
    install, output = next_build
    tsconfig = json.loads((install.directory / "tsconfig.json").read_text(encoding="utf-8"))

    assert tsconfig["compilerOptions"]["strict"] is True
    # Next 15 says "Linting and checking validity of types", 16 "Running TypeScript".
    assert "validity of types" in output or "Running TypeScript" in output
    assert (install.directory / "lib" / "django-session.ts").read_bytes() == HELPER.read_bytes()


def test_the_app_type_checks_with_the_other_iron_session(
    next_build: tuple[NextInstall, str],
) -> None:
    result = type_check_with_other_iron_session(next_build[0])

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_javascript_helper_is_the_typescript_one_compiled() -> None:
    install = INSTALLS[-1]
    result = run_node(install, str(NEXTJS_DIR / "compile-helper.mjs"))

    assert result.returncode == 0, result.stderr
    assert result.stdout == HELPER_JS.read_text(encoding="utf-8"), (
        "node/django-session.mjs is not node/django-session.ts compiled: run "
        "node tests/nextjs/compile-helper.mjs > node/django-session.mjs"
    )


@with_servers
def test_a_page_reads_the_django_session_and_a_route_handler_writes_it(
    site: ServerProcess, next_app: ServerProcess, browser: Browser
) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(site.base_url)
    assert user_id is not None
    browser.click("increment")

    browser.open(f"{next_app.base_url}/")
    assert browser.text("user-id") == user_id
    assert browser.text("counter") == "1"
    browser.fill_and_submit(f"{next_app.base_url}/", {"note": "route handler"}, "save")
    wait_for_text(browser, "member-note", "route handler")

    assert browser.user_id(site.base_url) == user_id
    assert browser.session_data(site.base_url)["next_note"] == "route handler"


@with_servers
def test_a_server_action_writes_the_session(
    site: ServerProcess, next_app: ServerProcess, browser: Browser
) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(site.base_url)

    browser.open(f"{next_app.base_url}/")
    save_with_the_server_action(browser, "server action", shown_in="next-note")

    assert browser.user_id(site.base_url) == user_id
    assert browser.session_data(site.base_url)["next_note"] == "server action"


@with_servers
def test_a_next_save_keeps_the_lifetime_django_set_with_set_expiry(
    site: ServerProcess, next_app: ServerProcess, browser: Browser
) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    browser.set_expiry(site.base_url, 300)

    browser.fill_and_submit(f"{next_app.base_url}/", {"note": "short-lived"}, "save")
    wait_for_text(browser, "member-note", "short-lived")

    cookie = browser.session_cookie()
    assert cookie is not None
    assert 0 < cookie["expiry"] - time.time() <= 300
    assert 0 < expiration(browser.session_cookie_value()) - time.time() <= 300


@with_servers
def test_a_page_cannot_save_the_session(
    site: ServerProcess, next_app: ServerProcess, browser: Browser
) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)

    browser.open(f"{next_app.base_url}/save-in-page")

    assert "Cookies can only be modified in a Server Action or Route Handler" in browser.text(
        "outcome"
    )
    assert "next_note" not in browser.session_data(site.base_url)


@with_servers
def test_the_proxy_reads_the_session_on_the_node_runtime(
    site: ServerProcess, next_app: ServerProcess, browser: Browser
) -> None:
    # Next 16's proxy.ts, Next 15's middleware.ts with runtime "nodejs": 401 without a log-in.
    user_id = members_after_a_django_log_in(browser, site.base_url, next_app.base_url)

    assert browser.text("member-id") == user_id


@with_servers
def test_a_log_out_on_next_logs_out_of_django(
    site: ServerProcess, next_app: ServerProcess, browser: Browser
) -> None:
    browser.log_in(site.base_url, USERNAME, USER_PASSWORD)
    browser.open(f"{next_app.base_url}/members")

    browser.click("log-out")

    assert browser.session_cookie() is None
    assert browser.user_id(site.base_url) is None
