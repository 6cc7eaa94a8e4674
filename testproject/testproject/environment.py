"""Settings from environment variables, so tests and servers can configure the demo site."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from collections.abc import Mapping

# For `manage.py runserver` on a laptop only. Anyone who knows this string can read and forge
# this site's sessions: a real site sets IRON_SESSION_PASSWORD (or IRON_SESSION_KEYRING_FILE)
# from a secret store and never commits it.
DEVELOPMENT_ONLY_PASSWORD = "development-only-password-DO-NOT-USE-IN-PRODUCTION"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_SAMESITE: dict[str, Literal["Lax", "Strict", "None", False]] = {
    "lax": "Lax",
    "strict": "Strict",
    "none": "None",
    "false": False,
}


def env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {environ[name]!r}")


def env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    if name not in environ:
        return default
    try:
        return int(environ[name])
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {environ[name]!r}") from None


def env_list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    if name not in environ:
        return default
    return [item.strip() for item in environ[name].split(",") if item.strip()]


def env_samesite(
    environ: Mapping[str, str], name: str, default: Literal["Lax", "Strict", "None", False]
) -> Literal["Lax", "Strict", "None", False]:
    if name not in environ:
        return default
    try:
        return _SAMESITE[environ[name].strip().lower()]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name} must be Lax, Strict, None or False, not {environ[name]!r}"
        ) from None


REVOCATION_CACHE = "revocation"


def caches(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``CACHES``: Django's default, and the revocation cache on ``REVOCATION_REDIS_URL``."""
    configured = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if environ.get("REVOCATION_REDIS_URL"):
        configured[REVOCATION_CACHE] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": environ["REVOCATION_REDIS_URL"],
        }
    return configured


def iron_session(environ: Mapping[str, str]) -> dict[str, Any]:
    """``IRON_SESSION`` from a keyring file, a password (a JSON map of ids, or one string),
    with ``REVOCATION_CACHE`` when ``REVOCATION_REDIS_URL`` is set."""
    revocation = (
        {"REVOCATION_CACHE": REVOCATION_CACHE} if environ.get("REVOCATION_REDIS_URL") else {}
    )
    return {**_passwords(environ), **revocation}


def _passwords(environ: Mapping[str, str]) -> dict[str, Any]:
    if environ.get("IRON_SESSION_KEYRING_FILE"):
        return {"KEYRING_FILE": environ["IRON_SESSION_KEYRING_FILE"]}
    password = environ.get("IRON_SESSION_PASSWORD", DEVELOPMENT_ONLY_PASSWORD)
    # The same variable a Node app with iron-session reads: `{"2": "...", "1": "..."}` or one
    # plain password.
    if password.lstrip().startswith("{"):
        try:
            passwords = json.loads(password)
        except ValueError:
            raise ImproperlyConfigured(
                "IRON_SESSION_PASSWORD starts with '{' but is not a JSON object"
            ) from None
        return {"PASSWORD": passwords}
    return {"PASSWORD": password}
