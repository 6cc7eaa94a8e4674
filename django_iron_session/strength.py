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

A published password is one that this package's source distribution holds (the demo's,
the documentation's, the tests' and the benchmarks'), or the test password of Iron or
iron-session. A password that holds one, ignoring case and all but letters and digits, is
published too: ``"Development_Only_Password-DO-NOT-USE-IN-PRODUCTION!"`` is as public as
the demo's.
"""

from __future__ import annotations

import math
import string

__all__ = [
    "MIN_BITS",
    "PUBLIC_PASSWORDS",
    "REPEAT",
    "estimated_bits",
    "is_public",
    "looks_random",
]

MIN_BITS = 128
#: a run this long, found twice, is a repeat no random password of this size has
REPEAT = 8
#: published with this package or with Iron's and iron-session's tests: anyone can read and
#: forge the sessions of a site that uses one (a test holds it to every one the sdist has)
PUBLIC_PASSWORDS = frozenset(
    {
        # the demo's fallback, the documentation's examples
        "development-only-password-DO-NOT-USE-IN-PRODUCTION",
        "at-least-32-characters-of-random-secret",
        "a-newer-password-of-32-characters-or-more",
        # the tests' and the benchmarks'
        "tests-only-password-of-at-least-32-characters",
        "a-newer-tests-only-password-of-more-than-32-characters",
        "another_password_that_is_long_enough_for_iron",
        "another-password-of-at-least-32-characters",
        "another-sites-password-of-32-characters-or-more",
        "another-site's-password-of-32-characters",
        "another-app's-password-that-is-32-chars-long",
        "a-third-password-long-enough-for-iron",
        "a-third-password-that-is-staged-only-",
        "old-password-0123456789-0123456789-old",
        "new-password-9876543210-9876543210-new",
        "q2x8m0v5l3k7j1h4g6f9d2s5a8p0o3i6",
        "benchmark-only-password-of-at-least-32-characters",
        "bench-password-bench-password-bench-password",
        "kqR3vXz8wT2mN5pL7yB1cF4hJ6dG9sA0",
        # @hapi/iron's and iron-webcrypto's tests, iron-session's
        "some_not_random_password_that_is_also_long_enough",
        "Gbm49ATjnqnkCCCdhV4uDBhbfnPqsCW0",
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


def _letters_and_digits(text: str) -> str:
    return "".join(character for character in text.casefold() if character.isalnum())


_PUBLIC_CORES = tuple(_letters_and_digits(password) for password in PUBLIC_PASSWORDS)


def is_public(password: str) -> bool:
    """Whether ``password`` holds a published one (see the module)."""
    core = _letters_and_digits(password)
    return any(public in core for public in _PUBLIC_CORES)


def looks_random(password: str) -> bool:
    return estimated_bits(password) >= MIN_BITS and not has_repeat(password)
