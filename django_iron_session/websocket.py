"""``ReadOnlySessionMiddleware``: a WebSocket reads the session; a write is an error, not lost.

The session lives in its cookie, and a WebSocket connection has no response that could carry
a new cookie back (Channels' ``SessionMiddleware`` sends ``Set-Cookie`` with HTTP responses
only). Without this middleware a consumer that writes ``scope["session"]`` and saves it
changes nothing the browser keeps, and nothing says so. With it, ``save()``, ``cycle_key()``
(``channels.auth.login``) and, unless ``REVOCATION_CACHE`` makes it a revocation, ``flush()``
(``channels.auth.logout``) raise ``SessionReadOnlyError``, which tells to change the session
in an HTTP request. Put it inside Channels' stack, which puts the session in the scope::

    AuthMiddlewareStack(ReadOnlySessionMiddleware(URLRouter(websocket_urlpatterns)))

Plain ASGI: it needs nothing from Channels, and leaves other session engines alone (theirs
persist on the server, so a consumer's save is kept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django_iron_session.backend import SessionStore

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, MutableMapping

    Scope = MutableMapping[str, Any]
    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["ReadOnlySessionMiddleware"]


class ReadOnlySessionMiddleware:
    """Makes a WebSocket's ``scope["session"]`` read-only; other connections pass as they are."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if "session" not in scope:
                raise ValueError(
                    "ReadOnlySessionMiddleware found no session in the scope: put it inside "
                    "Channels' AuthMiddlewareStack or SessionMiddlewareStack."
                )
            session = scope["session"]
            # Channels' LazyObject answers isinstance for the store it wraps.
            if isinstance(session, SessionStore):
                session.make_read_only()
        await self.inner(scope, receive, send)
