"""``SESSION_ENGINE = "django_iron_session.back_to.db"``: Django's ``db`` engine,
which also moves a sealed session into its own store, once (see ``moving_back.py``)."""

from __future__ import annotations

from django.contrib.sessions.backends import db

from django_iron_session.moving_back import MoveBackMixin


class SessionStore(MoveBackMixin, db.SessionStore):
    """Django's ``db`` SessionStore, which opens this package's seals once."""
