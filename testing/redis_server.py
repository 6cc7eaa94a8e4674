"""A real redis-server (Debian's package) on a free port of 127.0.0.1, for the revocation
tests and benchmark."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from testing.components import require_executable
from testing.servers import ServerProcess, free_port

if TYPE_CHECKING:
    from pathlib import Path


def start_redis(directory: Path, port: int | None = None) -> ServerProcess:
    """A redis-server that keeps nothing on disk; ``port`` restarts one where it was."""
    executable = require_executable("redis-server")
    port = free_port() if port is None else port
    command = [
        executable,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(directory),
    ]
    return ServerProcess(command, os.environ, port, directory / f"redis-{port}.log")


def redis_url(server: ServerProcess) -> str:
    return f"redis://127.0.0.1:{server.port}/0"
