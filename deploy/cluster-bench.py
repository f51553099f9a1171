"""Throughput through nginx against straight to gunicorn, and failure drills, on the cluster
of deploy/local-cluster.sh (run from the repository root):

    deploy/local-cluster.sh up
    .venv/bin/python deploy/cluster-bench.py            # benchmark, then drills
    .venv/bin/python deploy/cluster-bench.py --drills   # drills only

Benchmark (wrk, SECONDS per case and target, CONNECTIONS open connections): /healthz, a warm
anonymous agreement list, an agreement detail and an authenticated list, each through nginx
(both app servers behind it, HTTP cache on) and straight to one gunicorn instance.

Drills: a mixed read load (anonymous list and detail, authenticated list and detail, which
the cache does not answer) through nginx while the replica is stopped and started again, one
app server is stopped and started again, and Redis is stopped and started again. Each prints
its request count and its failures (non-2xx/3xx answers and socket errors); any failure
makes the exit status 1.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def cluster_env() -> dict[str, str]:
    out = subprocess.run(
        ["bash", "deploy/local-cluster.sh", "env"], capture_output=True, text=True, check=True
    ).stdout
    env = {}
    for line in out.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value.strip('"')
    return env


def wrk(url, seconds, connections, headers=(), script=None) -> dict:
    args = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    args.append("--latency")
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = None
    if p99:
        p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {
        "requests": total,
        "rate": rate,
        "failed": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(n) for n in socket.groups()) if socket else 0),
        "p99_ms": p99_ms,
        "raw": out,
    }


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def benchmark(env, seconds, connections):
    nginx, app = env["NGINX_URL"], env["APP_URLS"].split()[0]
    slug = json.loads(get(f"{nginx}/api/v1/agreements/?limit=1"))["results"][0]["slug"]
    auth = f"Authorization: Token {env['PUBLISHER_TOKEN']}"
    cases = [
        ("/healthz", "/healthz", ()),
        ("anonymous list (warm)", "/api/v1/agreements/", ()),
        ("detail", f"/api/v1/agreements/{slug}/", ()),
        ("authenticated list", "/api/v1/agreements/", (auth,)),
    ]
    print(
        f"\nthroughput, requests/s ({seconds} s per run, {connections} connections, wrk; "
        f"nginx: cache + 2 app servers; gunicorn: one instance, "
        f"{os.environ.get('GUNICORN_WORKERS', 2)} workers)"
    )
    print(f"{'':24}{'nginx':>10}{'gunicorn':>10}{'ratio':>8}{'failed':>8}   p99 nginx / gunicorn")
    results = {}
    for label, path, headers in cases:
        for target in (nginx, app):  # warm both caches (Redis, nginx)
            for _ in range(3):
                get(target + path, dict(h.split(": ", 1) for h in headers))
        via_nginx = wrk(nginx + path, seconds, connections, headers)
        direct = wrk(app + path, seconds, connections, headers)
        results[label] = (via_nginx, direct)
        failed = via_nginx["failed"] + direct["failed"]
        print(
            f"{label:24}{via_nginx['rate']:>10.0f}{direct['rate']:>10.0f}"
            f"{via_nginx['rate'] / direct['rate']:>7.1f}×{failed:>8}"
            f"   {via_nginx['p99_ms']:.1f} ms / {direct['p99_ms']:.1f} ms"
        )
    anon = results["anonymous list (warm)"][0]["rate"]
    print(
        f"anonymous list through nginx ÷ same list straight from gunicorn: "
        f"{anon / results['anonymous list (warm)'][1]['rate']:.1f}×"
    )
    print(
        f"anonymous list through nginx ÷ gunicorn's own /healthz: "
        f"{anon / results['/healthz'][1]['rate']:.1f}×"
    )
    return sum(a["failed"] + b["failed"] for a, b in results.values())


MIX = r"""
local paths = {}
local n = 0
init = function(args)
  paths = args
end
request = function()
  n = n + 1
  local i = n % 4
  if i == 0 then
    return wrk.format("GET", paths[1])
  elseif i == 1 then
    return wrk.format("GET", paths[2])
  elseif i == 2 then
    return wrk.format("GET", paths[1] .. "?limit=5&offset=" .. (n % 300),
      {["Authorization"] = paths[3]})
  else
    return wrk.format("GET", paths[2], {["Authorization"] = paths[3]})
  end
end
response = function(status, headers, body)
  if status >= 400 then
    io.write("FAILED " .. status .. " " .. string.sub(body, 1, 300) .. "\n")
  end
end
"""


def drills(env, seconds=12, only=None):
    nginx = env["NGINX_URL"]
    slug = json.loads(get(f"{nginx}/api/v1/agreements/?limit=1"))["results"][0]["slug"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(MIX)
    token = f"Token {env['PUBLISHER_TOKEN']}"
    args = ["/api/v1/agreements/", f"/api/v1/agreements/{slug}/", token]

    def cluster(*command):
        subprocess.run(["bash", "deploy/local-cluster.sh", *command], check=True)

    def readyz():
        try:
            return get(f"{nginx}/readyz").decode()
        except OSError as error:
            return f"unreachable: {error}"

    drill_list = [
        d
        for d in [
            ("replica stopped", ("stop-replica",), ("start-replica",)),
            ("one app server stopped", ("stop-app", "0"), ("start-app", "0")),
            ("Redis stopped", ("stop-redis",), ("start-redis",)),
        ]
        if not only or only in d[0]
    ]
    print(
        f"\nfailure drills ({seconds} s of mixed reads through nginx each; fault at 3 s, "
        "repaired at 8 s)"
    )
    failed_total = 0
    for label, fault, repair in drill_list:
        result = {}

        # wrk passes extra words after "--" to the script's init(args).
        def run_wrk(result=result):
            command = [
                "wrk",
                "-t",
                "2",
                "-c",
                "16",
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                nginx,
                "--",
                *args,
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            if done.stderr.strip():
                raise RuntimeError(f"wrk: {done.stderr.strip()}")
            out = done.stdout
            total = int(re.search(r"(\d+) requests in", out).group(1))
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            sock = re.search(
                r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
            )
            result["requests"] = total
            result["failures"] = [line for line in out.splitlines() if line.startswith("FAILED")]
            result["failed"] = (int(non2xx.group(1)) if non2xx else 0) + (
                sum(int(n) for n in sock.groups()) if sock else 0
            )

        thread = threading.Thread(target=run_wrk)
        thread.start()
        time.sleep(3)
        cluster(*fault)
        time.sleep(1)
        during = readyz()
        time.sleep(4)
        cluster(*repair)
        thread.join()
        failed_total += result["failed"]
        print(f"{label:24} requests {result['requests']:>7}   failed {result['failed']}")
        print(f"{'':24} /readyz during the fault: {during}")
        for line in sorted(set(result["failures"]))[:10]:
            print(f"{'':24} {line}")
    os.unlink(script.name)
    return failed_total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--drills", action="store_true", help="drills only")
    parser.add_argument("--bench", action="store_true", help="benchmark only")
    parser.add_argument("--only", help="run the drills whose name contains this")
    options = parser.parse_args()
    env = cluster_env()
    failed = 0
    if not options.drills:
        failed += benchmark(env, options.seconds, options.connections)
    if not options.bench:
        failed += drills(env, only=options.only)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
