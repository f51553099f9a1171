#!/usr/bin/env bash
# The package as `pip install .` delivers it: build the wheel, install it into a fresh venv
# outside the checkout, migrate, load the reference data, collect static files and serve the
# API docs and the admin login through gunicorn (tests/packaging/test_wheel.py; about 2 min).
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
CMAT_WHEEL_TEST=1 .venv/bin/pytest tests/packaging -q -p no:cacheprovider
echo "wheel check took $(($(date +%s) - started)) s"
