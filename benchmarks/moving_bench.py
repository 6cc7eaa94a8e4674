"""The cost of ``MIGRATE_FROM``: requests a site serves in the first seconds after switching from
the database engine to this one, with ``MIGRATE_FROM`` and without, on testproject under
gunicorn (2 workers) on 127.0.0.1.

``--users`` users (default 400) log in and fill a cart under the ``db`` engine; the database
and their cookies are kept. Then, for each row, the site starts again from that database and
all users come back at once: ``--threads`` threads (default 8) each take their share of the
users in turn, one request each (``POST /counter/``, a new connection per request, as each
user is another browser), for ``--seconds`` (default 20, at most 60). Each user's first
request after the switch is the one that pays: with ``MIGRATE_FROM`` its cookie is looked up
in the old table, sealed, and the old row deleted; without it, it is refused (logged out).
"all users in" is how long that first wave took: until every user had sent one request.
The table shows the run with the median requests of ``--rounds`` (default 3), each row in
turn, so that a busy moment of the machine does not fall on one row only.

Run from the repository root: ``.venv/bin/python -m benchmarks.moving_bench``.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import math
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from testing.moving import Shopper, Site, shop

#: each row: (its name, the engine after the switch, MIGRATE_FROM)
ROWS = [
    ("db, no switch", "db", None),
    ("iron, MIGRATE_FROM=db", "iron", "db"),
    ("iron, no MIGRATE_FROM", "iron", None),
]


@dataclass(frozen=True)
class Row:
    requests: int
    seconds: float
    errors: Counter[str]
    #: users still logged in as themselves at the end
    kept: int
    #: seconds until every user had sent a request: the wave each switch starts
    first_round: float

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=400, help="users (default 400)")
    parser.add_argument("--threads", type=int, default=8, help="at once (default 8)")
    parser.add_argument(
        "--seconds", type=float, default=20, help="after each switch (default 20, at most 60)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="turns per row (default 3)")
    arguments = parser.parse_args()
    seconds = min(arguments.seconds, 60)
    rows = compare(arguments.users, arguments.threads, seconds, arguments.rounds)
    print(report(rows, arguments.users, seconds))


def compare(users: int, threads: int, seconds: float, rounds: int) -> dict[str, Row]:
    with tempfile.TemporaryDirectory() as directory:
        site = Site(Path(directory))
        usernames = site.create_users(users)
        with site.serve("db") as server:
            shoppers = shop(server.base_url, usernames)
        site.save_database("logged-in.sqlite3")
        turns: dict[str, list[Row]] = {name: [] for name, _, _ in ROWS}
        for _ in range(rounds):
            for name, engine, migrate_from in ROWS:
                site.restore_database("logged-in.sqlite3")
                with site.serve(engine, migrate_from=migrate_from) as server:
                    turns[name].append(
                        come_back_for(server.base_url, copy.deepcopy(shoppers), threads, seconds)
                    )
    return {
        name: sorted(runs, key=lambda row: row.requests)[len(runs) // 2]
        for name, runs in turns.items()
    }


def come_back_for(base_url: str, shoppers: list[Shopper], threads: int, seconds: float) -> Row:
    """Every user, in turn within each thread's share, one request at a time, for ``seconds``;
    then who is still logged in as themselves."""
    counts: list[tuple[int, Counter[str], float]] = []
    started = time.monotonic()
    stop_at = started + seconds

    def thread(share: list[Shopper]) -> None:
        sent, errors, first_round = 0, Counter[str](), float("inf")
        while time.monotonic() < stop_at:
            shopper = share[sent % len(share)]
            try:
                status = shopper.client.post(base_url, "/counter/").status
                if status != 302:
                    errors[f"status {status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
            finally:
                shopper.client.close()
            sent += 1
            if sent == len(share):
                first_round = time.monotonic() - started
        counts.append((sent, errors, first_round))

    workers = [
        threading.Thread(target=thread, args=(shoppers[index::threads],))
        for index in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    kept = sum(
        shopper.client.session_facts(base_url)["user_id"] == shopper.user_id for shopper in shoppers
    )
    return Row(
        requests=sum(sent for sent, _, _ in counts),
        seconds=elapsed,
        errors=sum((errors for _, errors, _ in counts), Counter()),
        kept=kept,
        first_round=max(first_round for _, _, first_round in counts),
    )


def report(rows: dict[str, Row], users: int, seconds: float) -> str:
    baseline = rows["iron, no MIGRATE_FROM"]
    lines = [
        f"{users} users logged in under the db engine, then {seconds:.0f} s after each restart",
        f"{'after the restart':<24}{'requests':>10}{'req/s':>9}{'vs no MIGRATE_FROM':>20}"
        f"{'all users in':>14}{'users kept':>12}{'errors':>8}",
    ]
    for name, row in rows.items():
        lines.append(
            f"{name:<24}{row.requests:>10}{row.requests_per_second:>9.0f}"
            f"{row.requests / baseline.requests:>19.2f}x{_seconds(row.first_round, seconds):>14}"
            f"{row.kept:>12}{row.errors.total():>8}"
        )
    return "\n".join(lines)


def _seconds(value: float, window: float) -> str:
    return f"> {window:.0f} s" if math.isinf(value) else f"{value:.1f} s"


if __name__ == "__main__":
    main()
