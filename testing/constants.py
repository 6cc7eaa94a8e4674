"""Values that tests and benchmarks share, written once."""

from __future__ import annotations

#: the Iron password tests/settings.py configures
PASSWORD = "tests-only-password-of-at-least-32-characters"
#: a second one, for rotations
NEWER_PASSWORD = "a-newer-tests-only-password-of-more-than-32-characters"

#: the user the demo site's tests log in as
USERNAME = "alice"
USER_PASSWORD = "correct-horse-battery-staple-42"
