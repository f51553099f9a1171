#!/usr/bin/env bash
# Mixed read/write load for 20 s against gunicorn under production-like settings (3 workers,
# Redis, PostgreSQL): zero socket errors, zero non-2xx/3xx, zero failed writes, no 5xx.
# By hand, tests/load/run.sh runs 120 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
bash tests/load/run.sh 20
echo "load check took $(($(date +%s) - started)) s"
