#!/usr/bin/env bash
# The explorer's chart libraries and the browser tests' axe-core, from the npm registry with
# the committed lockfile; then check that the vendored copies in explorer/static/ are the
# ones the lockfile builds (serving needs only the committed files, never Node).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm
fi
cd explorer/frontend
npm ci --no-audit --no-fund
npm run build
git diff --exit-code -- ../static/explorer/vendor
