"""Where things are in the repository."""

from __future__ import annotations

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
TESTPROJECT_DIR = REPO_DIR / "testproject"
INTEROP_DIR = REPO_DIR / "tests" / "interop"
NODE_APP = INTEROP_DIR / "node_app" / "server.mjs"
