from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from django.test import Client

#: the password tests/settings.py configures
PASSWORD: str = settings.IRON_SESSION["PASSWORD"]
NEWER_PASSWORD = "a-newer-tests-only-password-of-more-than-32-characters"


def session_cookie(client: Client) -> str:
    """The session cookie's value as the client holds it."""
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def log_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog down to DEBUG for this package (Django's own loggers keep their levels)."""
    caplog.set_level("DEBUG", logger="django_iron_session")
    return caplog
