"""``SESSION_ENGINE = "django_iron_session.back_to.cached_db"``: Django's ``cached_db`` engine,
which also moves a sealed session into its own store, once (see ``moving_back.py``)."""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

from django_iron_session.moving_back import MoveBackMixin


class SessionStore(MoveBackMixin, cached_db.SessionStore):
    """Django's ``cached_db`` SessionStore, which opens this package's seals once."""
