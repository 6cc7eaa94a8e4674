"""``SESSION_ENGINE = "django_iron_session.back_to.cache"``: Django's ``cache`` engine,
which also moves a sealed session into its own store, once (see ``moving_back.py``)."""

from __future__ import annotations

from django.contrib.sessions.backends import cache

from django_iron_session.moving_back import MoveBackMixin


class SessionStore(MoveBackMixin, cache.SessionStore):
    """Django's ``cache`` SessionStore, which opens this package's seals once."""
