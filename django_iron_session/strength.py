"""How random a password looks: the estimate behind system check ``W015``, and the
passwords published in this package's demo and documentation (``E009`` outside ``DEBUG``).

Iron derives its keys with one PBKDF2 iteration, so one captured cookie lets anyone test
guesses offline at the speed of a hash. Only the password's randomness protects it, and a
long password can still have little: ``"changeme" * 4`` is 32 characters. The estimate is
deliberately simple:

    bits = min(length, 3 x distinct characters) x log2(pool)

where the pool adds up the classes the password uses: 26 lowercase letters, 26 uppercase,
10 digits, 33 other ASCII characters (punctuation and space), 128 for anything beyond ASCII.
Counting at most three characters per distinct one charges repeats (a random password of
32 or more characters, even in hexadecimal, has far more distinct ones); a password with a
run of ``REPEAT`` characters found twice is not random either. It cannot tell a phrase a person
made up from random characters: it only catches too little variety.
"""

from __future__ import annotations

import math
import string

__all__ = ["MIN_BITS", "PUBLIC_PASSWORDS", "REPEAT", "estimated_bits", "looks_random"]

MIN_BITS = 128
#: a run this long, found twice, is a repeat no random password of this size has
REPEAT = 8
#: published with this package (the demo's fallback, the documentation's examples): anyone
#: can read and forge the sessions of a site that uses one
PUBLIC_PASSWORDS = frozenset(
    {
        "development-only-password-DO-NOT-USE-IN-PRODUCTION",
        "at-least-32-characters-of-random-secret",
        "a-newer-password-of-32-characters-or-more",
    }
)

_CLASSES = (
    (frozenset(string.ascii_lowercase), 26),
    (frozenset(string.ascii_uppercase), 26),
    (frozenset(string.digits), 10),
    (frozenset(string.punctuation + " "), 33),
)
_BEYOND_ASCII = 128


def estimated_bits(password: str) -> float:
    """The documented estimate (see the module), in bits."""
    used = set(password)
    pool = sum(size for members, size in _CLASSES if used & members)
    if any(not character.isascii() for character in used):
        pool += _BEYOND_ASCII
    return min(len(password), 3 * len(used)) * math.log2(pool) if pool else 0.0


def has_repeat(password: str) -> bool:
    """Whether some run of REPEAT characters occurs twice (overlapping or not)."""
    runs = [password[start : start + REPEAT] for start in range(len(password) - REPEAT + 1)]
    return len(set(runs)) < len(runs)


def looks_random(password: str) -> bool:
    return estimated_bits(password) >= MIN_BITS and not has_repeat(password)
