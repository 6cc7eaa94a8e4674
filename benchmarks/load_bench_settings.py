"""testproject's settings with the session engine that ``load_bench`` compares."""

from __future__ import annotations

import os

from testproject.settings import *  # noqa: F403

SESSION_ENGINE = os.environ["LOAD_BENCH_SESSION_ENGINE"]
