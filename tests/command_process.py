"""Management commands in their own process, as an operator's shell or a script runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
DJANGO_ADMIN = [sys.executable, "-m", "django"]


def command_env(directory: Path, iron_session: dict[str, Any]) -> dict[str, str]:
    """The environment for tests.settings with ``IRON_SESSION`` replaced."""
    (directory / "process_settings.py").write_text(
        f"from tests.settings import *  # noqa: F403\nIRON_SESSION = {iron_session!r}\n",
        encoding="utf-8",
    )
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(directory), str(REPOSITORY)]),
        "DJANGO_SETTINGS_MODULE": "process_settings",
    }


def run_command(
    env: dict[str, str], *arguments: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DJANGO_ADMIN, *arguments],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
