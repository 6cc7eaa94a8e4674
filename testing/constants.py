"""Values that tests and benchmarks share, written once."""

from __future__ import annotations

#: the user the demo site's tests log in as
USERNAME = "alice"
USER_PASSWORD = "correct-horse-battery-staple-42"
