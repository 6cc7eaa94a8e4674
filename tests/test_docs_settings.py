"""docs/installation.rst shows the error a non-JSON session value gives, as the engine gives
it, and fixes that work."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.contrib.auth.models import User

from django_iron_session.backend import SessionStore
from django_iron_session.iron import IronError
from testing.paths import REPO_DIR

INSTALLATION_PAGE = (REPO_DIR / "docs" / "installation.rst").read_text(encoding="utf-8")


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
