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
  bash "$(dirname "$0")/apt-install.sh" "${missing[@]}"
  /usr/bin/python3 -c 'import aiosmtpd' || { echo "notify-servers.sh: python3-aiosmtpd did not install" >&2; exit 1; }
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: notify-servers.sh install" >&2; exit 2 ;;
esac
