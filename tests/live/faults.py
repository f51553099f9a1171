"""Helpers for the fault-injection live tests: a Redis server of the test's own (killed,
stopped, restarted from its snapshot), gunicorn started with the shipped gunicorn.conf.py,
and a migrated database with an editor and a publisher holding API keys."""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .support import free_port, live_database

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Ports for the tests' own Redis servers (the first free one is taken).
REDIS_PORTS = range(
    int(os.environ.get("LIVE_FAULT_REDIS_PORT", "6390")),
    int(os.environ.get("LIVE_FAULT_REDIS_PORT", "6390")) + 6,
)


def request(port, method, path, body=None, headers=None, timeout=30):
    """One request on a new connection; (status, headers, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        all_headers = {"Connection": "close", "Accept": "application/json", **(headers or {})}
        payload = None
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RedisServer:
    """A redis-server of the test's own, with its snapshot (RDB) in ``directory``."""

    def __init__(self, directory: Path):
        if shutil.which("redis-server") is None:
            pytest.skip("live test: redis-server is not installed")
        self.directory = directory
        self.port = next((p for p in REDIS_PORTS if _port_free(p)), None) or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.directory), "--dbfilename", "dump.rdb"]
            + ["--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.ping():
            assert self.proc.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        return self

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=1)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:  # noqa: BLE001 - not up (yet)
            return False

    def kill(self):
        """SIGKILL: no chance to save anything."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()


@contextlib.contextmanager
def redis_server(directory: Path):
    server = RedisServer(directory).start()
    try:
        yield server
    finally:
        server.stop()


def manage(env, *args) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


USERS = """
from django.contrib.auth.models import Group, User
for name, group in (("live-editor", "editors"), ("live-publisher", "publishers")):
    User.objects.create_user(name).groups.add(Group.objects.get(name=group))
"""


@contextlib.contextmanager
def prepared_database(redis_url: str, label: str, **settings: str):
    """A migrated database with the reference data, an editor and a publisher; yields the
    server environment and the two API keys."""
    with live_database(redis_url, label, PYTHONUNBUFFERED="1", **settings) as env:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_reference_data", "--agreements", "founding")
        manage(env, "shell", "-c", USERS)
        tokens = {
            role: manage(env, "create_api_token", f"live-{role}").strip().splitlines()[-1]
            for role in ("editor", "publisher")
        }
        yield env, tokens


@contextlib.contextmanager
def gunicorn(env, log_path: Path, *args: str, ready_path: str = "/healthz"):
    """gunicorn with the shipped gunicorn.conf.py (plus ``args``) on a free port."""
    port = free_port()
    cmd = [GUNICORN, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *args]
    with open(log_path, "wb") as log:
        # A process group of its own, so that a worker still busy at the end (a runaway
        # request) is stopped with the master.
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log_path.read_text()[-3000:]
            try:
                if request(port, "GET", ready_path, timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # workers the master left behind
