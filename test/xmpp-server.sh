#!/usr/bin/env bash
# A Prosody XMPP server for tests and the demo, on 127.0.0.1 only, with
# everything (config, data, logs, pid) in one directory.
#   xmpp-server.sh install                  install prosody (and iproute2) from Debian's packages if missing
#   xmpp-server.sh start DIR PORT           start (or find running) and print its PID
#   xmpp-server.sh adduser DIR USER PASS [USER PASS]...   create or overwrite accounts
#   xmpp-server.sh stop DIR                 stop it (SIGTERM, then SIGKILL after STOP_WAIT s)
# XMPP_DOMAIN (default localhost), XMPP_OFFLINE_LIMIT (10000), XMPP_STANZA_LIMIT (262144).
# XMPP_MAM=0: no message archive (XEP-0313), which is on by default.
# XMPP_ARCHIVE_STORAGE=sql: the archive in SQLite (DIR/data/prosody.sqlite), the rest in files. Prosody's
# internal (file) storage reads an account's whole archive for every archive query; its SQLite storage
# commits every archived message on its own.
# XMPP_INTERFACE: the address to listen on (default 127.0.0.1; a test's own network namespace may give its own).
# XMPP_TLS=1: a self-signed certificate for the domain (DIR/certs/DOMAIN.crt, which clients
# can trust as their CA), encryption required; XMPP_TLS_PORT=P also listens for direct TLS on P.
set -euo pipefail

domain=${XMPP_DOMAIN:-localhost}
# seconds, not rounds of a loop: a busy machine makes each round slower. A start that is ready
# later than this is broken; a server still stopping after STOP_WAIT is killed.
START_WAIT=${XMPP_START_WAIT:-120}
STOP_WAIT=${XMPP_STOP_WAIT:-20}

die() { echo "xmpp-server.sh: $*" >&2; exit 1; }

install() {
  # the dead-link tests put bots in network namespaces of their own (ip, from iproute2)
  command -v ip >/dev/null || bash "$(dirname "$0")/apt-install.sh" iproute2
  # the SQLite driver too (XMPP_ARCHIVE_STORAGE=sql), on a machine that has Prosody without it
  command -v prosody >/dev/null && dpkg -s lua-dbi-sqlite3 >/dev/null 2>&1 && return 0
  bash "$(dirname "$0")/apt-install.sh" prosody lua-unbound lua-dbi-sqlite3
  command -v prosody >/dev/null || die "prosody did not install"
}

# archive_storage: where the archive is kept (see XMPP_ARCHIVE_STORAGE)
archive_storage() {
  local dir=$1
  case "${XMPP_ARCHIVE_STORAGE:-internal}" in
    internal) echo 'storage = "internal"' ;;
    sql) echo 'storage = { archive = "sql" }'; echo "sql = { driver = \"SQLite3\", database = \"$dir/data/prosody.sqlite\" }" ;;
    *) die "XMPP_ARCHIVE_STORAGE: internal or sql, not ${XMPP_ARCHIVE_STORAGE}" ;;
  esac
}

tls_config() {
  local dir=$1
  local mam='"mam"'
  [ "${XMPP_MAM:-1}" = 1 ] || mam=''
  [ "${XMPP_TLS:-}" = 1 ] || { echo 'c2s_require_encryption = false'; echo "modules_enabled = { \"roster\", \"saslauth\", \"disco\", \"ping\", $mam }"; return 0; }
  if [ ! -f "$dir/certs/$domain.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$domain" -addext "subjectAltName=DNS:$domain" \
      -keyout "$dir/certs/$domain.key" -out "$dir/certs/$domain.crt" >/dev/null 2>&1 || die "openssl could not make a certificate"
  fi
  echo 'c2s_require_encryption = true'
  echo "modules_enabled = { \"roster\", \"saslauth\", \"disco\", \"ping\", \"tls\", $mam }"
  echo "ssl = { certificate = \"$dir/certs/$domain.crt\"; key = \"$dir/certs/$domain.key\" }"
  [ -z "${XMPP_TLS_PORT:-}" ] || echo "c2s_direct_tls_ports = { $XMPP_TLS_PORT }"
}

config() {
  local dir=$1 port=$2 tls storage
  mkdir -p "$dir/data" "$dir/certs"
  tls=$(tls_config "$dir")
  storage=$(archive_storage "$dir")
  cat > "$dir/prosody.cfg.lua" <<LUA
run_as_root = true
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
certificates = "$dir/certs"
log = { info = "$dir/prosody.log" }
interfaces = { "${XMPP_INTERFACE:-127.0.0.1}" }
c2s_ports = { $port }
$tls
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
default_iteration_count = 128
$storage
storage_archive_item_limit = ${XMPP_OFFLINE_LIMIT:-10000}
archive_expires_after = "1w"
max_archive_query_results = ${XMPP_MAM_PAGE:-1000}
default_archive_policy = true
c2s_stanza_size_limit = ${XMPP_STANZA_LIMIT:-262144}
modules_disabled = { "s2s", "s2s_auth_certs" }
VirtualHost "$domain"
LUA
}

running_pid() {
  local dir=$1 pid
  [ -f "$dir/prosody.pid" ] || return 1
  pid=$(cat "$dir/prosody.pid")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  local dir=$1 port=$2 pid
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if pid=$(running_pid "$dir"); then echo "$pid"; return 0; fi
  config "$dir" "$port"
  nohup prosody --config "$dir/prosody.cfg.lua" -F </dev/null >"$dir/stdout.log" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + START_WAIT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if (exec 3<>"/dev/tcp/${XMPP_INTERFACE:-127.0.0.1}/$port") 2>/dev/null; then echo "$pid"; return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  tail -n 20 "$dir/stdout.log" "$dir/prosody.log" >&2 2>/dev/null || true
  die "prosody did not start on ${XMPP_INTERFACE:-127.0.0.1}:$port"
}

adduser() {
  local dir=$1
  shift
  dir=$(cd "$dir" && pwd)
  [ -f "$dir/prosody.cfg.lua" ] || die "$dir has no server config; start it first"
  while [ $# -ge 2 ]; do
    PROSODYCTL_LOG_LEVEL=error prosodyctl --config "$dir/prosody.cfg.lua" register "$1" "$domain" "$2" >/dev/null
    shift 2
  done
}

stop() {
  local dir=$1 pid
  pid=$(running_pid "$dir") || return 0
  kill "$pid"
  local deadline=$((SECONDS + STOP_WAIT))
  while [ "$SECONDS" -lt "$deadline" ]; do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 3 ] || die "usage: start DIR PORT"; start "$2" "$3" ;;
  adduser) [ $# -ge 4 ] && [ $(($# % 2)) -eq 0 ] || die "usage: adduser DIR USER PASS [USER PASS]..."; shift; adduser "$@" ;;
  stop) [ $# -eq 2 ] || die "usage: stop DIR"; stop "$2" ;;
  *) die "usage: install | start DIR PORT | adduser DIR USER PASS [USER PASS]... | stop DIR" ;;
esac
