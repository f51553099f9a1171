"""A trickle of writes during the load test: every ~0.5 s, PATCH one agreement's summary as an
editor (with If-Match from a fresh GET, as a careful client does). Prints one JSON line of
status counts when stopped (SIGTERM/SIGINT) or after --seconds."""

import argparse
import http.client
import json
import signal
import time
from collections import Counter
from urllib.parse import urlsplit


def request(base, method, path, token, body=None, headers=None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        all_headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        all_headers.update(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("ETag")
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--slug", required=True)
    parser.add_argument("--seconds", type=float, default=3600)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()

    stop = False

    def handle(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    statuses = Counter()
    path = f"/api/v1/agreements/{args.slug}/"
    deadline = time.monotonic() + args.seconds
    n = 0
    while not stop and time.monotonic() < deadline:
        n += 1
        try:
            status, etag = request(args.base, "GET", path, args.token)
            headers = {"If-Match": etag} if etag else {}
            status, _ = request(
                args.base,
                "PATCH",
                path,
                args.token,
                {"summary": f"Load-test edit {n} at {time.time():.3f}."},
                headers,
            )
            statuses[str(status)] += 1
        except OSError as exc:
            statuses[type(exc).__name__] += 1
        time.sleep(args.interval)
    print(json.dumps({"writes": sum(statuses.values()), "statuses": dict(statuses)}), flush=True)


if __name__ == "__main__":
    main()
