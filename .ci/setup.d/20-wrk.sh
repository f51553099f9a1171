#!/usr/bin/env bash
# wrk drives the load check (.ci/checks.d/30-load.sh, tests/load/run.sh).
set -euo pipefail
if ! command -v wrk >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wrk
fi
wrk --version 2>&1 | head -n 1 || true
