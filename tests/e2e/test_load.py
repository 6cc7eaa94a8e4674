"""A short load on testproject under gunicorn and under uvicorn (2 workers each, the async
counter under uvicorn), every request writing the session (``benchmarks/load_bench.py`` runs
the long form against other backends)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from testing.load import counter_path, run_load, serve

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.server

# Short for CI; at most 60.
LOAD_SECONDS = min(float(os.environ.get("E2E_LOAD_SECONDS", "5")), 60)
USERS = 4


@pytest.mark.parametrize("server", ["gunicorn", "uvicorn"])
def test_concurrent_users_get_no_error_and_lose_no_update(tmp_path: Path, server: str) -> None:
    with serve("iron", tmp_path, server=server) as site:
        result = run_load([site.base_url], LOAD_SECONDS, USERS, path=counter_path(server))

    assert result.requests > USERS
    assert not result.errors
    assert result.lost_updates == 0
