"""A PostgreSQL server that stops answering (SIGSTOP) gives 503s within seconds, not hung
requests, and the service recovers by itself when the server resumes.

The test creates a PostgreSQL cluster of its own (initdb, in a temporary directory, on a free
port), runs gunicorn with the shipped configuration against it, stops every process of that
cluster with SIGSTOP and resumes them with SIGCONT.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .faults import PYTHON, gunicorn, manage, request
from .support import free_port, postgres_server

pytestmark = pytest.mark.live

STATEMENT_TIMEOUT = 2
CONNECT_TIMEOUT = 2
# Waiting for the reply (statement timeout + 2 s grace), then failing to reconnect (connect
# timeout), plus slack for a loaded machine.
BOUND = STATEMENT_TIMEOUT + 2 + CONNECT_TIMEOUT + 3


def _bindir() -> Path | None:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    path = Path(out.stdout.strip())
    return path if (path / "initdb").exists() else None


def _as_postgres(args):
    """Run a PostgreSQL server program: as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextlib.contextmanager
def private_cluster():
    bindir = _bindir()
    if postgres_server() is None:
        pytest.skip("live test: needs DATABASE_URL pointing at PostgreSQL (skipped on SQLite)")
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("live test: cannot create a PostgreSQL cluster here (initdb, runuser)")
    directory = Path(tempfile.mkdtemp(prefix="cmat-pg-hang-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data, port = directory / "data", free_port()
    try:
        subprocess.run(
            _as_postgres(
                [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w"])
            + ["-l", str(directory / "server.log"), "start"],
            check=True,
            capture_output=True,
        )
        yield {"port": port, "data": data}
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(directory, ignore_errors=True)


def _cluster_pids(data: Path) -> list[int]:
    """The postmaster of our cluster and its children."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    pids = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                    pids.append(int(entry.name))
    return pids


@pytest.fixture
def hung_database_site(tmp_path):
    with private_cluster() as cluster:
        url = f"postgres://postgres@127.0.0.1:{cluster['port']}/cmat_hang_{uuid.uuid4().hex[:8]}"
        subprocess.run(
            [PYTHON, "-c", "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True)"
             ".execute('CREATE DATABASE ' + sys.argv[2])",
             url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]],
            check=True,
        )  # fmt: skip
        dropped = ("DEBUG", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env.update(
            SECRET_KEY="live-test-" + uuid.uuid4().hex * 2,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=url,
            DB_STATEMENT_TIMEOUT=str(STATEMENT_TIMEOUT),
            DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
            THROTTLE_ANON="100000/min",
            REQUEST_LOG_LEVEL="WARNING",
        )
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_reference_data", "--agreements", "founding")
        with gunicorn(env, tmp_path / "gunicorn.log", "--workers", "1", "--threads", "4") as port:
            yield {"port": port, "data": cluster["data"], "log": tmp_path / "gunicorn.log"}


def _timed(port, path):
    started = time.monotonic()
    try:
        status, _, body = request(port, "GET", path, timeout=30)
    except OSError as error:  # the client gave up: the server hung
        return f"no answer ({type(error).__name__})", None, round(time.monotonic() - started, 1)
    return status, body, round(time.monotonic() - started, 1)


def test_hung_database_gives_503_within_seconds(hung_database_site):
    port, data = hung_database_site["port"], hung_database_site["data"]
    paths = ["/api/v1/agreements/", "/api/v1/parties/GB/", "/readyz", "/feeds/agreements/"]
    for path in paths:  # every thread holds a connection now
        assert request(port, "GET", path)[0] == 200, path
    pids = _cluster_pids(data)
    assert len(pids) > 1
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda p: (p, *_timed(port, p)), paths))
        healthz = _timed(port, "/healthz")
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    print(f"\nPostgreSQL stopped: {[(p, s, t) for p, s, _, t in results]}; /healthz {healthz}")
    assert healthz[0] == 200
    for path, status, body, seconds in results:
        assert status == 503, (path, status, seconds)
        assert seconds < BOUND, (path, seconds)
        if path == "/readyz":
            assert json.loads(body)["status"] == "unavailable"
        else:
            error = json.loads(body)
            assert error["type"] == "server_error", error
            assert error["errors"][0]["code"] == "database_unavailable", error

    # Resumed: the service recovers without a restart.
    deadline = time.monotonic() + 20
    while request(port, "GET", "/readyz")[0] != 200:
        assert time.monotonic() < deadline, "not ready again after the database resumed"
        time.sleep(0.5)
    for path in paths:
        assert request(port, "GET", path)[0] == 200, path
