"""Race two PATCHes carrying the same If-Match against a live server, ROUNDS times.

Every round must give exactly one 200 and one 412, and the stored agreement must equal the
winner's request. Usage: python tests/live/race.py BASE_URL TOKEN [ROUNDS]
"""

import json
import sys
import threading
import urllib.error
import urllib.request


def call(method, url, token, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Content-Type", "application/json")
    request.add_header("Connection", "close")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def main(base, token, rounds):
    listing = call("GET", f"{base}/api/v1/agreements/?limit=1", token)[2]
    slug = listing["results"][0]["slug"]
    url = f"{base}/api/v1/agreements/{slug}/"
    failures = []
    for n in range(rounds):
        status, headers, _ = call("GET", url, token)
        etag = headers["ETag"]
        bodies = [{"summary": f"round {n} writer {w}"} for w in (0, 1)]
        results = [None, None]
        barrier = threading.Barrier(2)

        def writer(i, results=results, bodies=bodies, barrier=barrier, etag=etag):
            barrier.wait()
            results[i] = call("PATCH", url, token, bodies[i], {"If-Match": etag})

        threads = [threading.Thread(target=writer, args=(i,)) for i in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r[0] for r in results)
        stored = call("GET", url, token)[2]["summary"]
        winners = [bodies[i]["summary"] for i in (0, 1) if results[i][0] == 200]
        loser = next((r for r in results if r[0] == 412), None)
        ok = (
            statuses == [200, 412]
            and winners == [stored]
            and loser[2]["errors"][0]["code"] == "precondition_failed"
        )
        if not ok:
            failures.append((n, statuses, stored, winners))
    print(f"race: {rounds} rounds, {rounds - len(failures)} with exactly one 200 and one 412")
    for failure in failures:
        print("  failed round:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    sys.exit(main(sys.argv[1].rstrip("/"), sys.argv[2], rounds))
