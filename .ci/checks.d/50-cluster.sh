#!/usr/bin/env bash
# The production topology on loopback (deploy/local-cluster.sh: nginx with its HTTP cache,
# two gunicorn instances, PgBouncer in transaction mode, a PostgreSQL primary and its
# streaming replica, Redis), all on ports and data directories of its own; then its tests
# (tests/live/test_cluster.py), the benchmark through nginx against straight to gunicorn, and
# the failure drills (replica, one app server, Redis stopped under load: 0 failed requests).
# Everything it started is stopped and deleted on any exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
export CLUSTER_PORT=${CLUSTER_PORT:-16700}
export CLUSTER_DIR=${CLUSTER_DIR:-/tmp/cmat-cluster-ci-$CLUSTER_PORT}
export DEMO_AGREEMENTS=${DEMO_AGREEMENTS:-1000}
cleanup() {
  local rc=$?
  bash deploy/local-cluster.sh down || true
  echo "cluster check took $(($(date +%s) - started)) s (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash deploy/local-cluster.sh up
CMAT_CLUSTER_ENV="$CLUSTER_DIR/env" .venv/bin/pytest tests/live/test_cluster.py -q -p no:cacheprovider -rs -s
.venv/bin/python deploy/cluster-bench.py --seconds "${BENCH_SECONDS:-5}"
