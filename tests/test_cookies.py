from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from django_iron_session.backend import SessionStore
from django_iron_session.cookies import SetCookieSize

if TYPE_CHECKING:
    from pytest_django import Settings


@pytest.mark.parametrize("at_browser_close", [True, False])
def test_set_cookie_size_is_the_size_of_the_line_session_middleware_writes(
    settings: Settings, *, at_browser_close: bool
) -> None:
    settings.SESSION_COOKIE_DOMAIN = ".example.com"
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = at_browser_close
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session["a"] = 1

    response = SessionMiddleware(lambda _: HttpResponse()).process_response(request, HttpResponse())

    morsel = response.cookies[settings.SESSION_COOKIE_NAME]
    max_age = None if morsel["max-age"] == "" else int(morsel["max-age"])
    assert (max_age is None) is at_browser_close
    size = SetCookieSize.measure()(morsel.value, max_age)
    assert size == len(morsel.OutputString().encode())
