"""Switching a live site's session engine: testproject's users log in and fill a cart under one
engine, the site restarts under another, and each user comes back (``tests/e2e/test_moving.py``,
``benchmarks/moving_bench.py``).

A ``Site`` keeps what a restart keeps: the database, ``SECRET_KEY`` (which signs the log-in's
auth hash and the ``signed_cookies`` engine's cookies) and the Iron password.
"""

from __future__ import annotations

import http.client
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from testing.constants import USER_PASSWORD
from testing.load import SessionClient
from testing.paths import REPO_DIR
from testing.servers import environment_for_site, manage, migrate, new_password, start_site

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    from testing.servers import ServerProcess

#: SESSION_ENGINE by the name the test and the benchmark give it
ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
    "iron": "django_iron_session.backend",
    "back_to.db": "django_iron_session.back_to.db",
}
SEAL_START = "Fe26.2*"
SESSION_COOKIE = "sessionid"
#: what each user puts in the cart before the switch (``testproject``'s CART_ITEMS)
CART = ["apple", "dates", "bread"]
#: added after the switch, to show the moved session takes changes
ONE_MORE = "cheese"
THREADS = 8

T = TypeVar("T")
R = TypeVar("R")


class Site:
    """testproject with the load settings (``testing/load_settings.py``), restartable under
    another engine with the same database and secrets."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.env = environment_for_site(
            directory / "db.sqlite3",
            IRON_SESSION_PASSWORD=new_password(),
            DJANGO_SETTINGS_MODULE="testing.load_settings",
            LOAD_SESSION_ENGINE=ENGINES["db"],
            PYTHONPATH=str(REPO_DIR),
        )
        migrate(self.env)
        self._starts = 0

    def create_users(self, count: int) -> list[str]:
        """``count`` users, all with the password USER_PASSWORD."""
        names = [f"shopper{index}" for index in range(count)]
        script = (
            "from django.contrib.auth.hashers import make_password\n"
            "from django.contrib.auth.models import User\n"
            f"hashed = make_password({USER_PASSWORD!r})\n"
            f"User.objects.bulk_create(User(username=name, password=hashed) for name in {names!r})"
        )
        self._shell(script)
        return names

    def session_rows(self) -> int:
        """The rows of Django's session table (the db and cached_db engines' records)."""
        script = (
            "from django.contrib.sessions.models import Session\nprint(Session.objects.count())"
        )
        return int(self._shell(script))

    def save_database(self, name: str) -> None:
        shutil.copy(self.directory / "db.sqlite3", self.directory / name)

    def restore_database(self, name: str) -> None:
        shutil.copy(self.directory / name, self.directory / "db.sqlite3")

    @contextmanager
    def serve(self, engine: str, *, migrate_from: str | None = None) -> Iterator[ServerProcess]:
        """The site under gunicorn (2 workers) with ``ENGINES[engine]``, and ``MIGRATE_FROM``
        naming ``ENGINES[migrate_from]`` if given."""
        env = {**self.env, "LOAD_SESSION_ENGINE": ENGINES[engine]}
        if migrate_from is not None:
            env["LOAD_MIGRATE_FROM"] = ENGINES[migrate_from]
        self._starts += 1
        log = self.directory / f"{self._starts}-{engine}.log"
        with start_site(env, log) as site:
            yield site

    def _shell(self, script: str) -> str:
        result = manage(self.env, "shell", "--no-imports", "-c", script)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py shell failed:\n{result.stderr}")
        return result.stdout


@dataclass
class Shopper:
    """One user: a browser's cookies, and what the site said before the switch."""

    username: str
    client: SessionClient = field(default_factory=SessionClient)
    user_id: int | None = None
    cart: list[str] = field(default_factory=list)


@dataclass
class Visits:
    """What the users found when they came back."""

    #: logged in as the same user, with the same cart, and the cart took one more item
    kept: int = 0
    #: whose session cookie is now an Iron seal
    sealed: int = 0
    #: what went wrong (a status, an exception, "logged out", "cart lost"), how many times
    errors: Counter[str] = field(default_factory=Counter)


def _in_threads(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``work`` on each item, THREADS at once: users arriving together."""
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(work, items))


def shop(base_url: str, usernames: Sequence[str]) -> list[Shopper]:
    """Each user logs in and fills a cart with CART, several at once."""

    def one(username: str) -> Shopper:
        shopper = Shopper(username)
        shopper.client.log_in(base_url, username, USER_PASSWORD)
        for item in CART:
            _expect_redirect(shopper.client.post(base_url, "/cart/", {"item": item}).status)
        facts = shopper.client.session_facts(base_url)
        shopper.user_id, shopper.cart = facts["user_id"], facts["session"]["cart"]
        shopper.client.close()
        return shopper

    return _in_threads(one, usernames)


def come_back(base_url: str, shoppers: Sequence[Shopper]) -> Visits:
    """Each user's next requests: who they are and their cart, then one more item."""

    def one(shopper: Shopper) -> str | None:
        try:
            return _visit(base_url, shopper)
        except (OSError, http.client.HTTPException) as error:
            return type(error).__name__
        finally:
            shopper.client.close()

    visits = Visits()
    for shopper, problem in zip(shoppers, _in_threads(one, shoppers), strict=True):
        if problem is None:
            visits.kept += 1
        else:
            visits.errors[problem] += 1
        visits.sealed += shopper.client.cookies.get(SESSION_COOKIE, "").startswith(SEAL_START)
    return visits


def _visit(base_url: str, shopper: Shopper) -> str | None:
    """What went wrong for this user, or None."""
    facts = shopper.client.session_facts(base_url)
    if facts["user_id"] != shopper.user_id or shopper.user_id is None:
        return "logged out"
    if facts["session"].get("cart") != shopper.cart:
        return "cart lost"
    status = shopper.client.post(base_url, "/cart/", {"item": ONE_MORE}).status
    if status != 302:
        return f"status {status}"
    shopper.cart = [*shopper.cart, ONE_MORE]
    if shopper.client.session_facts(base_url)["session"].get("cart") != shopper.cart:
        return "change lost"
    return None


def _expect_redirect(status: int) -> None:
    if status != 302:
        raise RuntimeError(f"the site answered {status}, not a redirect")
