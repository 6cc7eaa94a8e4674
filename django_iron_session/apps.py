from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import Tags, register

from django_iron_session import checks


class IronSessionConfig(AppConfig):
    name = "django_iron_session"
    verbose_name = "Iron sessions"

    def ready(self) -> None:
        register(checks.check_settings, Tags.security)
        register(checks.check_deploy, Tags.security, deploy=True)
