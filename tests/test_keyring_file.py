from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from django_iron_session import iron_session
from django_iron_session.keyring_file import (
    DEFAULT_PASSWORD_LENGTH,
    KeyringContents,
    KeyringFileError,
    generate_password,
    locked,
    read_in_service,
    read_keyring,
    read_passwords,
    write_keyring,
)
from testing.components import require_node_packages
from testing.paths import INTEROP_DIR

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
ONE = "password-one-" + "1" * 32
TWO = "password-two-" + "2" * 32
THREE = "password-three-" + "3" * 32


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# Reading


def test_a_written_keyring_reads_back_the_same(tmp_path: Path) -> None:
    contents = KeyringContents({"1": ONE, "2": TWO}, {"1": NOW})
    path = tmp_path / "keyring.json"
    write_keyring(path, contents)
    assert read_keyring(path) == contents
    assert read_passwords(path) == {"1": ONE, "2": TWO}


def test_a_file_without_retired_dates_reads(tmp_path: Path) -> None:
    path = write_text(tmp_path / "keyring.json", json.dumps({"passwords": {"1": ONE}}))
    assert read_keyring(path) == KeyringContents({"1": ONE}, {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[]", "has no 'passwords' object"),
        ('{"passwords": {}}', "has no 'passwords' object"),
        ('{"passwords": ["a"]}', "has no 'passwords' object"),
        ('{"passwords": {"one": "' + ONE + '"}}', "password ids must be integers"),
        ('{"passwords": {"01": "' + ONE + '"}}', "password ids must be integers"),
        ('{"passwords": {"1": 1}}', "passwords strings"),
    ],
)
def test_a_file_with_bad_passwords_is_refused_with_the_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write_text(tmp_path / "keyring.json", text)
    for read in (read_keyring, read_passwords):
        with pytest.raises(KeyringFileError, match=message) as raised:
            read(path)
        assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("retired", "message"),
    [
        (["1"], "'retired' must be an object"),
        ({"3": "2026-11-27T02:00:00+00:00"}, "names password 3, which it does not hold"),
        ({"1": "yesterday"}, "ISO 8601 with an offset"),
        ({"1": 1764208800}, "ISO 8601 with an offset"),
        ({"1": "2026-11-27T02:00:00"}, "ISO 8601 with an offset"),
    ],
)
def test_bad_retired_dates_stop_a_rotation_but_not_the_running_site(
    tmp_path: Path, retired: object, message: str
) -> None:
    document = {"passwords": {"1": ONE, "2": TWO}, "retired": retired}
    path = write_text(tmp_path / "keyring.json", json.dumps(document))
    with pytest.raises(KeyringFileError, match=message):
        read_keyring(path)
    assert read_passwords(path) == {"1": ONE, "2": TWO}


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    path.write_bytes(b'{"passwords": {"1": "\xff"}}')
    with pytest.raises(KeyringFileError, match="is not valid JSON"):
        read_keyring(path)


def test_an_unreadable_file_is_refused_with_the_system_reason(tmp_path: Path) -> None:
    # A directory, since the tests may run as root, who reads any file.
    path = tmp_path / "keyring.json"
    path.mkdir()
    with pytest.raises(KeyringFileError, match=r"cannot read .*keyring.json: Is a directory"):
        read_keyring(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyringFileError, match="No such file or directory"):
        read_passwords(tmp_path / "missing.json")


# The format, as Node reads it


def test_the_file_is_json_with_ids_in_numeric_order(tmp_path: Path) -> None:
    passwords = {str(key): f"{key:02}" + ONE for key in (10, 9, 1)}
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents(passwords, {"9": NOW, "1": NOW - DAY}))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document["passwords"]) == ["1", "9", "10"]
    assert document["retired"] == {
        "1": "2026-11-26T02:00:00+00:00",
        "9": "2026-11-27T02:00:00+00:00",
    }


