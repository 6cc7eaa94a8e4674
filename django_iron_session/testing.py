"""Tests that change a client's session, for any engine that keeps the session in its cookie.

With such an engine the session key *is* the session: ``save()`` makes a new key, and Django's
test client keeps the old one in its cookie jar, so Django's pattern
``session = client.session; session["x"] = 1; session.save()`` changes nothing the next
request sees. Two ways round it:

- ``edit_session(client)``: a context manager that yields the client's session and, on exit,
  saves it and puts its new cookie in the client's jar. It works with Django's ``Client``
  and ``AsyncClient`` (and pytest-django's ``client`` fixture), as they are.
- ``SessionSavingClient`` and ``AsyncSessionSavingClient`` (or ``SessionSavingMixin`` on a
  client class of your own): clients whose ``session`` (and ``asession()``) saves through to
  the jar, so that Django's pattern works unchanged.

This module is for tests only; nothing in the engine imports it.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import AsyncClient, Client

if TYPE_CHECKING:
    from collections.abc import Iterator
    from http.cookies import SimpleCookie

__all__ = [
    "AsyncSessionSavingClient",
    "SessionSavingClient",
    "SessionSavingMixin",
    "edit_session",
]


class _HasCookies(Protocol):
    """What this module needs of a test client: its cookie jar."""

    cookies: SimpleCookie


def _session_store() -> type[SessionBase]:
    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    return store


def _cookie_value(client: _HasCookies) -> str | None:
    """The session cookie in the jar; a deleted one stays there with an empty value."""
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel is not None and morsel.value else None


def _put_in_jar(client: _HasCookies, session: SessionBase) -> None:
    """The cookie SessionMiddleware would set for ``session``, as the client keeps cookies."""
    name = settings.SESSION_COOKIE_NAME
    if session.session_key is None:
        client.cookies.pop(name, None)
        return
    client.cookies[name] = session.session_key
    client.cookies[name]["path"] = settings.SESSION_COOKIE_PATH
    if settings.SESSION_COOKIE_DOMAIN:
        client.cookies[name]["domain"] = settings.SESSION_COOKIE_DOMAIN


@contextmanager
def edit_session(client: _HasCookies) -> Iterator[SessionBase]:
    """The session of ``client`` (a ``Client`` or ``AsyncClient``), to change; saved into
    the client's cookie jar on exit.

    Logged in or not (``force_login()`` included), the session holds what the client's
    cookie holds. On exit it is saved and its cookie replaces the client's, unless it is
    empty (flushed, or nothing added): then the client's session cookie is removed, as
    SessionMiddleware deletes it. If the block raises, the jar is left as it was.
    """
    session = _session_store()(_cookie_value(client))
    yield session
    if session.is_empty():
        session.delete()
    else:
        session.save()
    _put_in_jar(client, session)


class _JarSaving(SessionBase):
    """A session whose ``save()`` puts its cookie in a test client's jar."""

    client: _HasCookies

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        _put_in_jar(self.client, self)

    async def asave(self, must_create: bool = False) -> None:
        await super().asave(must_create)
        _put_in_jar(self.client, self)


@functools.cache
def _jar_saving(store: type[SessionBase]) -> type[_JarSaving]:
    """``store`` with a ``save()`` that also writes the client's jar (one class each)."""
    # Under the store's own name: SessionBase salts what it signs with the class's
    # __qualname__, so a server-side engine's records stay readable both ways.
    return type(store.__name__, (_JarSaving, store), {"__qualname__": store.__qualname__})


class SessionSavingMixin:
    """A test client whose ``session`` saves into its cookie jar: Django's pattern
    ``session = client.session; session["x"] = 1; session.save()`` then works with an
    engine that keeps the session in the cookie."""

    cookies: SimpleCookie

    @property
    def session(self) -> SessionBase:
        session = _jar_saving(_session_store())(_cookie_value(self))
        session.client = self
        return session

    async def asession(self) -> SessionBase:
        return self.session


class SessionSavingClient(SessionSavingMixin, Client):
    """Django's ``Client``, whose ``session`` saves into its cookie jar."""


class AsyncSessionSavingClient(SessionSavingMixin, AsyncClient):
    """Django's ``AsyncClient``, whose ``session`` and ``asession()`` save into its jar."""
