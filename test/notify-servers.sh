#!/usr/bin/env bash
# What the notification channels' tests run against, from Debian's packages:
# an SMTP server (python3-aiosmtpd, driven by test/smtp-server.py), a D-Bus
# daemon for a private session bus, and ngircd for IRC.
#   notify-servers.sh install       install them if missing
set -euo pipefail

install() {
  local missing=()
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
  command -v dbus-daemon >/dev/null || missing+=(dbus)
  command -v ngircd >/dev/null || [ -x /usr/sbin/ngircd ] || missing+=(ngircd)
  command -v openssl >/dev/null || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return 0
  # keep the packages from starting system-wide daemons
  local guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$guard"
    chmod +x "$guard"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
  [ -n "$guard" ] && rm -f "$guard"
  /usr/bin/python3 -c 'import aiosmtpd' || { echo "notify-servers.sh: python3-aiosmtpd did not install" >&2; exit 1; }
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: notify-servers.sh install" >&2; exit 2 ;;
esac
