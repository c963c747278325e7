#!/usr/bin/env bash
# Chromium for the browser tests (tests marked `browser`, driven by Playwright through tests/browser_support.py):
# installs Debian's `chromium` when /usr/bin/chromium is absent, and does nothing when it is there. Never a
# browser downloaded by Playwright (`playwright install` is not used): the tests launch this executable. Needs
# root and apt-get (as on CI); exits 1 with the reason otherwise, so that the caller can say why it is missing.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "no $CHROMIUM, and apt-get as root is not available to install Debian's chromium" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core >&2
[ -x "$CHROMIUM" ]
