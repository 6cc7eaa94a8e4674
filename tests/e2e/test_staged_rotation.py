"""A rotation across two machines that each have their own keyring file, carried out one
machine at a time while visitors' requests go to either at random.

The operator keeps a master copy of the keyring file, changes it with
``iron_rotate_password``, and pushes it to one machine, waits until that machine has loaded
it (``KEYRING_CHECK_INTERVAL``, 1 s here), then to the next. In one step, the first machine
seals with the new password while the other cannot open it yet: the visitors it logs out are
the loss this test measures. Staged, every machine first learns to open the new password,
and only then does any of them seal with it.
"""

from __future__ import annotations

import shutil
import threading
import time
from typing import TYPE_CHECKING

import pytest

from django_iron_session.keyring_file import locked, read_keyring, write_keyring
from testing.load import run_load
from testing.servers import ServerProcess, copy_database, manage, start_site

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from testing.load import LoadResult

pytestmark = pytest.mark.server

#: longer than KEYRING_CHECK_INTERVAL (1 s): every worker of a machine has the pushed file
SETTLE = 1.5


class Machine:
    def __init__(self, server: ServerProcess, keyring_file: Path) -> None:
        self.server = server
        self.keyring_file = keyring_file


@pytest.fixture
def machines(
    site_env: dict[str, str], migrated_database: Path, keyring_file: Path, tmp_path: Path
) -> Iterator[list[Machine]]:
    """Two servers, each with its own database and its own copy of ``keyring_file``."""
    started: list[Machine] = []
    try:
        for name in ("a", "b"):
            own_file = tmp_path / name / "keyring.json"
            database = copy_database(migrated_database, tmp_path / name)
            shutil.copy(keyring_file, own_file)
            env = {
                **site_env,
                "DATABASE_PATH": str(database),
                "IRON_SESSION_KEYRING_FILE": str(own_file),
            }
            started.append(Machine(start_site(env, tmp_path / f"{name}.log"), own_file))
        yield started
    finally:
        for machine in started:
            machine.server.close()


def push(master: Path, machine: Machine) -> None:
    """Copy the master file to a machine as a configuration push does: atomically."""
    with locked(machine.keyring_file):
        write_keyring(machine.keyring_file, read_keyring(master))


def rotate_master(site_env: dict[str, str], *arguments: str) -> None:
    result = manage(site_env, "iron_rotate_password", *arguments)
    assert result.returncode == 0, result.stderr


def one_step(site_env: dict[str, str], master: Path, machines: list[Machine]) -> None:
    rotate_master(site_env)
    for machine in machines:
        push(master, machine)
        time.sleep(SETTLE)


def staged(site_env: dict[str, str], master: Path, machines: list[Machine]) -> None:
    rotate_master(site_env, "--stage")
    for machine in machines:
        push(master, machine)
        time.sleep(SETTLE)
    rotate_master(site_env, "--activate")
    for machine in machines:
        push(master, machine)
        time.sleep(SETTLE)


def rotation_under_load(
    rotation: Callable[[dict[str, str], Path, list[Machine]], None],
    site_env: dict[str, str],
    master: Path,
    machines: list[Machine],
) -> LoadResult:
    done = threading.Event()
    failures: list[BaseException] = []

    def rotate() -> None:
        try:
            time.sleep(0.5)
            rotation(site_env, master, machines)
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            done.set()

    rotating = threading.Thread(target=rotate)
    rotating.start()
    urls = [machine.server.base_url for machine in machines]
    load = run_load(urls, 60, users=4, until=done, at_random=True)
    rotating.join()
    assert not failures
    return load


def test_a_staged_rotation_one_machine_at_a_time_loses_no_session(
    machines: list[Machine], site_env: dict[str, str], keyring_file: Path
) -> None:
    load = rotation_under_load(staged, site_env, keyring_file, machines)

    assert load.requests > 100
    assert not load.errors
    assert load.lost_updates == 0
    for machine in machines:
        assert read_keyring(machine.keyring_file).newest_id == "2"


def test_a_one_step_rotation_one_machine_at_a_time_loses_sessions(
    machines: list[Machine], site_env: dict[str, str], keyring_file: Path
) -> None:
    """The window staging closes: while one machine seals with the new password, the other
    cannot open it, and the visitors it sees start again with an empty session."""
    load = rotation_under_load(one_step, site_env, keyring_file, machines)

    assert load.requests > 100
    assert not load.errors
    assert load.lost_updates > 0
