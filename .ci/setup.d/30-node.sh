#!/usr/bin/env bash
# Node.js and npm for the TypeScript client check (.ci/checks.d/60-clients.sh).
set -euo pipefail
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm
fi
node --version
npm --version
