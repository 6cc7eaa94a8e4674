"""A one-module Django site with chunked sessions, for tests/e2e/test_chunks_browser.py.

Settings, URLs and views in one place: serve it with gunicorn as
``DJANGO_SETTINGS_MODULE=tests.e2e.chunk_site`` and ``django.core.wsgi:get_wsgi_application()``.
"""

from __future__ import annotations

import hashlib
import os
import secrets

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["django_iron_session"]
MIDDLEWARE = ["django_iron_session.middleware.SessionMiddleware"]
ROOT_URLCONF = "tests.e2e.chunk_site"
SESSION_ENGINE = "django_iron_session.backend"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
IRON_SESSION = {"PASSWORD": os.environ["IRON_SESSION_PASSWORD"], "CHUNKED": True}
USE_TZ = True


def grow(request: HttpRequest) -> HttpResponse:
    """A blob of ``kb`` kilobytes of random hex (it does not compress) in the session."""
    request.session["blob"] = secrets.token_hex(int(request.GET["kb"]) * 512)
    return show(request)


def shrink(request: HttpRequest) -> HttpResponse:
    request.session["blob"] = "small"
    return show(request)


def show(request: HttpRequest) -> HttpResponse:
    """Counts its visits in the session, so each one rewrites it; the blob as its digest."""
    request.session["visits"] = request.session.get("visits", 0) + 1
    blob = request.session.get("blob", "")
    return JsonResponse(
        {
            "visits": request.session["visits"],
            "blob_length": len(blob),
            "blob_sha256": hashlib.sha256(blob.encode()).hexdigest(),
        }
    )


def log_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return JsonResponse({})


urlpatterns = [
    path("grow/", grow),
    path("shrink/", shrink),
    path("show/", show),
    path("logout/", log_out),
]
