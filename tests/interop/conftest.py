"""The Node side of the interop tests: one driver.mjs process for the whole pytest session.

Needs ``node`` on PATH and ``npm ci`` run in this directory. Without them the interop tests
are skipped, with the reason shown, except on CI (env var ``CI`` set), where they fail.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from testing.components import require
from tests.interop.node_driver import HERE, PACKAGES, NodeDriver


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH"
    absent = [name for name in PACKAGES if not (HERE / "node_modules" / name).is_dir()]
    if absent:
        return f"run `npm ci` in {HERE} (missing: {', '.join(absent)})"
    return None


@pytest.fixture(scope="session")
def node() -> Any:
    reason = _missing()
    require(reason is None, f"Node.js or its npm packages for the interop tests ({reason})")
    driver = NodeDriver()
    yield driver
    driver.close()
