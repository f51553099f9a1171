#!/usr/bin/env bash
# nginx and PgBouncer from Debian for the production-topology check
# (.ci/checks.d/50-cluster.sh, deploy/local-cluster.sh). Installing them does not start
# them here (no init system); the check starts its own instances on its own ports.
set -euo pipefail
if ! command -v nginx >/dev/null || ! command -v pgbouncer >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nginx-light pgbouncer
fi
nginx -v 2>&1
pgbouncer --version | head -n 1
