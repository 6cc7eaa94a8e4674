"""Real server processes on 127.0.0.1: a Django site under a real server, the Node app.

A site is served by one of ``SERVERS`` (gunicorn under WSGI; uvicorn and daphne under ASGI):
each kind is a function that gives the command line; adding a kind is adding one function
and one entry.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from testing.components import require_module, require_node_packages
from testing.paths import NODE_APP, TESTPROJECT_DIR

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from types import TracebackType

START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def new_password() -> str:
    return secrets.token_urlsafe(32)


class ServerProcess:
    """A server started on a free port of 127.0.0.1, stopped on ``close``.

    Its output goes to a log file, shown when it fails to start so the test says why.
    """

    def __init__(
        self, command: Sequence[str], env: Mapping[str, str], port: int, log: Path
    ) -> None:
        self.port = port
        self.log = log
        with log.open("wb") as output:
            self._process = subprocess.Popen(
                command,
                env=dict(env),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_listening()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"server exited at start:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise RuntimeError(f"server not listening after {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def close(self) -> None:
        # Nothing here needs a graceful stop, and gunicorn's takes seconds while a browser
        # holds connections open: the whole process group (gunicorn's workers too) goes at once.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class App:
    """A Django project as a server imports it: ``wsgi`` and ``asgi`` are its applications'
    ``module:name``, found from ``directory``; the environment names its settings."""

    directory: Path
    wsgi: str
    asgi: str | None = None

    def asgi_application(self) -> str:
        if self.asgi is None:
            raise ValueError(f"{self.directory} has no ASGI application to serve")
        return self.asgi


TESTPROJECT = App(
    directory=TESTPROJECT_DIR,
    wsgi="testproject.wsgi:application",
    asgi="testproject.asgi:application",
)


@dataclass(frozen=True)
class Serving:
    """What a server command is asked for."""

    app: App
    port: int
    workers: int
    #: the longest header line the server must accept, or None for its default
    header_bytes: int | None


def gunicorn_command(serving: Serving) -> list[str]:
    """gunicorn's threaded workers: chromium keeps idle connections open, which would each
    hold a whole sync worker."""
    require_module("gunicorn", "pip install gunicorn")
    header_limit = (
        []
        if serving.header_bytes is None
        else ["--limit-request-field_size", str(serving.header_bytes)]
    )
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--chdir",
        str(serving.app.directory),
        "--bind",
        f"127.0.0.1:{serving.port}",
        "--workers",
        str(serving.workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        *header_limit,
        *_without_control_socket(),
        serving.app.wsgi,
    ]


def _without_control_socket() -> list[str]:
    """Newer gunicorns open a control socket at one path for all the user's servers (each
    takes it over from the last, and removes it on exit); the tests need none. Older ones
    have no such socket, nor the option."""
    config = importlib.import_module("gunicorn.config")
    names = {setting.name for setting in config.KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []


def uvicorn_command(serving: Serving) -> list[str]:
    """uvicorn's worker processes, each one event loop (uvloop and httptools when there)."""
    require_module("uvicorn", "pip install 'uvicorn[standard]'")
    if serving.header_bytes is not None:
        raise ValueError("uvicorn has no option for the longest header line")
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(serving.app.directory),
        "--host",
        "127.0.0.1",
        "--port",
        str(serving.port),
        "--workers",
        str(serving.workers),
        # Channels' ProtocolTypeRouter has no lifespan: without this, a line says so at start.
        "--lifespan",
        "off",
        serving.app.asgi_application(),
    ]


def daphne_command(serving: Serving) -> list[str]:
    """Channels' own server: one process, which imports the app from its working directory
    (start_site puts the app's directory on PYTHONPATH too)."""
    require_module("daphne", "pip install daphne")
    if serving.workers != 1 or serving.header_bytes is not None:
        raise ValueError("daphne runs one process, with its own header limits")
    return [
        sys.executable,
        "-m",
        "daphne",
        "--bind",
        "127.0.0.1",
        "--port",
        str(serving.port),
        serving.app.asgi_application(),
    ]


#: every kind of server a site can run under, by name
SERVERS: dict[str, Callable[[Serving], list[str]]] = {
    "gunicorn": gunicorn_command,
    "uvicorn": uvicorn_command,
    "daphne": daphne_command,
}
#: the ones that serve the app's ASGI application
ASGI_SERVERS = ("uvicorn", "daphne")


def start_site(
    env: Mapping[str, str],
    log: Path,
    *,
    server: str = "gunicorn",
    app: App = TESTPROJECT,
    workers: int = 2,
    header_bytes: int | None = None,
) -> ServerProcess:
    """``app`` (testproject unless told) under ``server`` on a free port."""
    port = free_port()
    command = SERVERS[server](Serving(app, port, workers, header_bytes))
    python_path = os.pathsep.join(filter(None, [str(app.directory), env.get("PYTHONPATH")]))
    return ServerProcess(command, {**env, "PYTHONPATH": python_path}, port, log)


def environment_for_site(
    database: Path, *, keyring_file: Path | None = None, **settings: str
) -> dict[str, str]:
    """The environment for testproject: ``settings`` are its variables (see its settings.py)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "testproject.settings",
        "DATABASE_PATH": str(database),
        # insecure.test: tests/e2e/browser.py's name for 127.0.0.1 outside a secure context.
        "ALLOWED_HOSTS": "127.0.0.1,localhost,insecure.test",
        "DJANGO_SECRET_KEY": new_password(),
        **settings,
    }
    if keyring_file is not None:
        env["IRON_SESSION_KEYRING_FILE"] = str(keyring_file)
    else:
        # The demo's fallback password is public: its checks refuse it outside DEBUG.
        env.setdefault("IRON_SESSION_PASSWORD", new_password())
    return env


def manage(env: Mapping[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    """``testproject/manage.py`` in its own process, with the site's environment."""
    return subprocess.run(
        [sys.executable, str(TESTPROJECT_DIR / "manage.py"), *arguments],
        env=dict(env),
        cwd=TESTPROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def migrate(env: Mapping[str, str]) -> None:
    result = manage(env, "migrate", "--noinput")
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{result.stderr}")


def copy_database(template: Path, directory: Path) -> Path:
    """A site's own copy of a migrated database, as a site's replicas each have one."""
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(template, directory / "db.sqlite3"))


def start_node_app(
    env: Mapping[str, str], log: Path, *, iron_session_version: int
) -> ServerProcess:
    node = require_node_packages()
    port = free_port()
    node_env = {
        **env,
        "PORT": str(port),
        "IRON_SESSION_NODE_VERSION": str(iron_session_version),
    }
    return ServerProcess([node, str(NODE_APP)], node_env, port, log)
