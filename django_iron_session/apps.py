from __future__ import annotations

from django.apps import AppConfig


class IronSessionConfig(AppConfig):
    name = "django_iron_session"
    verbose_name = "Iron sessions"

    def ready(self) -> None:
        from django_iron_session import checks  # noqa: F401 -- registers the checks
