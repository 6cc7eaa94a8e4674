"""The Node side of the interop tests: one driver.mjs process for the whole pytest session.

Needs ``node`` on PATH and ``npm ci`` run in this directory. Without them the interop tests
are skipped, with the reason shown, except on CI (env var ``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

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
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"interop tests cannot run on CI: {reason}", pytrace=False)
        pytest.skip(f"interop tests need Node.js and the npm packages: {reason}")
    driver = NodeDriver()
    yield driver
    driver.close()
