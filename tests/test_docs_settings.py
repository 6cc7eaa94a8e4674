"""docs/settings.rst lists every key of ``IRON_SESSION`` in one format, with the default the
code has, and every ``SESSION_*`` setting of Django; docs/installation.rst shows the error a
non-JSON session value gives, as the engine gives it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import django.conf.global_settings
import pytest
from django.contrib.auth.models import User

import django_iron_session
from django_iron_session.backend import SessionStore
from django_iron_session.defaults import DEFAULTS
from django_iron_session.iron import IronError
from django_iron_session.validation import VALUE_RULES
from testing.paths import REPO_DIR

SETTINGS_PAGE = (REPO_DIR / "docs" / "settings.rst").read_text(encoding="utf-8")
CHECKS_PAGE = (REPO_DIR / "docs" / "checks.rst").read_text(encoding="utf-8")
INSTALLATION_PAGE = (REPO_DIR / "docs" / "installation.rst").read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    """Each ``.. setting:: NAME`` section of the settings page, up to the next."""
    parts = re.split(r"^\.\. setting:: (\w+)\n", SETTINGS_PAGE, flags=re.MULTILINE)
    found = dict(zip(parts[1::2], parts[2::2], strict=True))
    last = next(reversed(found))
    found[last] = found[last].split("\n.. _django-session-settings:")[0]
    return found


def field(section: str, name: str) -> str:
    """A ``:Name:`` field's text, its continuation lines joined."""
    match = re.search(rf"^:{name}: (.*(?:\n {{9}}.*)*)", section, re.MULTILINE)
    assert match is not None, name
    return " ".join(match[1].split())


def test_every_key_has_a_section_in_the_page_format() -> None:
    found = sections()

    assert list(found) == list(DEFAULTS)
    for name, section in found.items():
        assert section.startswith(f"\n``{name}``\n{'~' * (len(name) + 4)}\n"), name
        for name_of_field in ("Type", "Default", "Checks"):
            field(section, name_of_field)
        assert section.count(".. code-block:: python") == 1, name
        assert "\nSee also: " in section, name


@pytest.mark.parametrize("name", [name for name in DEFAULTS if name != "PASSWORD"])
def test_each_default_is_the_codes(name: str) -> None:
    value = DEFAULTS[name]
    written = f'"{value}"' if isinstance(value, str) else repr(value)

    assert field(sections()[name], "Default").startswith(f"``{written}``"), name


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_the_checks_named_exist_and_include_the_value_check(name: str) -> None:
    checks = field(sections()[name], "Checks")
    ids = re.findall(r":check:`([EW]\d{3})`", checks)

    assert ids, name
    for check_id in ids:
        assert f"\n.. check:: {check_id}\n\n``{check_id}``\n" in CHECKS_PAGE, check_id
    if name in VALUE_RULES:
        assert "E006" in ids, name


def test_every_django_session_setting_is_listed_with_a_link() -> None:
    django_settings = {
        name for name in dir(django.conf.global_settings) if name.startswith("SESSION_")
    }
    linked = set(re.findall(r":django-setting:`(\w+)`", SETTINGS_PAGE))

    assert django_settings <= linked, sorted(django_settings - linked)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "type_name"),
    [(datetime(2026, 12, 7, tzinfo=timezone.utc), "datetime"), (User(username="ada"), "User")],
)
def test_a_value_json_cannot_hold_fails_the_save_as_the_installation_page_says(
    value: object, type_name: str
) -> None:
    store = SessionStore()
    store["value"] = value

    with pytest.raises(IronError) as raised:
        store.save()

    message = f"Data is not JSON serializable: Object of type {type_name} is not JSON serializable"
    assert str(raised.value) == message
    assert f"Object of type {type_name} is not JSON serializable" in INSTALLATION_PAGE
    if type_name == "datetime":
        assert f"django_iron_session.iron.IronError: {message}" in INSTALLATION_PAGE


def test_the_fixes_the_installation_page_gives_round_trip() -> None:
    moment = datetime(2026, 12, 7, 1, 2, 3, tzinfo=timezone.utc)
    store = SessionStore()
    store["when"] = moment.isoformat()
    store["user_id"] = 42
    store.save()

    reopened = SessionStore(store.session_key)

    assert datetime.fromisoformat(reopened["when"]) == moment
    assert reopened["user_id"] == 42
    assert "moment.isoformat()" in INSTALLATION_PAGE
    assert ".pk" in INSTALLATION_PAGE


DOCS_PAGES = {
    path.name: path.read_text(encoding="utf-8") for path in (REPO_DIR / "docs").glob("*.rst")
}
# The installed package's files: under `make dist` the sdist's tests run without the sources.
PACKAGE_SOURCE = "\n".join(
    path.read_text(encoding="utf-8")
    for path in Path(django_iron_session.__file__).resolve().parent.rglob("*.py")
)


def test_every_check_the_package_has_is_a_target_of_the_checks_page() -> None:
    in_code = set(re.findall(r"""["'.]([EW]\d{3})["']""", PACKAGE_SOURCE))
    targets = set(re.findall(r"^\.\. check:: ([EW]\d{3})$", CHECKS_PAGE, re.MULTILINE))

    assert len(in_code) > 20
    assert targets == in_code


@pytest.mark.parametrize(
    ("role", "directive"),
    [("check", "check"), ("setting", "setting"), ("djadmin", "django-admin")],
)
def test_every_cross_reference_names_a_target(role: str, directive: str) -> None:
    # Sphinx leaves a reference to a missing target of these types as plain text, without a
    # warning: -W would not catch it.
    text = "\n".join(DOCS_PAGES.values())
    targets = set(re.findall(rf"^\.\. {directive}:: (\S+)$", text, re.MULTILINE))
    references = set(re.findall(rf":{role}:`([^`<]+)`", text))

    assert references
    assert references <= targets
