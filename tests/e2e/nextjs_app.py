"""The Next.js app of tests/nextjs, built with each Next version it is installed for.

``tests/nextjs/src`` is the app, ``src-next15`` and ``src-next16`` what differs by version;
``tests/nextjs/next15`` and ``next16`` hold the packages (``npm ci``, run by
scripts/setup-test-services.sh). A build copies the app into a version's directory, with
``node/django-session.ts`` as a user copies it, and runs ``next build`` there: Next builds
only what lies beside its own node_modules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from testing.components import require, require_executable
from testing.paths import REPO_DIR
from testing.servers import ServerProcess, free_port

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

NEXTJS_DIR = REPO_DIR / "tests" / "nextjs"
APP_SOURCE = NEXTJS_DIR / "src"
HELPER = REPO_DIR / "node" / "django-session.ts"
HELPER_JS = REPO_DIR / "node" / "django-session.mjs"
# What an install's directory keeps between builds; the rest is the app, copied anew.
INSTALLED = frozenset({"package.json", "package-lock.json", "node_modules"})
BUILD_TIMEOUT = 600


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
    def version_source(self) -> Path:
        """The app's files for this Next only: its proxy (16) or middleware (15)."""
        return NEXTJS_DIR / f"src-next{self.next_major}"

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
    for source in (APP_SOURCE, install.version_source):
        shutil.copytree(source, install.directory, dirs_exist_ok=True)
    shutil.copy(HELPER, install.directory / "lib" / HELPER.name)


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
    config.write_text(
        json.dumps(
            {
                "extends": "./tsconfig.json",
                "compilerOptions": {"paths": {"iron-session": [alias]}},
            }
        ),
        encoding="utf-8",
    )
    return run_node(install, install.bin("typescript", "bin/tsc"), "-p", config.name)


def start(install: NextInstall, env: Mapping[str, str], log: Path) -> ServerProcess:
    """``next start`` on 127.0.0.1, with testproject's environment (same keyring, cookie)."""
    node = install.require_packages()
    port = free_port()
    command = [
        node,
        install.bin("next", "dist/bin/next"),
        "start",
        str(install.directory),
        "--hostname",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return ServerProcess(command, next_environment(env), port, log)
