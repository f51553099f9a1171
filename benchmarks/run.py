#!/usr/bin/env python
"""Benchmark of the agreement API under gunicorn, with production settings, on PostgreSQL.

For each data size (10 000 and 100 000 agreements) it builds a fresh database, starts
gunicorn (2 gthread workers) once with the response cache off and once with it on, runs wrk
against every case and prints one table, then the targets as ratios between cases measured
in this same run (never absolute times: the machine is shared). See benchmarks/README.md.

    .venv/bin/python benchmarks/run.py            # both sizes, ~15 minutes
    .venv/bin/python benchmarks/run.py --quick    # 10 000 only, short runs
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn"

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "14"))
SIZES = {"10k": 10_000, "100k": 100_000}
SEED = 1

LIST = "/api/v1/agreements/?limit=50"
FILTERS = {
    "between=GB,US": "&between=GB,US",
    "mineral=lithium": "&mineral=lithium",
    "q=lithium": "&q=lithium",
    "in_force_on=2020-01-01": "&in_force_on=2020-01-01",
    "offset=5000": "&offset=5000",
}
# For T4 (flat latency as data grows): every filter except the deep offset.
SCALING_FILTERS = [k for k in FILTERS if not k.startswith("offset")]
# q=lithium matches about 40% of the generated agreements, where a sequential scan is the
# right plan; a selective term shows whether the GIN index serves search at all.
EXPLAIN_FILTERS = {
    "q": "q=lithium",
    "q (selective: thulium)": "q=thulium",
    "between": "between=GB,US",
    "mineral": "mineral=lithium",
}
# The index each filter is meant to use (a substring of its name in the plan).
EXPECTED_INDEX = {
    "q": "search_vector",
    "q (selective: thulium)": "search_vector",
    "between": "agreementparty",
    "mineral": "agreementmineral",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Environment, database, server


def app_env(database: str, cache_on: bool) -> dict:
    """Production settings: DEBUG unset, a real secret, Redis shared cache, no throttling."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        SECRET_KEY="benchmark-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{PG}/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        CACHE_KEY_PREFIX=f"bench-{database}",
        THROTTLE_ANON="off",
        THROTTLE_USER="off",
        API_RESPONSE_CACHE="1" if cache_on else "0",
        BENCHMARK_BASELINE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str, quiet: bool = True) -> None:
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=out)


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", f"{PG}/{database}", "-v", "ON_ERROR_STOP=1", "-Atc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def flush_redis() -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()


