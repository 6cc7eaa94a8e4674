from __future__ import annotations

import pytest

from django_iron_session import refusals


@pytest.fixture(autouse=True)
def fresh_refusal_log_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the whole budget of refusal log lines (10 a minute a reason)."""
    monkeypatch.setattr(refusals, "reporter", refusals.Reporter())


@pytest.fixture
def log_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog down to DEBUG for this package (Django's own loggers keep their levels)."""
    caplog.set_level("DEBUG", logger="django_iron_session")
    return caplog
