#!/usr/bin/env python
"""Benchmark of the explorer's home page against the API list, at 10 000 demo agreements.

Builds a PostgreSQL database with the reference data and ``generate_demo_data --agreements
10000``, starts its own Redis (on a free port, stopped at the end) and gunicorn with
production settings, and measures with wrk, in the same run, the home page (search with its
facet counts) and the API list for the same filters: once with the response cache off (every
request renders) and once with it on. Prints one table and the ratios home / API (p50 latency
and throughput); never absolute targets, the machine is shared.

    .venv/bin/python benchmarks/explorer_bench.py            # 8 s per case
    .venv/bin/python benchmarks/explorer_bench.py --quick    # 3 s per case
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import (  # noqa: E402 - after the path set-up
    Server,
    app_env,
    build_database,
    log,
    manage,
    measure,
    psql,
)

CASES = [
    ("all", "/", "/api/v1/agreements/?limit=50"),
    ("party=GB", "/?party=GB", "/api/v1/agreements/?party=GB&limit=50"),
    ("mineral=lithium", "/?mineral=lithium", "/api/v1/agreements/?mineral=lithium&limit=50"),
    (
        "year=2024",
        "/?year=2024",
        "/api/v1/agreements/?signed_after=2024-01-01&signed_before=2024-12-31&limit=50",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A private redis-server, so the benchmark never touches a shared one."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="explorer-bench-redis-")
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s runs")
    parser.add_argument("--count", type=int, default=10_000, help="demo agreements (10000)")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--name", default="explorer", help="database name suffix (cmat_bench_NAME)")
    parser.add_argument("--logdir", default="/tmp", help="where gunicorn logs go")
    args = parser.parse_args()
    args.duration = 3 if args.quick else 8
    args.warmup = 1 if args.quick else 2

    built = build_database(args.name, args.count, reuse=args.reuse)
    database = built["database"]
    # Production settings serve static files from collectstatic's manifest.
    manage(app_env(database, cache_on=False), "collectstatic", "--no-input")
    redis = Redis()
    rows = []
    try:
        for cache_on in (False, True):
            env = app_env(database, cache_on=cache_on)
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis.port}/0"
            label = "cache on" if cache_on else "cache off"
            log(f"gunicorn, response cache {'on' if cache_on else 'off'}")
            server = Server(env, Path(args.logdir) / f"explorer-bench-{os.getpid()}.log")
            try:
                for name, page, api in CASES:
                    home = measure(server, page, args)
                    listing = measure(server, api, args)
                    rows.append((label, name, home, listing))
            finally:
                server.stop()
    finally:
        redis.stop()
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    print(
        f"\nExplorer home page vs API list, {args.count} demo agreements, "
        f"{args.duration} s per case"
    )
    print(
        f"{'cache':<10} {'filter':<16} {'page p50 ms':>11} {'API p50 ms':>10} "
        f"{'page req/s':>10} {'API req/s':>9} {'p50 ratio':>9} {'req/s ratio':>11}"
    )
    for label, name, home, listing in rows:
        if "p50" not in home or "p50" not in listing:
            print(f"{label:<10} {name:<16} failed: {home.get('status')} {listing.get('status')}")
            continue
        print(
            f"{label:<10} {name:<16} {home['p50']:>11.1f} {listing['p50']:>10.1f} "
            f"{home['rps']:>10.0f} {listing['rps']:>9.0f} "
            f"{home['p50'] / listing['p50']:>9.2f} {listing['rps'] / home['rps']:>11.2f}"
        )
    print("ratio > 1: the page is slower than the API list for the same filter.")


if __name__ == "__main__":
    main()
