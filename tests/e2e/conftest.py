"""Fixtures that start the demo site under gunicorn, the Node app and chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from django_iron_session.keyring_file import KeyringContents, write_keyring
from testing.constants import USER_PASSWORD, USERNAME
from testing.servers import (
    ServerProcess,
    copy_database,
    environment_for_site,
    manage,
    migrate,
    new_password,
    start_site,
)
from tests.e2e.browser import Browser, chromium

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the user ``alice``, copied for each site."""
    path = tmp_path_factory.mktemp("template") / "db.sqlite3"
    env = environment_for_site(path, DJANGO_SUPERUSER_PASSWORD=USER_PASSWORD)
    migrate(env)
    result = manage(
        env, "createsuperuser", "--noinput", "--username", USERNAME, "--email", "a@example.com"
    )
    if result.returncode != 0:
        raise RuntimeError(f"createsuperuser failed:\n{result.stderr}")
    return path


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents({"1": new_password()}))
    return path


@pytest.fixture
def site_settings(request: pytest.FixtureRequest) -> dict[str, str]:
    """testproject's environment variables for ``site``: parametrize it with ``indirect``."""
    settings: dict[str, str] = getattr(request, "param", {})
    return settings


@pytest.fixture
def site_env(
    migrated_database: Path, keyring_file: Path, tmp_path: Path, site_settings: dict[str, str]
) -> dict[str, str]:
    database = copy_database(migrated_database, tmp_path / "site")
    return environment_for_site(database, keyring_file=keyring_file, **site_settings)


@pytest.fixture
def site(site_env: dict[str, str], tmp_path: Path) -> Iterator[ServerProcess]:
    """testproject under gunicorn (2 workers) on a free port, sessions in the keyring file."""
    with start_site(site_env, tmp_path / "gunicorn.log") as server:
        yield server


@pytest.fixture(scope="session")
def shared_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as started:
        yield started


@pytest.fixture
def browser(shared_browser: Browser) -> Iterator[Browser]:
    """One chromium for all the tests (it takes a second to start), without cookies."""
    shared_browser.forget_cookies()
    yield shared_browser
    shared_browser.forget_cookies()
