"""The keys ``settings.IRON_SESSION`` may hold, and what each is when left out."""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULTS"]

DEFAULTS: dict[str, Any] = {
    "PASSWORD": None,
    "KEYRING_FILE": None,
    "KEYRING_CHECK_INTERVAL": 1.0,
    "COOKIE_SIZE_LIMIT": 4096,
    "TIMESTAMP_SKEW": 0,
    "CHUNKED": False,
    "COMPRESS": False,
    "DECOMPRESSED_SIZE_LIMIT": 128 * 1024,
    "REVOCATION_CACHE": None,
    "REVOCATION_CACHE_DOWN": "refuse",
    "REFRESH_AFTER": None,
    "MIGRATE_FROM": None,
    "MIGRATE_SINCE": None,
}
