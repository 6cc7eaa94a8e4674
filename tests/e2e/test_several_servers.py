"""Two testproject servers (gunicorn, separate processes and ports) that share only their
configuration: the keyring file, and DJANGO_SECRET_KEY, which Django's log-in puts in the
session's auth hash. Each has its own copy of the database (the same users, as a site's
replicas would), so no session state can pass between them except through the cookie.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

from testing.constants import USER_PASSWORD, USERNAME
from testing.load import SessionClient, run_load
from testing.servers import ServerProcess, copy_database, manage, start_site
from tests.e2e.cookies import password_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.server


@pytest.fixture
def two_sites(
    site_env: dict[str, str], migrated_database: Path, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    servers = []
    try:
        for name in ("a", "b"):
            database = copy_database(migrated_database, tmp_path / name)
            env = {**site_env, "DATABASE_PATH": str(database)}
            servers.append(start_site(env, tmp_path / f"{name}.log"))
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.close()


def test_a_session_made_on_one_server_is_read_and_changed_on_the_other(
    two_sites: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_sites
    with SessionClient() as user:
        user.log_in(a.base_url, USERNAME, USER_PASSWORD)
        user_id = user.session_facts(a.base_url)["user_id"]

        assert user.session_facts(b.base_url)["user_id"] == user_id
        assert user.post(b.base_url, "/counter/").status == 302
        assert user.post(a.base_url, "/counter/").status == 302
        facts = user.session_facts(b.base_url)

    assert facts["user_id"] == user_id
    assert facts["session"]["counter"] == 2


def test_a_rotation_while_requests_flow_to_both_loses_no_session(
    two_sites: tuple[ServerProcess, ServerProcess], site_env: dict[str, str]
) -> None:
    a, b = two_sites
    rotations: list[int] = []
    rotated = threading.Event()

    def rotate_twice() -> None:
        # The second rotation comes more than KEYRING_CHECK_INTERVAL (1 s) after the first: a
        # process looks at the file at once for an unknown id only once an interval, so a
        # second new id within it waits for the next look (docs/rotation.rst).
        for pause in (0.5, 1.5):
            time.sleep(pause)
            rotations.append(manage(site_env, "iron_rotate_password").returncode)
        # Requests go on until every worker has looked at the keyring file again (each does
        # at most once a second), so all of them seal under the newest password.
        time.sleep(1.5)
        rotated.set()

    with SessionClient() as logged_in:
        logged_in.log_in(a.base_url, USERNAME, USER_PASSWORD)
        user_id = logged_in.session_facts(b.base_url)["user_id"]
        rotating = threading.Thread(target=rotate_twice)
        rotating.start()
        load = run_load([a.base_url, b.base_url], 60, users=4, until=rotated)
        rotating.join()

        assert rotations == [0, 0]
        assert not load.errors
        assert load.lost_updates == 0
        assert logged_in.session_facts(b.base_url)["user_id"] == user_id
        assert logged_in.session_facts(a.base_url)["user_id"] == user_id
        assert password_id(logged_in.cookies["sessionid"]) == "3"
