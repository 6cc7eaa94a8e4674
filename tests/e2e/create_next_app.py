"""An app made by ``create-next-app`` with its defaults, with docs/nextjs.rst's files in it.

``tests/nextjs/create-next-app`` pins create-next-app (``npm ci``, run by
scripts/setup-test-services.sh): bumping that pin is what brings new defaults to the tests, so
a default that breaks the page's code fails a test rather than a reader. The app's own
packages come from the npm registry, as a reader's do.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import TYPE_CHECKING

from testing.components import require, require_executable
from tests.e2e.nextjs_app import BUILD_TIMEOUT, NEXTJS_DIR, next_environment, write_page_files

if TYPE_CHECKING:
    from pathlib import Path

CREATE_NEXT_APP = NEXTJS_DIR / "create-next-app" / "node_modules" / "create-next-app"
# What the page tells a reader to install (with the Node the page recommends).
IRON_SESSION = "iron-session@^9"
# The generated layout fetches its fonts from Google Fonts at build time, which a machine
# without internet access cannot; the fonts are not what is under test.
LAYOUT = """\
import type { ReactNode } from "react";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
"""


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=BUILD_TIMEOUT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def next_major(app: Path) -> int:
    package = json.loads((app / "package.json").read_text(encoding="utf-8"))
    version = re.match(r"\D*(\d+)", package["dependencies"]["next"])
    assert version is not None, package["dependencies"]["next"]
    return int(version[1])


def make_app(parent: Path) -> Path:
    """``create-next-app app --yes`` in ``parent``, then the page's install line and files."""
    node = require_executable("node")
    npm = require_executable("npm")
    require(
        CREATE_NEXT_APP.is_dir(),
        "tests/nextjs/create-next-app/node_modules (run scripts/setup-test-services.sh)",
    )
    # --yes takes saved preferences before the defaults: an empty config directory has none.
    env = next_environment({"XDG_CONFIG_HOME": str(parent / "config")})
    command = [node, str(CREATE_NEXT_APP / "dist" / "index.js"), "app", "--yes"]
    run([*command, "--use-npm", "--disable-git"], parent, env)
    app = parent / "app"
    run([npm, "install", "--no-audit", "--no-fund", IRON_SESSION], app, env)
    # As the page says: the files go in the folder that holds app/, src/ with --src-dir.
    source = app / "src" if (app / "src" / "app").is_dir() else app
    (source / "app" / "layout.tsx").write_text(LAYOUT, encoding="utf-8")
    write_page_files(source, next_major(app))
    return app


def build(app: Path) -> str:
    """``next build``'s output; it type-checks, and prerenders what it can."""
    node = require_executable("node")
    next_bin = str(app / "node_modules" / "next" / "dist" / "bin" / "next")
    return run([node, next_bin, "build"], app, next_environment({}))
