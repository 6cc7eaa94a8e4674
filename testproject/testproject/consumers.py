"""``/ws/session/``: who the session's cookie says the user is, and the session's keys."""

from __future__ import annotations

import json

from channels.generic.websocket import AsyncWebsocketConsumer


class SessionConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # Channels is untyped
    """Sends one message on connect: ``{"user": <username or null>, "keys": [...]}``.

    It only reads: a WebSocket cannot change the cookie (see ReadOnlySessionMiddleware).
    """

    async def connect(self) -> None:
        await self.accept()
        user = self.scope["user"]
        keys = sorted(await self.scope["session"].akeys())
        username = user.get_username() if user.is_authenticated else None
        await self.send(text_data=json.dumps({"user": username, "keys": keys}))
