from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from django.core import signing

from django_iron_session import iron_session, refusals
from django_iron_session.refusals import (
    LINES_PER_PERIOD,
    PERIOD,
    Reporter,
    session_cookie_refused,
    shorten,
)
from testing.constants import PASSWORD
from tests.helpers import forged, session_cookie

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.test import Client
    from pytest_django import Settings


@pytest.fixture
def counted() -> Iterator[Counter[str]]:
    """How many times the signal was sent, by reason, as a site's metrics would count."""
    counts: Counter[str] = Counter()

    def count(sender: type, reason: str, **kwargs: Any) -> None:
        counts[reason] += 1

    session_cookie_refused.connect(count)
    yield counts
    session_cookie_refused.disconnect(count)


@pytest.mark.usefixtures("cookie_history")
def test_the_signal_is_sent_for_every_refused_cookie_with_its_reason(
    client: Client, settings: Settings, counted: Counter[str]
) -> None:
    client.get("/session/write/", {"colour": "red"})
    good = session_cookie(client)
    refused = {
        "expired": iron_session.seal_data({"a": 1}, PASSWORD, ttl=1, now=time.time() - 60),
        "invalid": good[:-10],
        "unknown-password": forged("12345"),
        "not-a-seal": signing.dumps({"a": 1}),
    }
    for cookie in refused.values():
        for _ in range(30):
            client.cookies["sessionid"] = cookie
            client.get("/session/")

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "revocation": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        },
    }
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "REVOCATION_CACHE": "revocation"}
    client.get("/session/write/", {"colour": "red"})
    copy = session_cookie(client)
    client.get("/session/flush/")
    client.cookies["sessionid"] = copy
    client.get("/session/")

    assert counted == {
        "expired": 30,
        "invalid": 30,
        "unknown-password": 30,
        "not-a-seal": 30,
        "revoked": 1,
    }


def test_a_flood_is_logged_as_the_first_lines_then_one_count_per_period(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [1000.0]
    reporter = Reporter(clock=lambda: now[0])

    for _ in range(500):
        reporter.refused(Reporter, "invalid", "invalid (Bad hmac value)")
    now[0] += PERIOD
    reporter.refused(Reporter, "invalid", "invalid (Bad hmac value)")

    lines = [record.getMessage() for record in caplog.records]
    assert lines[:LINES_PER_PERIOD] == ["Session cookie rejected: invalid (Bad hmac value)"] * 10
    assert lines[LINES_PER_PERIOD:] == [
        "490 more session cookies rejected (invalid) in the last 60 s were not logged one by one",
        "Session cookie rejected: invalid (Bad hmac value)",
    ]
    assert {record.name for record in caplog.records} == {"django.security.SuspiciousSession"}


def test_each_reason_has_its_own_budget(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="django_iron_session")
    reporter = Reporter(clock=lambda: 0.0)

    for reason in refusals.REASONS:
        for _ in range(LINES_PER_PERIOD + 5):
            reporter.refused(Reporter, reason, reason)

    assert Counter(record.getMessage() for record in caplog.records) == {
        f"Session cookie rejected: {reason}": LINES_PER_PERIOD for reason in refusals.REASONS
    }


def test_a_reason_whose_logger_is_off_spends_no_budget(
    caplog: pytest.LogCaptureFixture, counted: Counter[str]
) -> None:
    reporter = Reporter(clock=lambda: 0.0)

    for _ in range(LINES_PER_PERIOD * 2):
        reporter.refused(Reporter, "expired", "expired")  # DEBUG, below caplog's WARNING

    assert caplog.records == []
    assert counted == {"expired": 20}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("9", "'9'"),
        ("9" * 16, repr("9" * 16)),
        ("9" * 3000, repr("9" * 16 + "...")),
        ("a\nb", "'a\\nb'"),
    ],
)
def test_an_untrusted_value_is_cut_and_quoted(value: str, shown: str) -> None:
    assert shorten(value) == shown
