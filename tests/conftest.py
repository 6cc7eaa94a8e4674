from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from django_iron_session import iron, iron_session, known_cookies, refusals
from django_iron_session.conf import get_config
from testing import components
from tests.helpers import Clock

if TYPE_CHECKING:
    from collections.abc import Iterator


def pytest_runtest_setup(item: pytest.Item) -> None:
    components.starting(item)


@pytest.fixture(autouse=True)
def fresh_refusal_log_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the whole budget of refusal log lines (10 a minute a reason)."""
    monkeypatch.setattr(refusals, "reporter", refusals.Reporter())


@pytest.fixture
def refused_reasons() -> Iterator[list[str]]:
    """The reason of each ``session_cookie_refused`` signal sent during the test, in order."""
    reasons: list[str] = []

    def record(reason: str, **kwargs: object) -> None:
        reasons.append(reason)

    refusals.session_cookie_refused.connect(record)
    yield reasons
    refusals.session_cookie_refused.disconnect(record)


@pytest.fixture(autouse=True)
def no_known_cookies() -> None:
    """Each test starts with an empty known-cookies table: no test passes or fails on what
    an earlier one sealed or opened."""
    known_cookies.known_cookies.clear()


@pytest.fixture(params=["seen", "unseen"])
def cookie_history(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test twice, so that none passes only because of the known-cookies table.

    "seen": every cookie whose MAC checks out is in the table before the store looks it up,
    as if this process had sealed or opened it earlier (an expired one too: the table's own
    expiry check then refuses it). "unseen": the table never knows a cookie, so that every
    load checks the MAC and decrypts.
    """
    table = known_cookies.known_cookies
    lookup = table.opened
    if request.param == "unseen":

        def never_seen(*args: Any, **kwargs: Any) -> None:
            return None

        monkeypatch.setattr(table, "opened", never_seen)
        return "unseen"

    def seen_before(
        value: str, keyring: iron.Keyring, *args: Any, **kwargs: Any
    ) -> known_cookies.Opened | None:
        found = lookup(value, keyring, *args, **kwargs)
        if found is not None:
            return found
        try:
            # now=0: an expired seal is remembered too, as it was while it was valid.
            unsealed = iron_session.open_data(
                value, keyring, now=0, options=get_config().options, decode=bytes
            )
        except iron.IronError:
            return None  # never in the table: a forgery, or a password the keyring lacks
        table.add(value, keyring, known_cookies.Opened(unsealed.data, unsealed.expires_at))
        return lookup(value, keyring, *args, **kwargs)

    monkeypatch.setattr(table, "opened", seen_before)
    return "seen"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """``time.time()`` stopped until the test moves it: a test of what happens later
    advances it instead of sleeping. Datetimes (``timezone.now()``) still follow the real
    clock."""
    stopped = Clock(time.time())
    monkeypatch.setattr(time, "time", stopped)
    return stopped


@pytest.fixture
def log_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog down to DEBUG for this package (Django's own loggers keep their levels)."""
    caplog.set_level("DEBUG", logger="django_iron_session")
    return caplog
