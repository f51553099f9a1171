#!/usr/bin/env bash
# Mixed load test: wrk (2 threads, 32 connections) over a list of read URLs (agreement list
# with filters, details, parties, minerals, people, lists) while tests/load/writer.py PATCHes
# an agreement's summary as an editor every ~0.5 s. Fails on any socket error, any status
# outside 2xx/3xx, any failed write or any server error in the log. Prints requests, p50/p99.
#
#   tests/load/run.sh [SECONDS]          # 120 s by default; CI runs 20
#
# With BASE_URL and EDITOR_TOKEN set it loads that server; otherwise it starts gunicorn under
# production-like settings on a fresh PostgreSQL database (.ci/lib/live-server.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-${LOAD_SECONDS:-120}}
PY=${PY:-.venv/bin/python}

if [ -z "${BASE_URL:-}" ]; then
  source .ci/lib/live-server.sh
  live_server_up load 12 "${LOAD_WORKERS:-3}"
fi
: "${EDITOR_TOKEN:?EDITOR_TOKEN is needed for the writes}"

work=$(mktemp -d /tmp/cmat-load.XXXXXX)
paths="$work/paths.txt"
"$PY" - "$BASE_URL" >"$paths" <<'PYEOF'
import json, sys, urllib.request

base = sys.argv[1]

def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return json.load(r)

agreements = get("/api/v1/agreements/?limit=30&ordering=-updated_at")["results"]
people = get("/api/v1/people/?limit=10")["results"]
paths = [
    "/api/v1/agreements/",
    "/api/v1/agreements/?limit=100&offset=20",
    "/api/v1/agreements/?party=GB",
    "/api/v1/agreements/?party=US&party=JP",
    "/api/v1/agreements/?between=GB,US",
    "/api/v1/agreements/?mineral=lithium",
    "/api/v1/agreements/?mineral=rare-earth-elements",
    "/api/v1/agreements/?status=signed&status=in_force",
    "/api/v1/agreements/?kind=memorandum_of_understanding",
    "/api/v1/agreements/?legally_binding=unknown",
    "/api/v1/agreements/?signed_after=2020-01-01&signed_before=2025-12-31",
    "/api/v1/agreements/?in_force_on=2025-01-01",
    "/api/v1/agreements/?q=lithium",
    "/api/v1/agreements/?ordering=title&limit=20",
    "/api/v1/parties/?limit=100",
    "/api/v1/parties/GB/",
    "/api/v1/parties/US/",
    "/api/v1/parties/AU/",
    "/api/v1/minerals/?limit=100",
    "/api/v1/minerals/lithium/",
    "/api/v1/minerals/rare-earth-elements/",
    "/api/v1/minerals/cobalt/",
    "/api/v1/mineral-lists/",
    "/api/v1/mineral-lists/uk-2024/",
    "/api/v1/people/",
]
paths += [f"/api/v1/agreements/{a['slug']}/" for a in agreements]
paths += [f"/api/v1/people/{p['slug']}/" for p in people]
# Every URL must answer 200 before the run: the list holds no expected 404s.
for path in paths:
    with urllib.request.urlopen(base + path, timeout=30) as r:
        assert r.status == 200, (path, r.status)
print("\n".join(paths))
PYEOF
slug=$("$PY" -c "import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + '/api/v1/agreements/?limit=1&ordering=slug'))['results'][0]['slug'])" "$BASE_URL")
echo "load: $(wc -l <"$paths") read URLs, writes to $slug, ${SECONDS_TO_RUN} s, 32 connections"

"$PY" tests/load/writer.py --base "$BASE_URL" --token "$EDITOR_TOKEN" --slug "$slug" \
  --seconds "$SECONDS_TO_RUN" >"$work/writer.json" &
writer=$!
PATHS_FILE="$paths" wrk -t2 -c32 -d"${SECONDS_TO_RUN}s" --timeout 10s --latency \
  -s tests/load/mixed.lua "$BASE_URL" >"$work/wrk.txt"
wait "$writer"

reads=$(grep '^{"requests"' "$work/wrk.txt" | tail -n 1)
writes=$(cat "$work/writer.json")
echo "reads:  $reads"
echo "writes: $writes"
status=0
"$PY" - "$reads" "$writes" <<'PYEOF' || status=1
import json, sys

reads, writes = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(
    f"served {reads['requests']} reads ({reads['rps']:.0f}/s) and {writes['writes']} writes; "
    f"p50 {reads['p50_ms']:.1f} ms, p99 {reads['p99_ms']:.1f} ms"
)
problems = []
if reads["socket_errors"] or reads["timeouts"]:
    problems.append(f"{reads['socket_errors']} socket errors, {reads['timeouts']} timeouts")
if reads["non_2xx_3xx"]:
    problems.append(f"{reads['non_2xx_3xx']} read responses outside 2xx/3xx")
failed = {s: n for s, n in writes["statuses"].items() if not s.startswith("2")}
if failed or not writes["writes"]:
    problems.append(f"writes not all 2xx: {writes['statuses']}")
for problem in problems:
    print("FAIL:", problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PYEOF
if [ -n "${SERVER_LOG:-}" ] && grep -qE 'Traceback|WORKER TIMEOUT|Server Error \(5' "$SERVER_LOG"; then
  echo "FAIL: the server logged errors:" >&2
  grep -E -A15 'Traceback|WORKER TIMEOUT' "$SERVER_LOG" | head -60 >&2
  status=1
fi
exit "$status"
