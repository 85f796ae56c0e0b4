#!/usr/bin/env bash
# Headless Chromium for the web UI tests, from Debian's packages.
#   browser.sh install     install chromium if /usr/bin/chromium is missing
# (npm's playwright would download a browser build of its own; the tests drive
# Debian's with playwright-core instead.)
set -euo pipefail

[ "${1:-}" = install ] || { echo "usage: browser.sh install" >&2; exit 2; }
[ -x /usr/bin/chromium ] && exit 0
bash "$(dirname "$0")/apt-install.sh" chromium
[ -x /usr/bin/chromium ] || { echo "browser.sh: chromium did not install" >&2; exit 1; }
