#!/usr/bin/env bash
# Debian packages the tests need, the one way the install scripts get them.
#   apt-install.sh PACKAGE...
# Installs quietly, refreshes the package lists once when an install fails
# (a fresh machine has none), and keeps the packages from starting
# system-wide daemons on every interface (a policy-rc.d that refuses each
# start, removed again however the install ends). Root only.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: apt-install.sh PACKAGE..." >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then
  echo "apt-install.sh: the tests need $*: run 'apt-get install $*' as root" >&2
  exit 1
fi
guard=/usr/sbin/policy-rc.d
if [ ! -e "$guard" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$guard"
  chmod +x "$guard"
  trap 'rm -f "$guard"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; }
