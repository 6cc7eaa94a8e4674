from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path


def session_read(request: HttpRequest) -> JsonResponse:
    return JsonResponse(dict(request.session.items()))


def session_write(request: HttpRequest) -> JsonResponse:
    """Stores every query parameter; ``expiry`` (seconds) goes to ``set_expiry``."""
    for key in request.GET:
        if key == "expiry":
            request.session.set_expiry(int(request.GET[key]))
        else:
            request.session[key] = request.GET[key]
    return JsonResponse(dict(request.session.items()))


def session_flush(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return HttpResponse()


def session_cycle(request: HttpRequest) -> HttpResponse:
    request.session.cycle_key()
    return HttpResponse()


def session_fail(request: HttpRequest) -> HttpResponse:
    """Reads the session, then fails: SessionMiddleware saves nothing for a 5xx response."""
    return HttpResponse(str(dict(request.session.items())), status=500)


def session_untouched(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def log_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponse()


def whoami(request: HttpRequest) -> HttpResponse:
    """The logged-in user's name, empty for an anonymous visitor."""
    return HttpResponse(request.user.get_username())


urlpatterns: list[URLPattern] = [
    path("session/", session_read),
    path("session/write/", session_write),
    path("session/flush/", session_flush),
    path("session/cycle/", session_cycle),
    path("session/fail/", session_fail),
    path("session/untouched/", session_untouched),
    path("logout/", log_out),
    path("whoami/", whoami),
]
