"""Which views the pages' forms go to: the async twins when the site runs under ASGI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.handlers.asgi import ASGIRequest
from django.urls import reverse

if TYPE_CHECKING:
    from django.http import HttpRequest


def served_by(request: HttpRequest) -> dict[str, object]:
    asgi = isinstance(request, ASGIRequest)
    prefix = "async-" if asgi else ""
    return {
        "asgi": asgi,
        "login_url": reverse(f"{prefix}login"),
        "logout_url": reverse(f"{prefix}logout"),
        "counter_url": reverse(f"{prefix}counter"),
    }
