"""The cache is an accelerator, never a dependency, and never goes back in time.

gunicorn (the shipped configuration, two workers) on a PostgreSQL database of its own, with
a Redis server of the test's own that the test kills (SIGKILL), hangs (SIGSTOP) and restarts
from its snapshot (RDB), as an unlucky operator would.
"""

import json
import threading
import time
import uuid

import pytest

from .faults import gunicorn, prepared_database, redis_server, request

pytestmark = pytest.mark.live

RETRY_SECONDS = 1


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One server for the module's tests (each leaves Redis running)."""
    tmp_path = tmp_path_factory.mktemp("cacheoutage")
    with redis_server(tmp_path) as redis:
        with prepared_database(
            redis.url,
            "cacheoutage",
            API_RESPONSE_CACHE="1",
            THROTTLE_ANON="100000/min",
            THROTTLE_USER="100000/min",
            CACHE_RETRY_SECONDS=str(RETRY_SECONDS),
            REQUEST_LOG_LEVEL="WARNING",
        ) as (env, tokens):
            log = tmp_path / "gunicorn.log"
            with gunicorn(env, log, "--workers", "2", "--threads", "4") as port:
                status, _, body = request(port, "GET", "/api/v1/agreements/")
                assert status == 200, body[:300]
                slugs = [row["slug"] for row in json.loads(body)["results"]]
                assert len(slugs) >= 2, "the reference data has published agreements"
                yield {
                    "port": port,
                    "redis": redis,
                    "slugs": slugs,
                    "publisher": {"Authorization": f"Token {tokens['publisher']}"},
                    "log": log,
                }
                if redis.proc.poll() is not None:
                    redis.start()  # for the database fixture's clean-up


def _load(site, stop: threading.Event, results: list, lock: threading.Lock, worker: int):
    port, slug = site["port"], site["slugs"][worker % len(site["slugs"])]
    n = 0
    while not stop.is_set():
        n += 1
        if n % 5 == 0:
            call = ("PATCH", f"/api/v1/agreements/{slug}/", {"summary": f"Load {worker}.{n}"})
            headers = site["publisher"]
        else:
            path = "/api/v1/agreements/" if n % 2 else f"/api/v1/agreements/{slug}/"
            call, headers = ("GET", path, None), None
        try:
            status = request(port, *call, headers=headers, timeout=10)[0]
        except OSError as error:
            status = f"socket error: {error}"
        with lock:
            results.append((call[0], status))


def _under_load(site, fault, seconds_before=1.0, seconds_after=3.0):
    stop, lock, results = threading.Event(), threading.Lock(), []
    threads = [
        threading.Thread(target=_load, args=(site, stop, results, lock, i)) for i in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds_before)
    fault()
    time.sleep(seconds_after)
    stop.set()
    for thread in threads:
        thread.join(30)
    return results


def _fresh_everywhere(site, slug, marker, reads=10):
    """``reads`` anonymous reads on new connections (both workers) all show ``marker``."""
    for _ in range(reads):
        status, _, body = request(site["port"], "GET", f"/api/v1/agreements/{slug}/")
        assert status == 200 and json.loads(body)["summary"] == marker, (status, body[:200])


