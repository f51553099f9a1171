#!/usr/bin/env bash
# Debian's Chromium for the admin's browser tests (tests/browser, Playwright drives it;
# `playwright install` downloads are not used).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
fi
/usr/bin/chromium --version
