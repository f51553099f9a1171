"""Throttles are shared by every worker: counters live in Redis, not in each process.

Starts gunicorn with three workers, the anonymous rate at 60/min and Django's cache on Redis,
against a PostgreSQL database of its own, and sends 200 anonymous requests, each on a new
connection so that all workers serve them.
"""

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .support import free_port, live_database

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REDIS_URL = os.environ.get("LIVE_THROTTLE_REDIS_URL", "redis://127.0.0.1:6379/14")
REQUESTS = 200
RATE = 60
# DRF's throttle reads and writes its counter non-atomically, so concurrent requests can slip
# a few extra through (DRF docs); 5% of the rate is the accepted slack.
SLACK = 3

pytestmark = pytest.mark.live


def _get(port: int, path: str):
    """One GET on a new connection (Connection: close), so any worker may answer it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Connection": "close", "Accept": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture
def throttled_server(tmp_path):
    with live_database(
        REDIS_URL,
        "throttle",
        THROTTLE_ANON=f"{RATE}/min",
        THROTTLE_USER="1000000/min",
        REQUEST_LOG_LEVEL="WARNING",
    ) as env:
        yield from _serve(env, tmp_path)


def _serve(env, tmp_path):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    proc = None
    try:
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [GUNICORN, "-c", "gunicorn.conf.py", "--workers", "3", "--threads", "4"]
                + ["--bind", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        deadline = time.time() + 60
        while True:
            assert proc.poll() is None, log_path.read_text()[-3000:]
            try:
                if _get(port, "/healthz")[0] == 200:  # not throttled: a plain Django view
                    break
            except OSError:
                pass
            assert time.time() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        yield port
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_anonymous_rate_is_shared_by_all_workers(throttled_server):
    """200 anonymous requests within a minute across 3 workers: at most 60 (+5%) succeed, the
    rest are 429 with Retry-After and the API's error shape."""
    started = time.monotonic()
    results = [_get(throttled_server, "/api/v1/parties/?limit=1") for _ in range(REQUESTS)]
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"the requests took {elapsed:.0f} s, longer than the throttle window"

    statuses = [status for status, _, _ in results]
    ok, throttled = statuses.count(200), statuses.count(429)
    print(f"\nthrottling: {ok} × 200, {throttled} × 429 of {REQUESTS} in {elapsed:.1f} s")
    assert ok + throttled == REQUESTS, sorted(set(statuses))
    assert RATE - SLACK <= ok <= RATE + SLACK
    for status, headers, body in results:
        if status == 429:
            assert int(headers["Retry-After"]) > 0
            error = json.loads(body)
            assert error["type"] == "client_error"
            assert error["errors"][0]["code"] == "throttled"
