"""A live site switches engines under gunicorn with nobody logged out: users log in and fill a
cart under the old engine, the site restarts with this one and ``MIGRATE_FROM``, and every user
comes back logged in with the same cart, the cookie now a seal; then the same back to the
database engine (``django_iron_session.back_to.db``)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest

from testing.moving import Site, Visits, come_back, shop

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.server

USERS = 40
#: the engines whose records the database holds
SERVER_SIDE = {"db", "cached_db"}


@pytest.mark.parametrize("old", ["db", "cached_db", "signed_cookies"])
def test_every_user_keeps_the_session_moving_in_and_back(tmp_path: Path, old: str) -> None:
    site = Site(tmp_path)
    usernames = site.create_users(USERS)
    with site.serve(old) as server:
        shoppers = shop(server.base_url, usernames)
    assert site.session_rows() == (USERS if old in SERVER_SIDE else 0)

    with site.serve("iron", migrate_from=old) as server:
        moved_in = come_back(server.base_url, shoppers)

    assert moved_in == Visits(kept=USERS, sealed=USERS, errors=Counter())
    # Each old record went once its seal was out.
    assert site.session_rows() == 0

    with site.serve("back_to.db") as server:
        moved_back = come_back(server.base_url, shoppers)

    assert moved_back == Visits(kept=USERS, sealed=0, errors=Counter())
    assert site.session_rows() == USERS
    assert all(
        shopper.cart == ["apple", "dates", "bread", "cheese", "cheese"] for shopper in shoppers
    )


def test_without_migrate_from_every_user_is_logged_out(tmp_path: Path) -> None:
    """What MIGRATE_FROM saves: the same switch without it."""
    site = Site(tmp_path)
    usernames = site.create_users(5)
    with site.serve("db") as server:
        shoppers = shop(server.base_url, usernames)

    with site.serve("iron") as server:
        visits = come_back(server.base_url, shoppers)

    assert visits == Visits(kept=0, sealed=0, errors=Counter({"logged out": 5}))
