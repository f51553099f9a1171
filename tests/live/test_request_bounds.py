"""Every request is bounded under the worker class shipped (gunicorn.conf.py): a runaway
request is ended by gunicorn's ``timeout``, an over-long press release is refused at once,
and clients that send their request head slowly do not stall the server.

gunicorn runs with the shipped configuration (worker class included) on a PostgreSQL
database and a Redis server of the test's own; the application is served as
tests/live/spin_app.py, which adds one route that never returns.
"""

import json
import socket
import threading
import time

import pytest

from .faults import gunicorn, prepared_database, redis_server, request

pytestmark = pytest.mark.live

TIMEOUT = 4  # gunicorn's timeout for this server
HEADER_TIMEOUT = 1
SLOW_CLIENTS = 13


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One server for the module's tests (each leaves Redis running)."""
    tmp_path = tmp_path_factory.mktemp("bounds")
    with redis_server(tmp_path) as redis:
        with prepared_database(
            redis.url,
            "bounds",
            THROTTLE_ANON="100000/min",
            THROTTLE_USER="100000/min",
            GUNICORN_TIMEOUT=str(TIMEOUT),
            GUNICORN_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
            REQUEST_LOG_LEVEL="WARNING",
        ) as (env, tokens):
            log = tmp_path / "gunicorn.log"
            args = ["--workers", "2", "--threads", "4", "tests.live.spin_app:application"]
            with gunicorn(env, log, *args) as port:
                yield {"port": port, "editor": tokens["editor"], "log": log}


def test_runaway_request_is_ended_by_the_timeout(site):
    """A request that never returns (a CPU-bound loop) has its connection closed once it has
    run for `timeout` seconds (its worker is replaced), while the other worker keeps
    answering; afterwards the server answers as before."""
    port = site["port"]
    outcome = {}

    def spin():
        started = time.monotonic()
        try:
            outcome["status"] = request(port, "GET", "/__spin", timeout=60)[0]
        except (OSError, http_client_errors()) as error:
            outcome["status"] = type(error).__name__
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=spin)
    thread.start()
    time.sleep(0.5)
    answered = [request(port, "GET", "/healthz", timeout=5)[0] for _ in range(5)]
    thread.join(60)
    print(f"\nrunaway request: ended after {outcome['seconds']:.1f} s ({outcome['status']})")
    assert answered == [200] * 5
    assert outcome["status"] != 200
    assert outcome["seconds"] < TIMEOUT + 6, outcome  # + the master's checks, under load
    assert [request(port, "GET", "/healthz")[0] for _ in range(4)] == [200] * 4
    assert "WORKER TIMEOUT" in site["log"].read_text()


def http_client_errors():
    import http.client

    return http.client.HTTPException


def test_long_press_release_is_refused_at_once(site):
    """200 000 characters of release text: a 400 naming `text`, in well under 2 s."""
    text = ("The United Kingdom and Japan signed a memorandum on lithium in London. " * 3000)[
        :200_000
    ]
    started = time.monotonic()
    status, _, body = request(
        site["port"],
        "POST",
        "/api/v1/agreements/draft-from-text/",
        {"text": text, "published_on": "2026-02-05"},
        headers={"Authorization": f"Token {site['editor']}"},
    )
    seconds = time.monotonic() - started
    print(f"\n200 000 characters: {status} in {seconds:.2f} s")
    assert status == 400, body[:300]
    assert json.loads(body)["errors"][0]["attr"] == "text"
    assert seconds < 2


def _slow_client(port, stop: threading.Event, cut: list):
    """Sends a request line, then one header line a second, never finishing the head;
    records whether the server closed the connection."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        n = 0
        while not stop.wait(1):
            n += 1
            sock.sendall(b"X-Slow-%d: %s\r\n" % (n, b"x" * 10))
        sock.settimeout(5)
        closed = sock.recv(1) == b""  # end of file: the server closed it
    except OSError:
        closed = True  # reset or broken pipe: the server closed it
    finally:
        sock.close()
    if closed:
        cut.append(n)


def test_slow_clients_do_not_stall_the_server(site):
    """13 clients (more than the server's 8 threads) send their request head one line a
    second and never finish it: /healthz still answers every probe, because a head not
    complete after GUNICORN_HEADER_TIMEOUT seconds gets its connection closed."""
    port = site["port"]
    stop, cut = threading.Event(), []
    clients = [
        threading.Thread(target=_slow_client, args=(port, stop, cut)) for _ in range(SLOW_CLIENTS)
    ]
    for client in clients:
        client.start()
    probes = []
    try:
        time.sleep(0.5)
        for _ in range(4):
            started = time.monotonic()
            try:
                # Worst case: all slow clients queued in one worker, taken up four at a
                # time, each for HEADER_TIMEOUT seconds.
                status = request(port, "GET", "/healthz", timeout=10)[0]
            except OSError as error:
                status = type(error).__name__
            probes.append((status, round(time.monotonic() - started, 1)))
            time.sleep(1)
    finally:
        stop.set()
        for client in clients:
            client.join(30)
    print(f"\nslow clients: /healthz probes {probes}; {len(cut)} slow connections closed")
    assert [status for status, _ in probes] == [200] * 4, probes
    assert len(cut) == SLOW_CLIENTS
