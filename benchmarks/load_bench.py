"""Load on real servers: testproject under gunicorn (``--workers``, 2) on 127.0.0.1, every request
reading and writing the session (``POST /counter/``), for this backend, ``signed_cookies`` and
``db`` in the same run, as requests per second and p50/p99 latency, with ratios. In the same
run, this backend under ASGI: uvicorn (2 workers) and the async counter (``aget``/``aset``).

Run from the repository root: ``.venv/bin/python -m benchmarks.load_bench [--seconds 20]``.
``--workers 4 --reconnect`` opens a new connection per request, so that a cookie one worker
sealed comes back to another about three times in four, as behind a load balancer.

The load comes from Python threads, each one user with its own cookies on a keep-alive
connection, sending its requests one after the other. ``wrk`` would send more, but it keeps
no cookies per connection and checks no answers; these users check every answer and, at the
end, that their counter equals the number of requests they made (no lost update). The
generator's own cost is the same for the three backends, so the ratios compare the servers.
"""

from __future__ import annotations

import argparse
import tempfile
from contextlib import ExitStack
from pathlib import Path

from testing.load import ENGINES, LoadResult, counter_path, run_load, serve

#: what runs, by its name in the table: (SESSION_ENGINE of ENGINES, server)
RUNS = {
    **{engine: (engine, "gunicorn") for engine in ENGINES},
    "iron, uvicorn": ("iron", "uvicorn"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="per backend (default 30)")
    parser.add_argument("--users", type=int, default=4, help="users at once (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="turns per backend (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument(
        "--reconnect",
        action="store_true",
        help="a new connection per request: each lands on any worker, so a cookie one worker "
        "sealed mostly comes back to another",
    )
    arguments = parser.parse_args()
    text = report(
        compare(
            arguments.seconds,
            arguments.users,
            arguments.rounds,
            workers=arguments.workers,
            reconnect=arguments.reconnect,
        )
    )
    print(text)
    if "FAILED" in text:
        raise SystemExit(1)


def compare(
    seconds: float, users: int, rounds: int, *, workers: int = 2, reconnect: bool = False
) -> dict[str, LoadResult]:
    """Each run in turn, ``rounds`` times, so that a busy moment of the machine does not
    fall on one run only; each run's turns are added up."""
    turns: dict[str, list[LoadResult]] = {name: [] for name in RUNS}
    with tempfile.TemporaryDirectory() as directory, ExitStack() as servers:
        base_urls = {
            name: servers.enter_context(
                serve(engine, Path(directory), server=server, workers=workers)
            ).base_url
            for name, (engine, server) in RUNS.items()
        }
        paths = {name: counter_path(server) for name, (_, server) in RUNS.items()}
        for name, base_url in base_urls.items():
            run_load([base_url], 1, users, path=paths[name])  # warm-up: workers, connections
        for _ in range(rounds):
            for name, base_url in base_urls.items():
                result = run_load(
                    [base_url], seconds / rounds, users, path=paths[name], reconnect=reconnect
                )
                turns[name].append(result)
    return {name: LoadResult.total(results) for name, results in turns.items()}


def report(results: dict[str, LoadResult]) -> str:
    iron = results["iron"]
    lines = [
        f"{'backend':<16}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'lost':>6}{'iron req/s':>12}{'iron p50':>10}{'iron p99':>10}"
    ]
    for engine, result in results.items():
        lines.append(
            f"{engine:<16}{result.requests:>10}{result.requests_per_second:>9.0f}"
            f"{result.percentile_ms(50):>9.2f}{result.percentile_ms(99):>9.2f}"
            f"{result.errors.total():>8}{result.lost_updates:>6}"
            f"{iron.requests_per_second / result.requests_per_second:>11.2f}x"
            f"{iron.percentile_ms(50) / result.percentile_ms(50):>9.2f}x"
            f"{iron.percentile_ms(99) / result.percentile_ms(99):>9.2f}x"
        )
    asgi = results["iron, uvicorn"]
    lines.append(
        f"iron under uvicorn (ASGI, async counter): "
        f"{asgi.requests_per_second / iron.requests_per_second:.2f}x gunicorn's req/s, "
        f"p50 {asgi.percentile_ms(50) / iron.percentile_ms(50):.2f}x, "
        f"p99 {asgi.percentile_ms(99) / iron.percentile_ms(99):.2f}x"
    )
    failed = [engine for engine, result in results.items() if result.errors or result.lost_updates]
    if failed:
        details = "; ".join(f"{engine}: {dict(results[engine].errors)}" for engine in failed)
        lines.append(f"FAILED: errors or lost updates with {details}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
