"""Django's own session tests, run on our engine: ``tests/sessions_tests`` of the installed
Django's source distribution (see django_source.py), which the wheel does not ship.

- ``IronSessionTests``: Django's ``SessionTestsMixin``, the tests every session engine runs.
  Django's ``CookieSessionTests`` replaces ten of them for ``signed_cookies``; we skip only
  those of the ten that cannot hold for a cookie-only engine and run the others unchanged,
  since our engine does what ``signed_cookies`` cannot (``RUN_DESPITE_COOKIE_OVERRIDE``).
- ``IronSessionMiddlewareTests``: Django's ``SessionMiddlewareTests`` with our engine, but
  for ``test_empty_session_saved``, which reads the ``db`` engine's table (Django runs these
  tests only with that engine).

Without network on the first run (the sdist is cached in ``_django_src/``, gitignored) the
module is skipped, with the reason shown; with ``CI`` set that is an error instead.
"""

from __future__ import annotations

import unittest
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings

from django_iron_session.backend import SessionStore
from testing.components import unavailable
from tests.django_suite import django_source

if TYPE_CHECKING:
    from pathlib import Path

ENGINE = "django_iron_session.backend"
# The first run downloads Django's sdist from PyPI; later ones read the copy it left.
pytestmark = pytest.mark.network


def _sessions_tests_root() -> Path:
    try:
        return django_source.sessions_tests_root()
    except django_source.DjangoSourceUnavailable as error:
        unavailable(f"Django's own session tests could not be fetched: {error}")


# The module, not its classes: a TestCase imported by name would be collected here as is.
django_tests: Any = django_source.import_sessions_tests(_sessions_tests_root())

NO_STORE = "exists() is always False: the session is only in the client's cookie"
NO_RECORD = "no server-side record: delete() elsewhere cannot make this save() raise UpdateError"

#: Tests that Django's CookieSessionTests replaces for signed_cookies, run here unchanged
RUN_DESPITE_COOKIE_OVERRIDE = {
    "test_cycle": "a new seal is a new key, data kept (the old cookie stays valid till expiry)",
    "test_cycle_async": "as test_cycle",
    "test_actual_expiry": "the expiry is sealed in the cookie and enforced (not so in #19201)",
    "test_actual_expiry_async": "as test_actual_expiry",
    "test_session_load_does_not_create_record": "an unreadable cookie leaves no session key",
    "test_session_load_does_not_create_record_async": "as the sync test",
}


class IronSessionTests(django_tests.SessionTestsMixin, SimpleTestCase):  # type: ignore[misc]
    backend = SessionStore

    @unittest.skip(NO_STORE)
    def test_save(self) -> None: ...

    @unittest.skip(NO_STORE)
    async def test_save_async(self) -> None: ...

    @unittest.skip(NO_RECORD)
    def test_session_save_does_not_resurrect_session_logged_out_in_other_context(
        self,
    ) -> None: ...

    @unittest.skip(NO_RECORD)
    async def test_session_asave_does_not_resurrect_session_logged_out_in_other_context(
        self,
    ) -> None: ...


@override_settings(SESSION_ENGINE=ENGINE)
class IronSessionMiddlewareTests(django_tests.SessionMiddlewareTests):  # type: ignore[misc]
    @unittest.skip("reads the database row of the db engine; Django runs it only with that one")
    def test_empty_session_saved(self) -> None: ...

    def test_the_engine_is_ours(self) -> None:
        assert SessionMiddleware(HttpResponse).SessionStore is SessionStore


def _test_names(cls: type) -> set[str]:
    return {name for name in vars(cls) if name.startswith("test_")}


def test_we_skip_only_what_djangos_cookie_session_tests_replace() -> None:
    """When a Django release changes CookieSessionTests, this says to review the list."""
    replaced_for_cookies = _test_names(django_tests.CookieSessionTests) & set(
        dir(django_tests.SessionTestsMixin)
    )
    assert _test_names(IronSessionTests) | set(RUN_DESPITE_COOKIE_OVERRIDE) == (
        replaced_for_cookies
    )
    assert not _test_names(IronSessionTests) & set(RUN_DESPITE_COOKIE_OVERRIDE)