@pytest.mark.interop
def test_iron_session_uses_the_map_that_the_documented_line_loads(tmp_path: Path) -> None:
    node = require_node_packages()
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents({"1": ONE, "2": TWO}, {"1": NOW}))
    script = """
        import fs from "node:fs";
        import { sealData, unsealData } from "iron-session9";
        const password = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).passwords;
        const opened = await unsealData(process.argv[2], { password });
        const sealed = await sealData({ from: "node" }, { password });
        console.log(JSON.stringify({ opened, sealed }));
    """
    from_django = iron_session.seal_data({"from": "django"}, read_passwords(path))
    result = subprocess.run(
        [node, "--input-type=module", "-e", script, str(path), from_django],
        cwd=INTEROP_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answer = json.loads(result.stdout)
    assert answer["opened"] == {"from": "django"}
    from_node = iron_session.open_data(answer["sealed"], read_passwords(path))
    assert (from_node.data, from_node.password_id) == ({"from": "node"}, "2")


# Rotation and pruning


def test_a_rotation_adds_the_next_id_and_retires_the_others_now() -> None:
    before = KeyringContents({"1": ONE, "2": TWO}, {"1": NOW - DAY})
    after = before.rotated(THREE, NOW)
    assert after.passwords == {"1": ONE, "2": TWO, "3": THREE}
    assert after.newest_id == "3"
    assert after.retired == {"1": NOW - DAY, "2": NOW}
    assert before.passwords == {"1": ONE, "2": TWO}


def test_ids_are_compared_as_integers() -> None:
    after = KeyringContents({"9": ONE, "10": TWO}).rotated(THREE, NOW)
    assert after.newest_id == "11"
    assert after.retired == {"9": NOW, "10": NOW}


def test_the_first_password_is_id_1() -> None:
    empty = KeyringContents({})
    assert empty.newest_id is None
    assert empty.rotated(ONE, NOW) == KeyringContents({"1": ONE}, {})


def test_pruning_takes_a_password_retired_exactly_the_age_ago() -> None:
    contents = KeyringContents({"1": ONE, "2": TWO, "3": THREE}, {"1": NOW - 14 * DAY, "2": NOW})
    assert contents.prunable(NOW, 14 * DAY) == ["1"]


def test_pruning_keeps_a_password_retired_a_moment_less_than_the_age_ago() -> None:
    moment = timedelta(microseconds=1)
    contents = KeyringContents({"1": ONE, "2": TWO}, {"1": NOW - 14 * DAY + moment})
    assert contents.prunable(NOW, 14 * DAY) == []


def test_pruning_never_takes_the_newest_nor_an_undated_password() -> None:
    contents = KeyringContents({"1": ONE, "2": TWO, "3": THREE}, {"3": NOW - 30 * DAY})
    assert contents.prunable(NOW, DAY) == []


def test_without_drops_passwords_and_their_dates() -> None:
    contents = KeyringContents({"1": ONE, "2": TWO, "3": THREE}, {"1": NOW, "2": NOW})
    assert contents.without(["1"]) == KeyringContents({"2": TWO, "3": THREE}, {"2": NOW})


# New passwords


def test_a_new_password_is_43_url_safe_characters_by_default() -> None:
    password = generate_password()
    assert len(password) == DEFAULT_PASSWORD_LENGTH == 43
    assert set(password) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert password != generate_password()


@pytest.mark.parametrize("length", [32, 33, 100])
def test_a_new_password_has_the_length_asked_for(length: int) -> None:
    assert len(generate_password(length)) == length


def test_a_new_password_is_never_shorter_than_32_characters() -> None:
    with pytest.raises(ValueError, match="at least 32 characters"):
        generate_password(31)


# Writing


def test_a_new_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents({"1": ONE}))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_passwords(path) == {"1": ONE}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (0o600, 0o600),
        (0o640, 0o640),
        (0o660, 0o660),
        (0o644, 0o640),
        (0o666, 0o660),
        (0o755, 0o640),
        (0o400, 0o400),
    ],
)
def test_a_replaced_file_keeps_its_mode_within_owner_and_group_read_write(
    tmp_path: Path, before: int, after: int
) -> None:
    path = tmp_path / "keyring.json"
    write_text(path, "{}").chmod(before)
    write_keyring(path, KeyringContents({"1": ONE}))
    assert stat.S_IMODE(path.stat().st_mode) == after


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_replaced_file_keeps_its_owner_and_group(tmp_path: Path) -> None:
    path = write_text(tmp_path / "keyring.json", "{}")
    os.chown(path, 65534, 65533)
    write_keyring(path, KeyringContents({"1": ONE}))
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65533)


