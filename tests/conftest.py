from __future__ import annotations

import pytest


@pytest.fixture
def log_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog down to DEBUG for this package (Django's own loggers keep their levels)."""
    caplog.set_level("DEBUG", logger="django_iron_session")
    return caplog
