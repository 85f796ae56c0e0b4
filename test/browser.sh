#!/usr/bin/env bash
# Headless Chromium for the web UI tests, from Debian's packages.
#   browser.sh install     install chromium if /usr/bin/chromium is missing
# (npm's playwright would download a browser build of its own; the tests drive
# Debian's with playwright-core instead.)
set -euo pipefail

[ "${1:-}" = install ] || { echo "usage: browser.sh install" >&2; exit 2; }
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "browser.sh: the web UI tests need Debian's chromium: run 'apt-get install chromium' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
[ -x /usr/bin/chromium ] || { echo "browser.sh: chromium did not install" >&2; exit 1; }
