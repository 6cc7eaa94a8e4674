"""Django's own ``tests/sessions_tests`` for the installed Django, from its sdist on PyPI.

The wheel has no tests; the source distribution does. ``pip download`` fetches the sdist of
exactly ``django.__version__`` (through pip's own configuration: index, proxy, certificates),
and only ``tests/sessions_tests/`` is kept, in ``_django_src/<version>/sessions_tests/``
(gitignored). Later runs use that copy and need no network.

Run ``python -m tests.django_suite.django_source`` to fetch it ahead of time.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import django

if TYPE_CHECKING:
    from types import ModuleType

CACHE = Path(__file__).resolve().parent / "_django_src"
PACKAGE = "sessions_tests"
#: written last, so that a half-extracted copy is never taken for a whole one
COMPLETE_MARKER = ".complete"
PIP_TIMEOUT = 600  # seconds; building the sdist's metadata takes ~20 s


class DjangoSourceUnavailable(Exception):
    """The sdist could not be fetched or did not hold the tests."""


def sessions_tests_root(version: str = django.__version__) -> Path:
    """The directory holding ``sessions_tests/`` for ``version``, fetched on first use."""
    root = CACHE / version
    if (root / PACKAGE / COMPLETE_MARKER).is_file():
        return root
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix=".download-") as tmp:
        sdist = _download_sdist(version, Path(tmp))
        staging = Path(tmp) / "staging"
        _extract_sessions_tests(sdist, staging / PACKAGE)
        (staging / PACKAGE / COMPLETE_MARKER).write_text(f"{sdist.name}\n")
        try:
            # Atomic: a concurrent run (tox, xdist) sees all or nothing.
            staging.rename(root)
        except OSError:
            if not (root / PACKAGE / COMPLETE_MARKER).is_file():
                # A leftover from an interrupted run, without the marker.
                shutil.rmtree(root, ignore_errors=True)
                staging.rename(root)
    return root


def import_sessions_tests(root: Path) -> ModuleType:
    """``sessions_tests.tests`` from ``root``, whose ``models.py`` needs its app installed.

    The app is installed only while the module is imported: its ``CustomSession`` model
    must belong to an installed app to be defined, and no test run here uses that model,
    so the test database never gets its table.
    """
    from django.conf import settings
    from django.test import override_settings

    path = str(root)
    if path not in sys.path:
        sys.path.append(path)
    package = importlib.import_module(PACKAGE)
    location = Path(package.__file__ or "").resolve().parent
    if location != (root / PACKAGE).resolve():
        raise DjangoSourceUnavailable(f"{PACKAGE} is imported from {location}, not from {root}")
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, PACKAGE]):
        return importlib.import_module(f"{PACKAGE}.tests")


def _download_sdist(version: str, into: Path) -> Path:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-binary=:all:",
        "--no-deps",
        "--disable-pip-version-check",
        "--no-input",
        "--quiet",
        "--retries=1",
        "--timeout=15",
        f"--dest={into}",
        f"django=={version}",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DjangoSourceUnavailable(f"`pip download django=={version}`: {error}") from error
    sdists = sorted(into.glob("[Dd]jango-*.tar.gz"))
    if done.returncode != 0 or len(sdists) != 1:
        lines = (done.stderr + done.stdout).strip().splitlines()
        errors = [line for line in lines if line.startswith("ERROR")] or lines
        last = errors[-1] if errors else f"exit status {done.returncode}"
        raise DjangoSourceUnavailable(
            f"`pip download --no-binary=:all: django=={version}` failed: {last}"
        )
    return sdists[0]


def _extract_sessions_tests(sdist: Path, into: Path) -> None:
    """Writes the regular files under ``<top>/tests/sessions_tests/`` of ``sdist`` to ``into``."""
    into.mkdir(parents=True)
    found = False
    try:
        with tarfile.open(sdist, "r:gz") as archive:
            for member in archive:
                parts = PurePosixPath(member.name).parts
                if len(parts) < 4 or parts[1:3] != ("tests", PACKAGE) or not member.isfile():
                    continue
                relative = parts[3:]
                if any(part in ("", ".", "..") for part in relative):
                    raise DjangoSourceUnavailable(f"{sdist.name}: unsafe path {member.name!r}")
                source = archive.extractfile(member)
                if source is None:  # pragma: no cover - isfile() said it is a file
                    continue
                target = into.joinpath(*relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                with source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
                found = True
    except (OSError, tarfile.TarError) as error:
        raise DjangoSourceUnavailable(f"{sdist.name}: {error}") from error
    if not found or not (into / "tests.py").is_file():
        raise DjangoSourceUnavailable(f"{sdist.name} has no tests/{PACKAGE}/tests.py")


def main() -> int:
    try:
        root = sessions_tests_root()
    except DjangoSourceUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    print(os.path.relpath(root / PACKAGE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
