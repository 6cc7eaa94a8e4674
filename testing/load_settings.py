"""testproject's settings with the session engine a load run serves (``testing.load.serve``),
and ``MIGRATE_FROM`` when ``LOAD_MIGRATE_FROM`` names an engine (``testing.moving``)."""

from __future__ import annotations

import datetime
import os

from testproject.settings import *  # noqa: F403

SESSION_ENGINE = os.environ["LOAD_SESSION_ENGINE"]

if os.environ.get("LOAD_MIGRATE_FROM"):
    IRON_SESSION = {
        **IRON_SESSION,  # noqa: F405
        "MIGRATE_FROM": os.environ["LOAD_MIGRATE_FROM"],
        "MIGRATE_SINCE": datetime.date.today().isoformat(),
    }

# Many users log in at once: the cheapest hasher, as Django's own test suite uses.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
