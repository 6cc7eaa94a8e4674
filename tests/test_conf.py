from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from django_iron_session import iron
from django_iron_session.conf import get_config
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import write_passwords

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_django import Settings


# --- get_config -------------------------------------------------------------------------------


def test_the_config_is_built_once_and_rebuilt_when_settings_change(settings: Settings) -> None:
    config = get_config()
    assert get_config() is config

    settings.SESSION_COOKIE_NAME = "other"
    assert get_config() is not config
    assert get_config().cookie_name == "other"
    config = get_config()
    settings.SESSION_SAVE_EVERY_REQUEST = True  # does not shape the cookie
    assert get_config() is config
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, 2: NEWER_PASSWORD}, "TIMESTAMP_SKEW": 5}
    config = get_config()
    assert config.passwords.keyring().sealing_id == "2"
    assert config.options.timestamp_skew == 5


def test_defaults(settings: Settings) -> None:
    config = get_config()

    assert config.cookie_size_limit == 4096
    assert config.options == iron.Options(timestamp_skew=0)
    assert list(config.passwords.keyring()) == ["1"]


def test_bad_settings_raise_improperly_configured_naming_every_problem(
    settings: Settings,
) -> None:
    settings.IRON_SESSION = {"PASSWORD": {"a": "short"}, "COOKIE_SIZE": 1}

    with pytest.raises(ImproperlyConfigured) as raised:
        get_config()

    message = str(raised.value)
    assert "unknown key 'COOKIE_SIZE'" in message
    assert "id 'a', which is not a non-negative integer" in message
    assert "id 'a' is shorter than 32 characters" in message
    assert "short" not in message.replace("shorter", "")


def test_missing_iron_session_raises(settings: Settings) -> None:
    del settings.IRON_SESSION
    # A deleted setting sends no setting_changed, as a changed one does: without it, the
    # config an earlier test built would still be in use.
    setting_changed.send(sender=type(settings), setting="IRON_SESSION", value=None, enter=True)

    with pytest.raises(ImproperlyConfigured, match="IRON_SESSION is missing"):
        get_config()


def test_keyring_file_config_reads_the_file(settings: Settings, tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    write_passwords(keyring, {"1": PASSWORD, "2": NEWER_PASSWORD})
    settings.IRON_SESSION = {"KEYRING_FILE": str(keyring)}

    assert get_config().passwords.keyring().sealing_id == "2"
