from __future__ import annotations

import logging
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_iron_session import iron_session
from django_iron_session.conf import get_config
from django_iron_session.passwords import KeyringFilePasswords, SettingPasswords
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import forged, write_passwords

if TYPE_CHECKING:
    from pathlib import Path

    from django.test import Client
    from pytest_django import Settings


def test_a_setting_is_read_as_iron_session_reads_it_and_a_refresh_finds_nothing_new() -> None:
    passwords = SettingPasswords({1: PASSWORD, "2": NEWER_PASSWORD})
    keyring = passwords.keyring()

    assert (list(keyring), keyring.sealing_id) == (["1", "2"], "2")
    assert passwords.keyring(refresh=True) is keyring
    assert list(SettingPasswords(PASSWORD).keyring()) == ["1"]


def test_a_changed_keyring_file_is_read_after_the_check_interval(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_passwords(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=0)
    assert list(passwords.keyring()) == ["1"]

    write_passwords(keyring, {"1": PASSWORD, "2": NEWER_PASSWORD})
    os.utime(keyring, ns=(1, 1))  # a new stamp even on coarse file system clocks

    assert list(passwords.keyring()) == ["1", "2"]


def test_within_the_interval_the_file_is_read_only_on_one_refresh(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_passwords(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=3600)
    passwords.keyring()
    write_passwords(keyring, {"1": PASSWORD, "2": NEWER_PASSWORD})
    os.utime(keyring, ns=(1, 1))

    assert list(passwords.keyring()) == ["1"]
    assert list(passwords.keyring(refresh=True)) == ["1", "2"]

    write_passwords(keyring, {"1": PASSWORD, "3": NEWER_PASSWORD})
    os.utime(keyring, ns=(2, 2))
    assert list(passwords.keyring(refresh=True)) == ["1", "2"]  # one refresh an interval


def test_an_unchanged_file_is_not_parsed_again(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_passwords(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=0)

    assert passwords.keyring() is passwords.keyring()


@pytest.mark.parametrize("breakage", ["deleted", "not JSON", "short password"])
def test_a_broken_keyring_file_keeps_the_passwords_loaded_before(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, breakage: str
) -> None:
    keyring = tmp_path / "keyring.json"
    write_passwords(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=0)
    loaded = passwords.keyring()

    if breakage == "deleted":
        keyring.unlink()
    elif breakage == "not JSON":
        keyring.write_text("{", encoding="utf-8")
    else:
        write_passwords(keyring, {"1": PASSWORD, "2": "short"})

    assert passwords.keyring() is loaded
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert PASSWORD not in record.getMessage()


def test_a_keyring_file_never_read_is_a_configuration_error(tmp_path: Path) -> None:
    passwords = KeyringFilePasswords(tmp_path / "missing.json", check_interval=0)

    with pytest.raises(ImproperlyConfigured, match=r"missing\.json is unusable"):
        passwords.keyring()


def test_until_a_keyring_is_loaded_every_call_tries_again(tmp_path: Path) -> None:
    # A thread that arrives while the first load is under way, or after it failed, must not
    # wait out the check interval with no passwords at all.
    keyring = tmp_path / "keyring.json"
    passwords = KeyringFilePasswords(keyring, check_interval=3600)
    with pytest.raises(ImproperlyConfigured):
        passwords.keyring()

    write_passwords(keyring, {"1": PASSWORD})

    assert list(passwords.keyring()) == ["1"]


def test_threads_arriving_together_all_find_the_keyring(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_passwords(keyring, {"1": PASSWORD})
    passwords = KeyringFilePasswords(keyring, check_interval=3600)
    start = threading.Barrier(8)

    def first_request() -> list[str]:
        start.wait()
        return list(passwords.keyring())

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda _: first_request(), range(8)))

    assert found == [["1"]] * 8


@pytest.mark.usefixtures("cookie_history")
def test_a_kubernetes_secret_swapped_under_a_running_site_is_picked_up(
    tmp_path: Path, client: Client, settings: Settings
) -> None:
    """A Secret volume: keyring.json -> ..data/keyring.json, ..data -> ..<timestamp>/, and
    an update swaps ..data atomically to a new read-only directory."""
    first = tmp_path / "..2026_11_29_01"
    first.mkdir()
    write_passwords(first / "keyring.json", {"1": PASSWORD})
    (tmp_path / "..data").symlink_to(first.name)
    (tmp_path / "keyring.json").symlink_to("..data/keyring.json")
    settings.IRON_SESSION = {
        "KEYRING_FILE": str(tmp_path / "keyring.json"),
        "KEYRING_CHECK_INTERVAL": 0,
    }
    client.cookies["sessionid"] = iron_session.seal_data({"colour": "red"}, PASSWORD)
    assert client.get("/session/").json() == {"colour": "red"}

    second = tmp_path / "..2026_11_29_02"
    second.mkdir()
    write_passwords(second / "keyring.json", {"1": PASSWORD, "2": NEWER_PASSWORD})
    (tmp_path / "..data_tmp").symlink_to(second.name)
    os.replace(tmp_path / "..data_tmp", tmp_path / "..data")
    shutil.rmtree(first)

    client.cookies["sessionid"] = iron_session.seal_data({"size": "L"}, {2: NEWER_PASSWORD})
    assert client.get("/session/").json() == {"size": "L"}


@pytest.mark.usefixtures("cookie_history")
def test_forged_unknown_ids_make_at_most_one_look_at_the_file_per_interval(
    tmp_path: Path, client: Client, settings: Settings
) -> None:
    """Issue 9 scenario 3. The file changes before each forged cookie, so every look at it
    loads a new keyring: the keyrings the site ends up having used count the looks."""
    path = tmp_path / "keyring.json"
    write_passwords(path, {"1": PASSWORD})
    settings.IRON_SESSION = {"KEYRING_FILE": str(path), "KEYRING_CHECK_INTERVAL": 3600}
    client.get("/session/")  # the first look
    passwords = get_config().passwords
    keyrings = [passwords.keyring()]  # kept, so that no two have the same id()

    for number in range(2, 50):
        write_passwords(path, {"1": PASSWORD, str(number): NEWER_PASSWORD})
        os.utime(path, ns=(number, number))
        client.cookies["sessionid"] = forged("999999")
        assert client.get("/session/").cookies["sessionid"].value == ""
        keyrings.append(passwords.keyring())

    # The first look, and one for all the forged cookies.
    assert len({id(keyring) for keyring in keyrings}) == 2
