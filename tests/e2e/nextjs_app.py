"""The Next.js app of tests/nextjs, built with each Next version it is installed for.

The app is the files docs/nextjs.rst shows, taken from the page as a reader copies them, plus
``tests/nextjs/src``: what only the tests use. ``tests/nextjs/next15`` and ``next16`` hold the
packages (``npm ci``, run by scripts/setup-test-services.sh). A build writes the app into a
version's directory and runs ``next build`` there: Next builds only what lies beside its own
node_modules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from testing.components import require, require_executable
from testing.constants import USER_PASSWORD, USERNAME
from testing.paths import REPO_DIR
from testing.servers import ServerProcess, free_port

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from tests.e2e.browser import Browser

NEXTJS_DIR = REPO_DIR / "tests" / "nextjs"
NEXTJS_PAGE = REPO_DIR / "docs" / "nextjs.rst"
APP_SOURCE = NEXTJS_DIR / "src"
HELPER = REPO_DIR / "node" / "django-session.ts"
HELPER_JS = REPO_DIR / "node" / "django-session.mjs"
# What an install's directory keeps between builds; the rest is the app, copied anew.
INSTALLED = frozenset({"package.json", "package-lock.json", "node_modules"})
BUILD_TIMEOUT = 600
WAIT_TIMEOUT = 15.0
Test = TypeVar("Test", bound="Callable[..., Any]")
# A file the page shows: a paragraph of its path (from the folder that holds app/), then its code.
PAGE_FILE = re.compile(
    r"^``(?P<path>[\w./-]+\.tsx?)``(?: \(.*\))?:\n\n"
    r"\.\. code-block:: (?:typescript|tsx)\n\n(?P<code>(?:(?:    .*)?\n)+)",
    re.MULTILINE,
)
# Next 16 calls the middleware a proxy; an app has one or the other.
MIDDLEWARE_FILES = {15: "middleware.ts", 16: "proxy.ts"}


def page_files() -> dict[str, str]:
    """The files docs/nextjs.rst shows, by path, as a reader copies them from the page."""
    text = NEXTJS_PAGE.read_text(encoding="utf-8")
    return {
        found["path"]: textwrap.dedent(found["code"]).strip("\n") + "\n"
        for found in PAGE_FILE.finditer(text)
    }


def write_page_files(app_dir: Path, next_major: int) -> None:
    """The page's files for one Next major in ``app_dir``, the folder that holds app/."""
    others = {name for major, name in MIDDLEWARE_FILES.items() if major != next_major}
    for path, code in page_files().items():
        if path not in others:
            target = app_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code, encoding="utf-8")


@dataclass(frozen=True)
class NextInstall:
    """One of tests/nextjs/next*: a Next major, the iron-session it runs and the one it only
    type-checks (installed under an alias, ``iron-session8`` or ``iron-session9``)."""

    next_major: int
    iron_session: int
    other_iron_session: int

    @property
    def directory(self) -> Path:
        return NEXTJS_DIR / f"next{self.next_major}"

    @property
    def name(self) -> str:
        return f"next{self.next_major}-iron-session{self.iron_session}"

    def require_packages(self) -> str:
        node = require_executable("node")
        require(
            (self.directory / "node_modules" / "next").is_dir(),
            f"tests/nextjs/next{self.next_major}/node_modules (run scripts/setup-test-services.sh)",
        )
        return node

    def bin(self, package: str, script: str) -> str:
        return str(self.directory / "node_modules" / package / script)


INSTALLS = (NextInstall(15, 8, 9), NextInstall(16, 9, 8))


def copy_app(install: NextInstall) -> None:
    """The app's files in the install's directory, in place of those of an earlier build."""
    for path in install.directory.iterdir():
        if path.name not in INSTALLED:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    shutil.copytree(APP_SOURCE, install.directory, dirs_exist_ok=True)
    write_page_files(install.directory, install.next_major)


def run_node(install: NextInstall, *command: str) -> subprocess.CompletedProcess[str]:
    node = install.require_packages()
    return subprocess.run(
        [node, *command],
        cwd=install.directory,
        env=next_environment({}),
        capture_output=True,
        text=True,
        check=False,
        timeout=BUILD_TIMEOUT,
    )


def next_environment(env: Mapping[str, str]) -> dict[str, str]:
    return {**os.environ, **env, "NEXT_TELEMETRY_DISABLED": "1"}


def build(install: NextInstall) -> subprocess.CompletedProcess[str]:
    """``next build``: compiles, and type-checks the app and the helper (strict)."""
    copy_app(install)
    return run_node(install, install.bin("next", "dist/bin/next"), "build")


def type_check_with_other_iron_session(install: NextInstall) -> subprocess.CompletedProcess[str]:
    """``tsc`` over the built app, with ``iron-session`` resolved to the other major."""
    config = install.directory / "tsconfig.other-iron-session.json"
    alias = f"./node_modules/iron-session{install.other_iron_session}"
    # "paths" here replaces the app's, which holds the "@/*" alias.
    app_paths = json.loads((APP_SOURCE / "tsconfig.json").read_text(encoding="utf-8"))[
        "compilerOptions"
    ]["paths"]
    config.write_text(
        json.dumps(
            {
                "extends": "./tsconfig.json",
                "compilerOptions": {"paths": {**app_paths, "iron-session": [alias]}},
            }
        ),
        encoding="utf-8",
    )
    return run_node(install, install.bin("typescript", "bin/tsc"), "-p", config.name)


def start(install: NextInstall, env: Mapping[str, str], log: Path) -> ServerProcess:
    """``next start`` on 127.0.0.1, with testproject's environment (same keyring, cookie)."""
    install.require_packages()
    return start_app(install.directory, env, log)


def start_app(directory: Path, env: Mapping[str, str], log: Path) -> ServerProcess:
    """``next start`` of the app built in ``directory``, beside its node_modules."""
    node = require_executable("node")
    port = free_port()
    command = [
        node,
        str(directory / "node_modules" / "next" / "dist" / "bin" / "next"),
        "start",
        str(directory),
        "--hostname",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return ServerProcess(command, next_environment(env), port, log)


def with_servers(test: Test) -> Test:
    """Marks a test that starts testproject and the Next app and drives chromium."""
    marked: Test = pytest.mark.browser(pytest.mark.server(test))
    return marked


def wait_for_text(browser: Browser, element_id: str, expected: str) -> None:
    """For a page that updates itself: after a server action, or when React reveals what a
    ``<Suspense>`` streamed (it holds it hidden for a moment after the page has loaded)."""
    deadline = time.monotonic() + WAIT_TIMEOUT
    while browser.text(element_id) != expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"#{element_id} is {browser.text(element_id)!r}, not {expected!r}")
        time.sleep(0.05)


def members_after_a_django_log_in(browser: Browser, site_url: str, next_url: str) -> str:
    """The proxy turns a visitor away from /members until they log in on Django; then the page
    shows their Django user id, which this returns."""
    browser.open(f"{next_url}/members")
    assert browser.page_text() == "Log in first."
    browser.log_in(site_url, USERNAME, USER_PASSWORD)
    user_id = browser.user_id(site_url)
    assert user_id is not None
    browser.open(f"{next_url}/members")
    wait_for_text(browser, "member-id", user_id)
    return user_id


def save_with_the_server_action(browser: Browser, note: str, shown_in: str) -> None:
    """The note through the page's server action, once the page shows it in #shown_in."""
    browser.driver.find_element("name", "action-note").send_keys(note)
    browser.driver.find_element("id", "save-action").click()
    wait_for_text(browser, shown_in, note)
