#!/usr/bin/env bash
# Typed clients generated from the live server's schema, each running examples/ against it:
# Python (openapi-python-client, type-checked with mypy --strict) and TypeScript
# (openapi-typescript types + openapi-fetch, compiled with tsc --strict). Each program lists
# with filters, pages through everything, fetches one, creates with a token, follows the
# changes feed, and handles a 400 and a 412. About a minute in all.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/lib/live-server.sh

started=$(date +%s)
DEMO_AGREEMENTS=50 live_server_up clients 12 2
out=.ci/out/clients
rm -rf "$out" && mkdir -p "$out/python"
curl -fsS "$BASE_URL/api/schema/?format=json" -o "$out/schema.json"
timer() { echo "  ($1: $(($(date +%s) - $2)) s)"; }

echo "--- Python client (openapi-python-client, mypy --strict)"
t=$(date +%s)
.venv/bin/pip install --quiet -e ".[clients]"
.venv/bin/openapi-python-client generate --path "$out/schema.json" \
  --config examples/python/openapi-python-client.yaml --output-path "$out/python/cmat_client" \
  --meta none >/dev/null
MYPYPATH="$out/python" .venv/bin/mypy --strict --cache-dir "$out/mypy-cache" \
  examples/python/client_demo.py
PYTHONPATH="$out/python" BASE_URL="$BASE_URL" CMAT_TOKEN="$EDITOR_TOKEN" \
  .venv/bin/python examples/python/client_demo.py
timer python "$t"

echo "--- TypeScript client (openapi-typescript + openapi-fetch, tsc --strict)"
t=$(date +%s)
(
  cd examples/typescript
  npm ci --no-audit --no-fund --loglevel=error
  SCHEMA="../../$out/schema.json" npm run -s generate
  npm run -s build
  BASE_URL="$BASE_URL" CMAT_TOKEN="$EDITOR_TOKEN" npm start -s
)
timer typescript "$t"

if grep -q -E 'Traceback|Internal Server Error' "$SERVER_LOG"; then
  echo "The server logged errors:" >&2
  grep -B2 -A20 -E 'Traceback' "$SERVER_LOG" | head -60 >&2
  exit 1
fi
echo "client check took $(($(date +%s) - started)) s"
