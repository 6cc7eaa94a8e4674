"""``django_iron_session.middleware.SessionMiddleware``: Django's, plus iron-session 9 chunks.

Use it in place of ``django.contrib.sessions.middleware.SessionMiddleware`` when
``IRON_SESSION["CHUNKED"]`` is on. It reads a session stored whole or in chunks, writes
chunks when the seal does not fit in one cookie, and expires the cookies of the layout a
session no longer uses, as iron-session 9 does with ``chunk: true``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils.cache import patch_vary_headers

from django_iron_session import chunks
from django_iron_session.conf import get_config

if TYPE_CHECKING:
    from http.cookies import Morsel

    from django.http import HttpRequest, HttpResponse

__all__ = ["SessionMiddleware"]


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, with the session's cookie split when it must be."""

    def process_request(self, request: HttpRequest) -> None:
        session_key = chunks.read(request.COOKIES, settings.SESSION_COOKIE_NAME)
        request.session = self.SessionStore(session_key)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        session = getattr(request, "session", None)
        if session is None:
            return response
        name = settings.SESSION_COOKIE_NAME
        written = response.cookies.get(name)
        if written is not None and session.session_key and written.value == session.session_key:
            kept = _write_chunks_if_needed(response, name, written)
        elif session.is_empty():
            kept = set()
        else:
            return response
        stored = chunks.stored_names(request.COOKIES, name)
        stale = [cookie for cookie in stored if cookie not in kept]
        for cookie in stale:
            response.delete_cookie(
                cookie,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        if stale:
            patch_vary_headers(response, ("Cookie",))
        return response


def _write_chunks_if_needed(response: HttpResponse, name: str, written: Morsel[str]) -> set[str]:
    """Replace the session cookie by chunks if it is too large; the names now written."""
    config = get_config()
    max_age = None if written["max-age"] == "" else int(written["max-age"])
    if config.set_cookie_size(written.value, max_age) <= config.cookie_size_limit:
        return {name}
    # The backend's size guard let this seal through only because it fits in the chunks.
    del response.cookies[name]
    names = set()
    for index, part in enumerate(chunks.split(written.value, chunks.budget(config, max_age))):
        chunk = written.copy()
        chunk.set(chunks.chunk_name(name, index), part, part)
        response.cookies[chunk.key] = chunk
        names.add(chunk.key)
    return names
