"""Components outside Python that tests and benchmarks need (gunicorn, node, redis-server).

Missing one, a test skips with the reason shown; under CI (env var ``CI`` set) it fails.
A test that asks for one must carry a marker of ``MARKERS``, so that the unit tests
(``-m "not browser and not server and not interop"``) never need one.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from typing import NoReturn

import pytest

from testing.paths import INTEROP_DIR

#: the markers of tests that need more than Python (pyproject.toml describes them)
MARKERS = ("browser", "interop", "network", "server")

#: the id of the running test if it carries none of ``MARKERS``
unmarked_test: str | None = None


def starting(test: pytest.Item) -> None:
    """Called as each test starts, before its fixtures (see tests/conftest.py): a test
    without a marker of ``MARKERS`` fails as soon as it asks for a component."""
    global unmarked_test
    marked = any(test.get_closest_marker(name) for name in MARKERS)
    unmarked_test = None if marked else test.nodeid


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason`` shown, also at a module's top; under CI, fail instead."""
    if in_ci():
        pytest.fail(f"{reason}, and CI must run these tests", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require(available: bool, what: str) -> None:
    """Skip with a visible reason when a component is missing; under CI, fail instead."""
    if unmarked_test is not None:
        pytest.fail(f"{unmarked_test} needs {what}: mark it {' or '.join(MARKERS)}", pytrace=False)
    if not available:
        unavailable(f"{what} is missing")


def require_executable(path: str) -> str:
    found = shutil.which(path)
    require(found is not None, path)
    assert found is not None
    return found


def require_node_packages() -> str:
    node = require_executable("node")
    require(
        (INTEROP_DIR / "node_modules" / "iron-session9").is_dir(),
        "tests/interop/node_modules (run npm ci in tests/interop)",
    )
    return node


def require_module(name: str, install: str) -> None:
    require(importlib.util.find_spec(name) is not None, f"{name} ({install})")