def test_redis_killed_mid_load_costs_no_request(site):
    """SIGKILL Redis under a mixed read/write load: no 5xx, no failed write; /readyz stays
    200 and says the cache is degraded; after Redis comes back (empty), reads are fresh and
    the cache is used again. The outage is logged once per worker, not per request."""
    log_start = len(site["log"].read_text())
    results = _under_load(site, site["redis"].kill)
    bad = [r for r in results if not isinstance(r[1], int) or r[1] >= 500]
    writes = [r for r in results if r[0] == "PATCH"]
    print(f"\nRedis killed mid-load: {len(bad)}/{len(results)} failed, {len(writes)} writes")
    assert bad == [], bad[:10]
    assert writes and all(status == 200 for _, status in writes)

    status, _, body = request(site["port"], "GET", "/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "degraded"}

    site["redis"].start()
    time.sleep(RETRY_SECONDS + 0.5)
    slug = site["slugs"][0]
    marker = f"After the outage {uuid.uuid4().hex}"
    status, _, body = request(
        site["port"], "PATCH", f"/api/v1/agreements/{slug}/", {"summary": marker},
        headers=site["publisher"],
    )  # fmt: skip
    assert status == 200, body[:300]
    _fresh_everywhere(site, slug, marker)
    assert any(b"resp:" in key for key in site["redis"].client().keys("*")), "cache unused"
    status, _, body = request(site["port"], "GET", "/readyz")
    assert json.loads(body)["cache"] == "ok"
    log = site["log"].read_text()[log_start:]
    assert "Traceback" not in log, log[-3000:]
    assert 1 <= log.count("cache unavailable") <= 2, log[-3000:]  # once per worker


def test_hung_redis_is_waited_for_briefly(site):
    """SIGSTOP Redis: every request still succeeds, and none waits on Redis for long (a
    short socket timeout, then Redis is left alone for a while)."""
    slug = site["slugs"][0]
    site["redis"].pause()
    try:
        timings = []
        for i in range(30):
            started = time.monotonic()
            if i % 3 == 2:
                status = request(
                    site["port"], "PATCH", f"/api/v1/agreements/{slug}/",
                    {"summary": f"Hung {i}"}, headers=site["publisher"], timeout=15,
                )[0]  # fmt: skip
            else:
                status = request(site["port"], "GET", f"/api/v1/agreements/{slug}/")[0]
            timings.append((status, round(time.monotonic() - started, 2)))
    finally:
        site["redis"].resume()
    print(f"\nhung Redis: statuses and seconds {timings}")
    assert all(status == 200 for status, _ in timings), timings
    assert max(seconds for _, seconds in timings) < 2, timings


def test_restart_from_an_old_snapshot_serves_nothing_stale(site):
    """Anonymous reads cached, Redis SAVEs, an agreement is unpublished and another edited,
    Redis is killed and restarted from the snapshot (its old cache entries come back): the
    unpublished agreement is 404 and the edited one has its new body and ETag."""
    port, redis = site["port"], site["redis"]
    withdrawn, edited = site["slugs"][:2]
    time.sleep(RETRY_SECONDS + 0.5)  # a previous outage is over for every worker
    for _ in range(3):  # cached on both workers
        assert request(port, "GET", f"/api/v1/agreements/{withdrawn}/")[0] == 200
        status, headers, _ = request(port, "GET", f"/api/v1/agreements/{edited}/")
    old_etag = headers["ETag"]
    assert redis.client().save()

    status, _, body = request(
        port, "PATCH", f"/api/v1/agreements/{withdrawn}/", {"is_published": False},
        headers=site["publisher"],
    )  # fmt: skip
    assert status == 200, body[:300]
    marker = f"Edited after the snapshot {uuid.uuid4().hex}"
    status, _, body = request(
        port, "PATCH", f"/api/v1/agreements/{edited}/", {"summary": marker},
        headers=site["publisher"],
    )  # fmt: skip
    assert status == 200, body[:300]

    redis.kill()
    redis.start()
    assert any(b"resp:" in key for key in redis.client().keys("*")), "snapshot has no entries"
    time.sleep(RETRY_SECONDS + 0.5)
    statuses = []
    for _ in range(10):
        statuses.append(request(port, "GET", f"/api/v1/agreements/{withdrawn}/")[0])
        status, headers, body = request(port, "GET", f"/api/v1/agreements/{edited}/")
        assert status == 200
        assert json.loads(body)["summary"] == marker, "an old body came back from the snapshot"
        assert headers["ETag"] != old_etag
        assert request(port, "GET", f"/api/v1/agreements/{edited}/", headers={
            "If-None-Match": old_etag})[0] == 200  # fmt: skip
    print(f"\nafter the restart from the snapshot: withdrawn agreement {statuses}")
    assert statuses == [404] * 10