def build_database(size: str, count: int, reuse: bool = False) -> dict:
    """A fresh database with the reference data and ``count`` generated agreements."""
    database = f"cmat_bench_{size}"
    env = app_env(database, cache_on=False)
    if reuse and psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'").strip():
        log(f"{database}: reusing the existing database (--reuse)")
        return {"database": database, "generate_seconds": None}
    log(f"{database}: creating, migrating, loading reference data")
    psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    psql(f"CREATE DATABASE {database}")
    manage(env, "migrate", "--no-input")
    manage(env, "load_reference_data")
    log(f"{database}: generate_demo_data --agreements {count}")
    started = time.perf_counter()
    manage(env, "generate_demo_data", "--agreements", str(count), "--seed", str(SEED))
    generated = time.perf_counter() - started
    # Fresh statistics, as autovacuum would have gathered on a live database.
    psql("VACUUM ANALYZE", database)
    return {"database": database, "generate_seconds": generated}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with 2 gthread workers; the repository's gunicorn.conf.py when present."""

    def __init__(self, env: dict, logfile: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [GUNICORN]
        conf = ROOT / "gunicorn.conf.py"
        if conf.exists():
            cmd += ["-c", str(conf)]
        else:
            cmd += ["--threads", "4"]
        # Recycling off: RSS and warm caches are measured on the same two workers.
        cmd += ["--workers", "2", "--worker-class", "gthread", "--max-requests", "0"]
        cmd += ["--bind", f"127.0.0.1:{self.port}", "config.wsgi:application"]
        self.cmd = cmd
        self.log = open(logfile, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {logfile}")
            try:
                if fetch(self.base + "/healthz")[0] == 200 and len(self.workers()) >= 2:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not become ready; see {logfile}")

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------------------------------
# HTTP helpers and the load generator


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk not found: installing Debian's package")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run([*prefix, "apt-get", "install", "-y", "wrk"], check=False)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: apt-get install -y wrk")
    return found


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk(url: str, seconds: float, headers: dict | None = None) -> dict:
    cmd = [WRK, "-t2", "-c16", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "30s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}(?:\.0+)?%\s+(\S+)", out, re.M)
        result[f"p{pct}"] = _ms(match.group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = int(bad.group(1)) if bad else 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["socket_errors"] = sum(int(x) for x in sock.groups()) if sock else 0
    return result


def measure(server: Server, path: str, args, headers=None, expect=200) -> dict:
    """Check one request, warm up, then a timed wrk run."""
    status, _, body = fetch(server.base + path, headers)
    if status != expect:
        log(f"  {path}: expected {expect}, got {status}: {body[:200]!r}")
        return {"status": status}
    wrk(server.base + path, args.warmup, headers)
    result = wrk(server.base + path, args.duration, headers)
    result["bytes"] = len(body)
    log(
        f"  {path} {'(' + ', '.join(headers) + ')' if headers else ''}: "
        f"{result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms"
    )
    return result


# ---------------------------------------------------------------------------------------
# Export (T5): time to first byte, total time, worker RSS


def _rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def export(server: Server) -> dict:
    path = "/api/v1/agreements/export/?format=csv"
    pids = server.workers()
    start_rss = {pid: _rss_kb(pid) for pid in pids}
    start_hwm = {pid: _rss_kb(pid, "VmHWM") for pid in pids}
    peak = dict(start_rss)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], _rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    if response.status == 404:
        done.set()
        conn.close()
        return {"available": False}
    first = response.read1(65536) if response.status == 200 else response.read()
    ttfb = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    while chunk := response.read1(65536):
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - started
    done.set()
    sampler.join()
    conn.close()
    growth = max(peak[p] - start_rss[p] for p in pids) / 1024
    hwm_growth = max(_rss_kb(p, "VmHWM") - start_hwm[p] for p in pids) / 1024
    result = {
        "available": response.status == 200,
        "status": response.status,
        "ttfb_s": ttfb,
        "total_s": total,
        "bytes": size,
        "rows": max(lines - 1, 0),
        "rss_growth_mb": growth,
        "hwm_growth_mb": hwm_growth,
        "rss_start_mb": max(start_rss.values()) / 1024,
    }
    log(
        f"  export: {result['rows']} rows, {size / 1e6:.1f} MB, first byte {ttfb:.3f} s, "
        f"total {total:.1f} s, worker RSS +{growth:.1f} MB (VmHWM +{hwm_growth:.1f} MB)"
    )
    return result


# ---------------------------------------------------------------------------------------
# EXPLAIN of the list queries (index use)

EXPLAIN_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    markers = {
        "q": ["search_vector"],
        "q (selective: thulium)": ["search_vector"],
        "between": ["agreements_agreementparty", "EXISTS"],
        "mineral": ["agreements_agreementmineral", "EXISTS"],
    }
    out = {}
    client = Client(HTTP_HOST="127.0.0.1")
    for name, query in json.loads(sys.argv[1]).items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/agreements/?limit=50&" + query)
        assert response.status_code == 200, response.status_code
        plans = []
        for captured in ctx.captured_queries:
            sql = captured["sql"]
            if not sql.startswith("SELECT") or '"agreements_agreement"' not in sql:
                continue
            if not all(m in sql for m in markers[name]):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
                plans.append([row[0] for row in cursor.fetchall()])
        out[name] = plans
    print(json.dumps(out))
    """
)


def explain(database: str) -> dict:
    env = app_env(database, cache_on=False)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [PYTHON, "-c", EXPLAIN_SCRIPT, json.dumps(EXPLAIN_FILTERS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        log("EXPLAIN failed: " + result.stderr[-2000:])
        return {}
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------
# One data size


def compare_baseline(server: Server) -> str:
    api = json.loads(fetch(server.base + LIST)[2])
    base = json.loads(fetch(server.base + "/benchmark/baseline/agreements/?limit=50")[2])
    if api == base:
        return "identical"
    for key in ("count", "next", "previous"):
        if api.get(key) != base.get(key):
            return f"differs in {key}: {api.get(key)!r} vs {base.get(key)!r}"
    for i, (a, b) in enumerate(zip(api["results"], base["results"], strict=False)):
        for key in a:
            if a[key] != b.get(key):
                return f"differs in results[{i}].{key}: {a[key]!r:.80} vs {b.get(key)!r:.80}"
    return "differs"


def run_size(size: str, count: int, args) -> dict:
    out: dict = {"size": size, "agreements": count}
    out.update(build_database(size, count, reuse=args.reuse))
    database = out["database"]
    logdir = Path(args.logdir)

    flush_redis()
    log(f"{database}: server with the response cache OFF")
    server = Server(app_env(database, cache_on=False), logdir / f"gunicorn-{size}-off.log")
    try:
        out["baseline_check"] = compare_baseline(server)
        log(f"  baseline page vs API page: {out['baseline_check']}")
        rows = out["rows"] = {}
        rows["a_off"] = measure(server, "/healthz", args)
        rows["b"] = measure(server, "/benchmark/baseline/agreements/?limit=50", args)
        rows["c"] = measure(server, LIST, args)
        for name, query in FILTERS.items():
            rows["e:" + name] = measure(server, LIST + query, args)
        page = json.loads(fetch(server.base + LIST)[2])
        detail = "/api/v1/agreements/" + page["results"][0]["slug"] + "/"
        out["detail"] = detail
        rows["f_off"] = measure(server, detail, args)
        etag = fetch(server.base + detail)[1].get("ETag")
        if etag:
            rows["f304_off"] = measure(server, detail, args, {"If-None-Match": etag}, expect=304)
        else:
            rows["f304_off"] = {"status": "no ETag"}
        out["export"] = export(server)
    finally:
        server.stop()

    flush_redis()
    log(f"{database}: server with the response cache ON")
    server = Server(app_env(database, cache_on=True), logdir / f"gunicorn-{size}-on.log")
    try:
        rows["a_on"] = measure(server, "/healthz", args)
        rows["d"] = measure(server, LIST, args)
        rows["f_on"] = measure(server, detail, args)
        etag = fetch(server.base + detail)[1].get("ETag")
        if etag:
            rows["f304_on"] = measure(server, detail, args, {"If-None-Match": etag}, expect=304)
    finally:
        server.stop()

    if size == "100k" or args.quick:
        log(f"{database}: EXPLAIN of the q, between and mineral list queries")
        out["explain"] = explain(database)
    if not args.keep:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return out


# ---------------------------------------------------------------------------------------
# Report

LABELS = [
    ("a_off", "(a) /healthz                      [cache off]"),
    ("a_on", "(a) /healthz                      [cache on]"),
    ("b", "(b) baseline: one SQL JSON query"),
    ("c", "(c) list limit=50, cache off"),
    ("d", "(d) list limit=50, cache on, warm"),
    *[("e:" + k, f"(e) {k}") for k in FILTERS],
    ("f_off", "(f) detail, cache off"),
    ("f304_off", "(f) detail 304, cache off"),
    ("f_on", "(f) detail, cache on"),
    ("f304_on", "(f) detail 304, cache on"),
]


def cell(row: dict | None) -> str:
    if not row:
        return f"{'—':>9} {'':>8} {'':>8}"
    if "rps" not in row:
        return f"{'error ' + str(row.get('status')):>27}"
    flag = "!" if row.get("errors") or row.get("socket_errors") else " "
    return f"{row['rps']:>8.0f}{flag} {row['p50']:>8.1f} {row['p99']:>8.1f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(value, target, higher_is_better=True) -> str:
    if value is None:
        return "n/a"
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "NOT MET"


def report(results: list[dict], args) -> str:
    lines = []
    sizes = [r["size"] for r in results]
    head = f"{'case':<44}" + "".join(
        f" | {s + ' req/s':>9} {'p50 ms':>8} {'p99 ms':>8}" for s in sizes
    )
    lines += [head, "-" * len(head)]
    for key, label in LABELS:
        lines.append(f"{label:<44}" + "".join(f" | {cell(r['rows'].get(key))}" for r in results))
    lines.append("(! = some non-2xx/3xx responses or socket errors during the run)")
    lines.append("")
    for r in results:
        e = r["export"]
        if not e.get("available"):
            lines.append(f"(g) export CSV at {r['size']}: not available (status {e.get('status')})")
        else:
            lines.append(
                f"(g) export CSV at {r['size']}: {e['rows']} rows, {e['bytes'] / 1e6:.1f} MB, "
                f"first byte {e['ttfb_s']:.3f} s, total {e['total_s']:.1f} s, worker RSS "
                f"{e['rss_start_mb']:.0f} MB +{e['rss_growth_mb']:.1f} MB "
                f"(VmHWM +{e['hwm_growth_mb']:.1f} MB)"
            )
    for r in results:
        seconds = r["generate_seconds"]
        lines.append(
            f"generate_demo_data --agreements {r['agreements']}: "
            f"{'reused' if seconds is None else f'{seconds:.0f} s'}; "
            f"baseline page vs API page: {r['baseline_check']}"
        )
    lines.append("")
    lines.append("Targets (ratios within this run):")
    for r in results:
        rows = r["rows"]
        t1 = ratio(rows["c"].get("rps"), rows["b"].get("rps"))
        t2 = ratio(rows["d"].get("rps"), rows["a_on"].get("rps"))
        lines.append(
            f"  T1 {r['size']}: (c)/(b) throughput = {fmt(t1)}  (target ≥ 0.5)  {verdict(t1, 0.5)}"
        )
        lines.append(
            f"  T2 {r['size']}: (d)/(a) throughput = {fmt(t2)}  (target ≥ 0.5)  {verdict(t2, 0.5)}"
        )
    by_size = {r["size"]: r for r in results}
    if "10k" in by_size and "100k" in by_size:
        for name in SCALING_FILTERS:
            small = by_size["10k"]["rows"]["e:" + name].get("p50")
            large = by_size["100k"]["rows"]["e:" + name].get("p50")
            t4 = ratio(large, small)
            lines.append(
                f"  T4 {name}: p50 100k / p50 10k = {fmt(t4)}  (target ≤ 1.5)  "
                f"{verdict(t4, 1.5, higher_is_better=False)}"
            )
    else:
        lines.append("  T4: n/a (needs both sizes; not run in --quick mode)")
    for r in results:
        e = r["export"]
        if not e.get("available"):
            lines.append(f"  T5 {r['size']}: n/a (no export endpoint)")
            continue
        ok = e["rss_growth_mb"] < 50 and e["ttfb_s"] < 1
        lines.append(
            f"  T5 {r['size']}: RSS growth {e['rss_growth_mb']:.1f} MB (< 50), first byte "
            f"{e['ttfb_s']:.3f} s (< 1)  {'met' if ok else 'NOT MET'}"
        )
    for r in results:
        if "explain" not in r:
            continue
        lines.append("")
        lines.append(
            f"EXPLAIN ANALYZE at {r['size']} (index lines, and sequential scans of agreements):"
        )
        for name, plans in r["explain"].items():
            if not plans:
                lines.append(f"  {name}: no matching query captured")
            for plan in plans:
                indexed = [ln.strip() for ln in plan if " on " in ln and "Index" in ln]
                timing = [ln.strip() for ln in plan if ln.startswith("Execution Time")]
                wanted = EXPECTED_INDEX[name]
                hit = any(wanted in ln for ln in indexed)
                lines.append(
                    f"  {name}: index on *{wanted}* "
                    f"{'used' if hit else 'NOT used'}; " + "; ".join(timing)
                )
                scans = [ln.strip() for ln in plan if "Seq Scan on agreements_agreement " in ln]
                lines += [f"      {ln}" for ln in indexed + scans]
    return "\n".join(lines)


def fmt(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = mem[1].split()[1] if len(mem) > 1 else "?"
    load = os.getloadavg()
    return (
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}; nproc {os.cpu_count()}; "
        f"{cpu}; RAM {total}; load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k only, short runs")
    parser.add_argument("--duration", type=float, help="seconds per wrk run (default 8; 4 quick)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per case (2; 1 quick)")
    parser.add_argument("--sizes", default=None, help="comma-separated: 10k,100k")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse kept databases (development only)"
    )
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--logdir", default="/tmp", help="where gunicorn logs go")
    args = parser.parse_args()
    args.duration = args.duration or (4 if args.quick else 8)
    args.warmup = args.warmup or (1 if args.quick else 2)
    sizes = args.sizes.split(",") if args.sizes else (["10k"] if args.quick else list(SIZES))

    global WRK
    WRK = ensure_wrk()
    started = time.time()
    results = [run_size(size, SIZES[size], args) for size in sizes]
    text = report(results, args)
    print()
    print(f"Machine: {machine()}; whole run {(time.time() - started) / 60:.1f} min")
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


WRK = "wrk"

if __name__ == "__main__":
    main()
