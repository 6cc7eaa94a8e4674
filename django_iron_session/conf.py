"""``settings.IRON_SESSION``, read once and kept until the settings change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from django_iron_session import iron
from django_iron_session.cookies import SetCookieSize
from django_iron_session.defaults import DEFAULTS
from django_iron_session.passwords import (
    KeyringFilePasswords,
    PasswordSource,
    SettingPasswords,
)
from django_iron_session.validation import engine_paths, settings_problems

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

__all__ = ["Config", "get_config"]


@dataclass(frozen=True)
class Config:
    passwords: PasswordSource
    options: iron.Options
    cookie_name: str
    cookie_size_limit: int
    set_cookie_size: SetCookieSize
    #: write ``name.0``... when the seal does not fit in one cookie (iron-session 9's chunks)
    chunked: bool
    #: zlib inside the seal when it is shorter (only Django can read such a seal)
    compress: bool
    #: bytes of JSON a compressed seal may hold, sealing or opening
    decompressed_size_limit: int
    #: the cache alias revocations live in, or None for no revocation
    revocation_cache: str | None
    #: "refuse" or "accept" a session whose revocation the cache cannot answer for
    revocation_cache_down: str
    #: seconds: an unchanged session's cookie is sealed again only once that would push
    #: its expiry back by at least this much; None to seal it on every save
    refresh_after: float | None
    #: the session engines a cookie that is not a seal is moved in from (see migration.py)
    migrate_from: tuple[type[SessionBase], ...]


def _build() -> Config:
    # Error reports show the variables of every frame: none may hold the settings, and with
    # them the passwords, when the error is raised.
    problems = settings_problems(getattr(settings, "IRON_SESSION", None))
    if problems:
        raise ImproperlyConfigured(" ".join(problem.message for problem in problems))
    values = {**DEFAULTS, **settings.IRON_SESSION}
    passwords: PasswordSource
    if values["KEYRING_FILE"] is not None:
        passwords = KeyringFilePasswords(
            Path(values["KEYRING_FILE"]), values["KEYRING_CHECK_INTERVAL"]
        )
    else:
        passwords = SettingPasswords(values["PASSWORD"])
    return Config(
        passwords=passwords,
        options=iron.Options(timestamp_skew=values["TIMESTAMP_SKEW"]),
        cookie_name=settings.SESSION_COOKIE_NAME,
        cookie_size_limit=values["COOKIE_SIZE_LIMIT"],
        set_cookie_size=SetCookieSize.measure(),
        chunked=values["CHUNKED"],
        compress=values["COMPRESS"],
        decompressed_size_limit=values["DECOMPRESSED_SIZE_LIMIT"],
        revocation_cache=values["REVOCATION_CACHE"],
        revocation_cache_down=values["REVOCATION_CACHE_DOWN"],
        refresh_after=values["REFRESH_AFTER"],
        migrate_from=tuple(
            import_string(f"{engine}.SessionStore")
            for engine in engine_paths(values["MIGRATE_FROM"])
        ),
    )


_config: Config | None = None


def get_config() -> Config:
    global _config
    if _config is None:
        _config = _build()
    return _config


@receiver(setting_changed)
def _forget_config(*, setting: str, **kwargs: Any) -> None:
    global _config
    # SESSION_COOKIE_* settings shape the cookie whose size the config predicts.
    if setting == "IRON_SESSION" or setting.startswith("SESSION_COOKIE_"):
        _config = None
