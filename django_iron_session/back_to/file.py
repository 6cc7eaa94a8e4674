"""``SESSION_ENGINE = "django_iron_session.back_to.file"``: Django's ``file`` engine,
which also moves a sealed session into its own store, once (see ``moving_back.py``)."""

from __future__ import annotations

from django.contrib.sessions.backends import file

from django_iron_session.moving_back import MoveBackMixin


class SessionStore(MoveBackMixin, file.SessionStore):
    """Django's ``file`` SessionStore, which opens this package's seals once."""