def shared_file_and_link(tmp_path: Path) -> tuple[Path, Path]:
    """A keyring on "shared storage" and one host's symbolic link to it."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "host").mkdir()
    target = tmp_path / "shared" / "keyring.json"
    write_keyring(target, KeyringContents({"1": ONE}))
    target.chmod(0o640)
    link = tmp_path / "host" / "keyring.json"
    link.symlink_to(target)
    return target, link


def test_a_write_through_a_symlink_replaces_its_target_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    target, link = shared_file_and_link(tmp_path)

    with locked(link):
        write_keyring(link, KeyringContents({"1": ONE, "2": TWO}))

    assert link.is_symlink()
    assert link.readlink() == target
    assert read_passwords(target) == {"1": ONE, "2": TWO}
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    # The temporary file and the lock are the target's neighbours, not the link's.
    assert sorted(os.listdir(tmp_path / "host")) == ["keyring.json"]
    assert sorted(os.listdir(tmp_path / "shared")) == ["keyring.json", "keyring.json.lock"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    # A directory with something in it cannot be replaced by a file: the rename fails.
    path = tmp_path / "keyring.json"
    path.mkdir()
    (path / "kept").write_text("x", encoding="utf-8")
    with pytest.raises(KeyringFileError, match=r"cannot write .*keyring.json: Is a directory"):
        write_keyring(path, KeyringContents({"1": ONE}))
    assert sorted(os.listdir(tmp_path)) == ["keyring.json"]
    assert os.listdir(path) == ["kept"]


def test_a_write_into_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyringFileError, match="No such file or directory"):
        write_keyring(tmp_path / "missing" / "keyring.json", KeyringContents({"1": ONE}))


# Locking


def test_the_lock_is_exclusive_while_held(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    lock_path = tmp_path / "keyring.json.lock"
    with locked(path):
        assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600
        descriptor = os.open(lock_path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(descriptor)
    descriptor = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(descriptor)
    assert lock_path.exists()


def test_a_lock_that_cannot_be_created_is_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(KeyringFileError, match=r"cannot open the lock file .*keyring.json.lock"),
        locked(tmp_path / "missing" / "keyring.json"),
    ):
        pytest.fail("locked without a lock file")


# Staging (issue 9, scenario 6)


def test_a_staged_password_takes_the_next_id_and_seals_only_once_activated() -> None:
    before = KeyringContents({"1": ONE, "2": TWO}, {"1": NOW - DAY})

    staged = before.with_staged(THREE)
    activated = staged.activated(NOW)

    assert (staged.passwords, staged.staged, staged.newest_id) == (
        before.passwords,
        {"3": THREE},
        "2",
    )
    assert activated.passwords == {"1": ONE, "2": TWO, "3": THREE}
    assert activated.staged == {}
    assert activated.newest_id == "3"
    assert activated.retired == {"1": NOW - DAY, "2": NOW}
    assert before.rotated(THREE, NOW) == activated


def test_a_staged_password_is_written_apart_from_the_passwords(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    contents = KeyringContents({"1": ONE}, staged={"2": TWO})

    write_keyring(path, contents)

    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {"passwords": {"1": ONE}, "retired": {}, "staged": {"2": TWO}}
    assert read_keyring(path) == contents
    # What a Node app's documented line reads: the staged password is not in it.
    assert read_passwords(path) == {"1": ONE}
    assert read_in_service(path) == ({"1": ONE}, {"2": TWO})
    assert contents.without(["1"]).staged == {"2": TWO}


def test_without_a_staged_password_the_file_has_no_staged_key(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    write_keyring(path, KeyringContents({"1": ONE}))
    assert "staged" not in json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("staged", "message"),
    [
        (["2"], "'staged' must be an object"),
        ({"1": TWO}, "password 1 is both staged and in 'passwords'"),
        ({"two": TWO}, "password ids must be integers"),
        ({"2": 2}, "passwords strings"),
    ],
)
def test_a_bad_staged_object_is_refused(tmp_path: Path, staged: object, message: str) -> None:
    document = {"passwords": {"1": ONE}, "staged": staged}
    path = write_text(tmp_path / "keyring.json", json.dumps(document))
    for read in (read_keyring, read_in_service):
        with pytest.raises(KeyringFileError, match=message):
            read(path)
