"""Cache coherence across workers: after any write, the next read on every worker reflects it.

Starts gunicorn (two gthread workers, production-like settings, the response cache on, one
shared Redis) against a PostgreSQL database of its own, warms both workers' caches, writes
through the API and reads again on fresh connections.
"""

import http.client
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .support import free_port, live_database

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REDIS_URL = os.environ.get("LIVE_REDIS_URL", "redis://127.0.0.1:6379/15")
READS_AFTER_WRITE = 20

pytestmark = pytest.mark.live


def _request(port, method, path, body=None, headers=None):
    """One request on a new connection (Connection: close), so any worker may serve it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        all_headers = {"Connection": "close", "Accept": "application/json", **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data
    finally:
        conn.close()


@pytest.fixture
def live_server_env():
    with live_database(
        REDIS_URL,
        "cache",
        API_RESPONSE_CACHE="1",
        THROTTLE_ANON="1000000/min",
        THROTTLE_USER="1000000/min",
        PYTHONUNBUFFERED="1",
    ) as env:
        yield env


def _manage(env, *args) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def gunicorn(live_server_env, tmp_path):
    env = live_server_env
    _manage(env, "migrate", "--no-input")
    _manage(env, "load_reference_data", "--agreements", "founding")
    _manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        "u = User.objects.create_user('live-editor'); "
        "u.groups.add(Group.objects.get(name='editors'))",
    )
    token = _manage(env, "create_api_token", "live-editor").strip().splitlines()[-1].strip()
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    cmd = [GUNICORN, "--workers", "2", "--worker-class", "gthread", "--threads", "4"]
    cmd += ["--max-requests", "0", "--bind", f"127.0.0.1:{port}", "config.wsgi:application"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.time() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        yield {"port": port, "token": token}
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_after_a_write_every_worker_serves_the_new_data(gunicorn):
    """After a PATCH, every following read, on whichever worker, shows the change."""
    port = gunicorn["port"]
    list_path = "/api/v1/agreements/?limit=50"
    status, _, body = _request(port, "GET", list_path)
    assert status == 200, body[:500]
    slug = json.loads(body)["results"][0]["slug"]
    detail_path = f"/api/v1/agreements/{slug}/"

    # Warm the cache on both workers: new connections, many times, list and detail.
    etags = set()
    for _ in range(20):
        for path in (list_path, detail_path):
            status, headers, body = _request(port, "GET", path)
            assert status == 200
        etags.add(headers.get("ETag"))
    assert len(etags) == 1, "the detail ETag must be stable while nothing changes"
    old_etag = etags.pop()

    marker = f"Coherence check {uuid.uuid4().hex}"
    status, headers, body = _request(
        port,
        "PATCH",
        detail_path,
        body={"summary": marker},
        headers={"Authorization": f"Token {gunicorn['token']}", "If-Match": old_etag},
    )
    assert status == 200, body[:1000]
    assert json.loads(body)["summary"] == marker

    stale = []
    for i in range(READS_AFTER_WRITE):
        status, headers, body = _request(port, "GET", detail_path)
        if status != 200 or json.loads(body)["summary"] != marker:
            stale.append((i, "detail", status))
        if headers.get("ETag") == old_etag:
            stale.append((i, "detail etag", headers.get("ETag")))
        status, _, body = _request(port, "GET", list_path)
        row = next(r for r in json.loads(body)["results"] if r["slug"] == slug)
        if row["summary"] != marker:
            stale.append((i, "list", status))
        # A client holding the old ETag must get the new representation, not a 304.
        status, _, _ = _request(port, "GET", detail_path, headers={"If-None-Match": old_etag})
        if status != 200:
            stale.append((i, "conditional", status))
    assert stale == [], f"stale reads after the write: {stale}"
