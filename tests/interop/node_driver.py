"""The Node side of the interop tests: driver.mjs in a process, spoken to in JSON lines."""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "driver.mjs"
PACKAGES = ("hapi-iron7", "iron-webcrypto1", "iron-webcrypto2", "iron-session8", "iron-session9")
TIMEOUT = 30.0


class NodeError(Exception):
    """A Node library threw (or the driver refused the request); ``str()`` is its message."""


class NodeDriver:
    """Talks JSON lines to driver.mjs; see that file for the request format."""

    def __init__(self) -> None:
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 -- closed by close()
        self._process = subprocess.Popen(
            [shutil.which("node") or "node", str(DRIVER)],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )

    def call(self, **request: Any) -> dict[str, Any]:
        # None means "not given", except for the values that can legitimately be null.
        request = {
            key: value
            for key, value in request.items()
            if value is not None or key in ("data", "password", "sealed")
        }
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            pytest.fail(f"the Node driver died: {self._stderr_tail()}")
        ready, _, _ = select.select([self._process.stdout], [], [], TIMEOUT)
        line = self._process.stdout.readline() if ready else ""
        if not line:
            pytest.fail(f"no answer from the Node driver to {request}: {self._stderr_tail()}")
        response: dict[str, Any] = json.loads(line)
        return response

    def seal(self, lib: str, data: Any, password: Any, **request: Any) -> str:
        response = self.call(op="seal", lib=lib, data=data, password=password, **request)
        if not response["ok"]:
            raise NodeError(response["error"])
        result: str = response["result"]
        return result

    def unseal(self, lib: str, sealed: str, password: Any, **request: Any) -> Any:
        response = self.call(op="unseal", lib=lib, sealed=sealed, password=password, **request)
        if not response["ok"]:
            raise NodeError(response["error"])
        return response.get("result")

    def session9_unseal(self, sealed: str, password: Any, **request: Any) -> tuple[Any, str | None]:
        """iron-session 9's unsealData never throws: (data, onUnsealError's reason or None)."""
        response = self.call(
            op="unseal", lib="session9", sealed=sealed, password=password, **request
        )
        assert response["ok"], response
        return response["result"], response["reason"]

    def close(self) -> None:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._stderr.close()

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-2000:] or "(no stderr)"
