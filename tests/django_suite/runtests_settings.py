"""Settings for Django's own ``tests/runtests.py`` with this engine, to see which of Django's
suites pass with a cookie engine (``docs/testing.rst`` gives the figures).

From an unpacked Django source distribution's ``tests/`` directory, with this repository on
``PYTHONPATH``::

    python runtests.py --settings=tests.django_suite.runtests_settings --parallel=1 \\
        auth_tests messages_tests test_client test_client_regress csrf_tests

With ``SAVING_CLIENT=1`` in the environment, Django's ``Client`` and ``AsyncClient`` (and so
every test's ``self.client`` and the test suites' own client classes) are
``django_iron_session.testing``'s clients whose ``session`` saves into the cookie jar.
"""

from __future__ import annotations

import os

import django.test

# Django's own test settings, in the directory runtests.py runs from.
from test_sqlite import *  # type: ignore[import-not-found]  # noqa: F403

from django_iron_session.testing import AsyncSessionSavingClient, SessionSavingClient

SESSION_ENGINE = "django_iron_session.backend"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
IRON_SESSION = {"PASSWORD": "runtests-only-password-of-at-least-32-characters"}

if os.environ.get("SAVING_CLIENT") == "1":
    # Before the test modules are imported: their own client classes (auth_tests'
    # PasswordResetConfirmClient) subclass django.test.Client.
    django.test.Client = django.test.client.Client = SessionSavingClient  # type: ignore[misc]
    django.test.AsyncClient = django.test.client.AsyncClient = AsyncSessionSavingClient  # type: ignore[misc]
    django.test.SimpleTestCase.client_class = SessionSavingClient
    django.test.SimpleTestCase.async_client_class = AsyncSessionSavingClient
