"""iron-session 9's ``chunk: true`` layout: a seal too large for one cookie is cut into
``name.0``, ``name.1``, ... (at most four), read back by concatenation.

Reading follows iron-session 9 whatever the settings say, so that turning chunking on or
off never invalidates a cookie already out there. Nothing trusts a single chunk: the seal's
MAC covers the whole string, so missing, reordered or foreign chunks fail as one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from django_iron_session.conf import Config

__all__ = [
    "MAX_CHUNKS",
    "budget",
    "chunk_name",
    "fits",
    "read",
    "split",
    "stored_names",
]

#: iron-session 9's cap, on purpose not a setting: four full chunks are 16 KB of Cookie
#: header on every request, twice what common proxies accept by default.
MAX_CHUNKS = 4


def chunk_name(name: str, index: int) -> str:
    return f"{name}.{index}"


def read(cookies: Mapping[str, str], name: str) -> str | None:
    """The seal in the request's cookies: the plain cookie if set, else the chunks
    ``name.0``... up to the first missing one; None if there is neither."""
    whole = cookies.get(name)
    if whole:
        return whole
    parts = []
    for index in range(MAX_CHUNKS):
        part = cookies.get(chunk_name(name, index))
        if not part:
            break
        parts.append(part)
    return "".join(parts) or None


def stored_names(cookies: Mapping[str, str], name: str) -> Iterator[str]:
    """The cookies of this session's layouts (plain and chunks) that the request carried."""
    for candidate in (name, *(chunk_name(name, index) for index in range(MAX_CHUNKS))):
        if cookies.get(candidate):
            yield candidate


def budget(config: Config, max_age: int | None) -> int:
    """Characters of seal one chunk holds: the size limit less ``name.N=`` and the same
    attributes as the session cookie's (iron-session 9's rule)."""
    return config.cookie_size_limit - config.set_cookie_size("", max_age) - len(".0")


def fits(config: Config, value: str, max_age: int | None) -> bool:
    """Whether chunking is on and ``value`` fits in at most ``MAX_CHUNKS`` chunks."""
    if not config.chunked:
        return False
    size = budget(config, max_age)
    return size > 0 and len(value) <= size * MAX_CHUNKS


def split(value: str, size: int) -> list[str]:
    return [value[start : start + size] for start in range(0, len(value), size)]
