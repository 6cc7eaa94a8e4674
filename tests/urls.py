from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def whoami(request: HttpRequest) -> HttpResponse:
    """The logged-in user's name, empty for an anonymous visitor."""
    return HttpResponse(request.user.get_username())


urlpatterns: list[URLPattern] = [
    path("whoami/", whoami),
]
