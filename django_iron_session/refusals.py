"""What a refused session cookie leaves behind: the signal ``session_cookie_refused``, sent
for every one, and a short log line, at most ``LINES_PER_PERIOD`` a ``PERIOD`` for each
reason, so that a flood of forged cookies cannot flood the log; the lines held back are
counted in one line when the next period begins.

A site counts refusals in its own metrics with the signal::

    from django.dispatch import receiver
    from django_iron_session.refusals import session_cookie_refused

    @receiver(session_cookie_refused)
    def count(sender, reason, **kwargs):
        metrics.increment("session_cookie_refused", tags={"reason": reason})
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["REASONS", "session_cookie_refused"]

#: sent with ``reason``, one of REASONS, each time a session cookie is refused and deleted
session_cookie_refused = Signal()

#: reason: (logger, level) of its log line
REASONS: dict[str, tuple[str, int]] = {
    # past its sealed expiry: routine
    "expired": ("django_iron_session", logging.DEBUG),
    # another engine's cookie under the same name, e.g. from before a switch of engines
    "not-a-seal": ("django_iron_session", logging.INFO),
    # logged out, or every session of its user revoked
    "revoked": ("django_iron_session", logging.INFO),
    # names a password id the keyring does not hold: pruned too early, or forged
    "unknown-password": ("django_iron_session", logging.WARNING),
    # tampered with, truncated, sealed with another password: as Django logs a bad session
    "invalid": ("django.security.SuspiciousSession", logging.WARNING),
}
LINES_PER_PERIOD = 10
PERIOD = 60.0
#: characters of an untrusted value (an id the cookie names) that a log line keeps
SHOWN = 16


def shorten(value: str) -> str:
    """``value`` cut to SHOWN characters, as a repr: an attacker's text, quoted and bounded."""
    return repr(value if len(value) <= SHOWN else value[:SHOWN] + "...")


class _Budget:
    """How many lines one reason may still log in the current period."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._started = float("-inf")
        self._logged = 0
        self._held_back = 0

    def take(self) -> tuple[bool, int, float]:
        """Whether this line may be logged; lines held back in the period just ended, and
        its length."""
        with self._lock:
            now = self._clock()
            held_back, elapsed = 0, now - self._started
            if elapsed >= PERIOD:
                held_back, self._held_back = self._held_back, 0
                self._started, self._logged = now, 0
            if self._logged < LINES_PER_PERIOD:
                self._logged += 1
                return True, held_back, elapsed
            self._held_back += 1
            return False, held_back, elapsed


class Reporter:
    """The log lines and signals of refused cookies, with the clock injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._budgets = {reason: _Budget(clock) for reason in REASONS}

    def refused(self, sender: type, reason: str, detail: str) -> None:
        """Report one refused cookie; ``detail`` is the log line's end, never the cookie."""
        session_cookie_refused.send(sender=sender, reason=reason)
        name, level = REASONS[reason]
        log = logging.getLogger(name)
        if not log.isEnabledFor(level):
            return
        allowed, held_back, elapsed = self._budgets[reason].take()
        if held_back:
            log.log(
                level,
                "%d more session cookies rejected (%s) in the last %d s were not logged one by one",
                held_back,
                reason,
                elapsed,
            )
        if allowed:
            log.log(level, "Session cookie rejected: %s", detail)


#: the process's reporter (a test may put a fresh one in its place)
reporter = Reporter()


def refused(sender: type, reason: str, detail: str) -> None:
    """Report one refused cookie: see ``Reporter.refused``."""
    reporter.refused(sender, reason, detail)
