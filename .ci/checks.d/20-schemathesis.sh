#!/usr/bin/env bash
# Property-based API testing (schemathesis) against a live gunicorn under production-like
# settings: every operation of /api/schema/, all checks, 100 examples per operation, all phases
# (stateful included), once anonymous and once as an editor. Accepted deviations are in
# schemathesis.toml, each with its reason. Any failure fails CI. One schemathesis worker: with
# two, hypothesis calls ast.parse from two threads and CPython 3.11 can fail with "AST
# constructor recursion depth mismatch" (a tool error, not an API failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/lib/live-server.sh

started=$(date +%s)
live_server_up schemathesis 11 2

mkdir -p .ci/out/schemathesis
run() {
  local label=$1
  shift
  echo "--- schemathesis: $label"
  local log=".ci/out/schemathesis/$label.log"
  local rc=0
  .venv/bin/st run "$BASE_URL/api/schema/?format=json" --url "$BASE_URL" \
    --checks all --max-examples "${ST_MAX_EXAMPLES:-100}" \
    --phases examples,coverage,fuzzing,stateful \
    --seed 20260101 --generation-database none --workers 1 --request-timeout 20 \
    --wait-for-schema 30 --no-color "$@" >"$log" 2>&1 || rc=$?
  # The summary ends the output; keep the lines a reader needs in the CI log.
  sed -n '/^=* SUMMARY =*$/,$p' "$log"
  if [ "$rc" -ne 0 ]; then
    echo "schemathesis ($label) failed with exit code $rc; full output: $log" >&2
    sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$log" | head -200 >&2
  fi
  return "$rc"
}

status=0
run anonymous || status=1
run editor -H "Authorization: Token $EDITOR_TOKEN" || status=1
if grep -q -E 'Traceback|Internal Server Error' "$SERVER_LOG"; then
  echo "The server logged errors during the run:" >&2
  grep -B2 -A20 -E 'Traceback' "$SERVER_LOG" | head -100 >&2
  status=1
fi
echo "schemathesis check took $(($(date +%s) - started)) s"
exit "$status"
