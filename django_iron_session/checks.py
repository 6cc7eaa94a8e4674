"""System checks: ``django_iron_session.E001`` and up, ``W001`` and up."""

from __future__ import annotations
