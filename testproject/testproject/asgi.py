"""The ASGI application: HTTP through Django's handler, ``/ws/session/`` through Channels.

    uvicorn --app-dir testproject testproject.asgi:application
    cd testproject && daphne testproject.asgi:application

A WebSocket's session comes from the cookie of its handshake (Channels' AuthMiddlewareStack
finds the user in it); ReadOnlySessionMiddleware makes writing it an error, since no
response could carry the new cookie back.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings")

# Django is set up before anything below imports models.
http_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from django_iron_session.websocket import ReadOnlySessionMiddleware  # noqa: E402
from testproject.consumers import SessionConsumer  # noqa: E402

websocket_urlpatterns = [path("ws/session/", SessionConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {
        "http": http_application,
        # The origin check: a page of another site cannot open this socket with our cookie.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(ReadOnlySessionMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
