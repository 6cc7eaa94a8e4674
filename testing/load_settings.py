"""testproject's settings with the session engine a load run serves (``testing.load.serve``)."""

from __future__ import annotations

import os

from testproject.settings import *  # noqa: F403

SESSION_ENGINE = os.environ["LOAD_SESSION_ENGINE"]
