"""Components outside Python that tests and benchmarks need (gunicorn, node, redis-server).

Missing one, a test skips with the reason shown; under CI (env var ``CI`` set) it fails.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

from testing.paths import INTEROP_DIR


def require(available: bool, what: str) -> None:
    """Skip with a visible reason when a component is missing; under CI, fail instead."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI must run these tests")
    pytest.skip(f"{what} is missing")


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
