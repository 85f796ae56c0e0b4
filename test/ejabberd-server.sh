#!/usr/bin/env bash
# An ejabberd XMPP server for tests, on 127.0.0.1 only, with everything (config,
# mnesia spool, logs, pid, Erlang cookie) in one directory. Same commands as xmpp-server.sh:
#   ejabberd-server.sh install                  install ejabberd from Debian's packages if missing
#   ejabberd-server.sh start DIR PORT           start (or find running) and print its PID
#   ejabberd-server.sh adduser DIR USER PASS [USER PASS]...   create or overwrite accounts
#   ejabberd-server.sh stop DIR                 stop it (SIGTERM, then SIGKILL after STOP_WAIT s)
# XMPP_DOMAIN (default localhost), XMPP_OFFLINE_LIMIT (10000), XMPP_STANZA_LIMIT (262144),
# XMPP_SMACKS=1 (mod_stream_mgmt), XMPP_MAM=0 (no message archive), XMPP_INTERFACE (listen there, not on
# 127.0.0.1: a test's own network namespace). XMPP_TLS=1: a self-signed certificate for the domain
# (DIR/certs/DOMAIN.crt, which clients can trust as their CA), STARTTLS required;
# XMPP_TLS_PORT=P also listens for direct TLS on P.
# The node runs erl directly (ejabberdctl would switch to the ejabberd user) with no epmd:
# its distribution listens on 127.0.0.1:DIR/dist-port, which only adduser uses.
set -euo pipefail

domain=${XMPP_DOMAIN:-localhost}
# seconds, not rounds of a loop: a busy machine makes each round slower. A start that is ready
# later than this is broken; a server still stopping after STOP_WAIT is killed.
START_WAIT=${XMPP_START_WAIT:-120}
STOP_WAIT=${XMPP_STOP_WAIT:-20}
ebin=$(compgen -G '/usr/lib/*/ejabberd-*/ebin' | head -n 1 || true)
# a SCRAM iteration count as low as Prosody's test config: @xmpp/client does one awaited HMAC per round
iterations=128

die() { echo "ejabberd-server.sh: $*" >&2; exit 1; }

installed() { command -v ejabberdctl >/dev/null && compgen -G '/usr/lib/erlang/lib/p1_sqlite3-*' >/dev/null; }

install() {
  installed && return 0
  bash "$(dirname "$0")/apt-install.sh" ejabberd erlang-p1-sqlite3
  installed || die "ejabberd did not install"
  # nor at the next boot
  systemctl disable --quiet ejabberd.service epmd.service epmd.socket >/dev/null 2>&1 || true
}

tls_config() {
  local dir=$1
  if [ "${XMPP_TLS:-}" != 1 ]; then echo "    starttls: false"; return 0; fi
  if [ ! -f "$dir/certs/$domain.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$domain" -addext "subjectAltName=DNS:$domain" \
      -keyout "$dir/certs/$domain.key" -out "$dir/certs/$domain.crt" >/dev/null 2>&1 || die "openssl could not make a certificate"
    cat "$dir/certs/$domain.crt" "$dir/certs/$domain.key" > "$dir/certs/$domain.pem"
  fi
  echo "    starttls_required: true"
}

listener() {
  local port=$1 more=$2
  cat <<YAML
  - port: $port
    ip: "${XMPP_INTERFACE:-127.0.0.1}"
    module: ejabberd_c2s
    max_stanza_size: ${XMPP_STANZA_LIMIT:-262144}
    backlog: 128
    access: c2s
$more
YAML
}

config() {
  local dir=$1 port=$2 tls listeners
  mkdir -p "$dir/db" "$dir/logs" "$dir/certs"
  tls=$(tls_config "$dir")
  listeners=$(listener "$port" "$tls")
  if [ "${XMPP_TLS:-}" = 1 ] && [ -n "${XMPP_TLS_PORT:-}" ]; then listeners+=$'\n'$(listener "$XMPP_TLS_PORT" "    tls: true"); fi
  cat > "$dir/ejabberd.yml" <<YAML
hosts: ["$domain"]
loglevel: info
log_rotate_count: 0
$(if [ "${XMPP_TLS:-}" = 1 ]; then printf 'certfiles: ["%s"]' "$dir/certs/$domain.pem"; else echo 'certfiles: []'; fi)
listen:
$listeners
# the archive in SQLite: mnesia keeps a user's archive under one key, so each message costs
# a scan of all earlier ones (measured: 670 msg/s on an empty archive, 15 msg/s at 4000)
sql_type: sqlite
sql_database: "$dir/db/mam.sqlite"
auth_method: internal
auth_password_format: scram
auth_scram_hash: sha
disable_sasl_mechanisms: ["digest-md5", "x-oauth2"]
s2s_access: none
acl:
  local:
    user_regexp: ""
access_rules:
  c2s:
    allow: all
shaper_rules:
  max_user_sessions: 1000
  max_user_offline_messages: ${XMPP_OFFLINE_LIMIT:-10000}
modules:
  mod_disco: {}
$(if [ "${XMPP_MAM:-1}" = 1 ]; then printf '  mod_mam:\n    db_type: sql\n    default: always\n'; fi)
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_ping: {}
  mod_roster: {}
$(if [ "${XMPP_SMACKS:-}" = 1 ]; then printf '  mod_stream_mgmt:\n    resume_timeout: 30\n'; fi)
YAML
}

# once started: the archive's one SQLite connection commits without waiting for the disk
# (a server crash keeps what was written, a power loss may not), or each message costs two fsyncs
sqlite_tuning='catch [ejabberd_sql:sql_query(H, [P]) || H <- ejabberd_option:hosts(), P <- [<<"PRAGMA journal_mode=WAL">>, <<"PRAGMA synchronous=NORMAL">>]].'

node_id() { printf '%s' "$1" | md5sum | cut -c1-12; }
node_name() { echo "wubot$(node_id "$1")@localhost"; }

# erl_env runs erl with the instance's cookie, config paths and a distribution bound to 127.0.0.1
erl_env() {
  local dir=$1; shift
  exec env HOME="$dir" ERL_LIBS="$(dirname "$(dirname "$ebin")")" ERL_CRASH_DUMP="$dir/logs/erl_crash.dump" ERL_CRASH_DUMP_BYTES=0 \
    EJABBERD_CONFIG_PATH="$dir/ejabberd.yml" EJABBERD_LOG_PATH="$dir/logs/ejabberd.log" \
    erl -start_epmd false -erl_epmd_port "$(cat "$dir/dist-port")" -kernel inet_dist_use_interface '{127,0,0,1}' "$@"
}

# alive: a process killed a moment ago may linger as a zombie
alive() { case $(ps -o stat= -p "$1" 2>/dev/null) in "" | Z*) return 1 ;; esac; }

running_pid() {
  local dir=$1 pid
  [ -f "$dir/ejabberd.pid" ] || return 1
  pid=$(cat "$dir/ejabberd.pid")
  alive "$pid" && echo "$pid"
}

port_free() { ! (exec 3<>"/dev/tcp/${XMPP_INTERFACE:-127.0.0.1}/$1") 2>/dev/null; }

# dist_port picks a port below the kernel's ephemeral range, where freePort() never lands
dist_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    port_free "$p" && { echo "$p"; return 0; }
  done
  die "no free port for the Erlang distribution"
}

start() {
  local dir=$1 port=$2 pid node
  [ -n "$ebin" ] || die "ejabberd is not installed (run: $0 install)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if pid=$(running_pid "$dir"); then echo "$pid"; return 0; fi
  config "$dir" "$port"
  [ -f "$dir/.erlang.cookie" ] || { head -c 32 /dev/urandom | md5sum | cut -c1-20 > "$dir/.erlang.cookie"; chmod 400 "$dir/.erlang.cookie"; }
  node=$(node_name "$dir")
  for _ in 1 2 3; do
    dist_port > "$dir/dist-port"
    (cd "$dir" && trap '' HUP && erl_env "$dir" -sname "$node" -noinput +K true -mnesia dir "\"$dir/db\"" -s ejabberd -eval "$sqlite_tuning" \
      </dev/null >"$dir/logs/stdout.log" 2>&1) &
    pid=$!
    # the port accepts before the hosts' tables exist: ready is when ejabberd says it accepts,
    # which a loaded 2-core machine may take several seconds to reach
    local deadline=$((SECONDS + START_WAIT))
    while [ "$SECONDS" -lt "$deadline" ]; do
      if grep -q "Start accepting TCP connections at ${XMPP_INTERFACE:-127.0.0.1}:$port " "$dir/logs/stdout.log" && ! port_free "$port"; then
        echo "$pid" > "$dir/ejabberd.pid"; echo "$pid"; return 0
      fi
      alive "$pid" || break
      sleep 0.05
    done
    alive "$pid" && { kill -9 "$pid"; break; }
    # a distribution port someone took meanwhile: try another one
    grep -q "Protocol 'inet_tcp': register/listen error" "$dir/logs/stdout.log" 2>/dev/null || break
  done
  tail -n 20 "$dir/logs/stdout.log" "$dir/logs/error.log" >&2 2>/dev/null || true
  die "ejabberd did not start on ${XMPP_INTERFACE:-127.0.0.1}:$port"
}

adduser() {
  local dir=$1 out
  shift
  dir=$(cd "$dir" && pwd)
  running_pid "$dir" >/dev/null || die "no ejabberd runs in $dir; start it first"
  # one Erlang node for all the accounts: starting one takes most of a second. The pairs come as plain
  # arguments (after -extra), so a password is never Erlang text. A SCRAM record made here keeps its
  # iteration count; ejabberd itself always uses 4096.
  out=$(WUBOT_DOMAIN=$domain WUBOT_NODE=$(node_name "$dir") WUBOT_ITER=$iterations \
    erl_env "$dir" -sname "ctl$$$(node_id "$dir")@localhost" -hidden -noinput -dist_listen false -eval '
      [D, N] = [list_to_binary(os:getenv(V)) || V <- ["WUBOT_DOMAIN", "WUBOT_NODE"]],
      I = list_to_integer(os:getenv("WUBOT_ITER")),
      Node = binary_to_atom(N),
      Register = fun(U, P) ->
        Salt = crypto:strong_rand_bytes(16),
        Salted = rpc:call(Node, scram, salted_password, [sha, P, Salt, I]),
        Scram = {scram, base64:encode(scram:stored_key(sha, scram:client_key(sha, Salted))),
                 base64:encode(scram:server_key(sha, Salted)), base64:encode(Salt), sha, I},
        case rpc:call(Node, ejabberd_auth, user_exists, [U, D]) of
          true -> rpc:call(Node, ejabberd_auth, set_password, [U, D, Scram]);
          false -> rpc:call(Node, ejabberd_auth, try_register, [U, D, Scram]);
          Other -> Other
        end
      end,
      Pairs = fun F([U, P | Rest]) -> [{U, P} | F(Rest)]; F([]) -> [] end,
      Failed = [{U, R} || {U, P} <- Pairs(init:get_plain_arguments()),
                          R <- [Register(unicode:characters_to_binary(U), unicode:characters_to_binary(P))], R =/= ok],
      io:format("~p~n", [Failed]),
      halt(case Failed of [] -> 0; _ -> 1 end).' -extra "$@" 2>&1) || die "adduser: $out"
}

stop() {
  local dir=$1 pid
  pid=$(running_pid "$dir") || return 0
  kill "$pid"
  local deadline=$((SECONDS + STOP_WAIT))
  while [ "$SECONDS" -lt "$deadline" ]; do alive "$pid" || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 3 ] || die "usage: start DIR PORT"; start "$2" "$3" ;;
  adduser) [ $# -ge 4 ] && [ $(($# % 2)) -eq 0 ] || die "usage: adduser DIR USER PASS [USER PASS]..."; shift; adduser "$@" ;;
  stop) [ $# -eq 2 ] || die "usage: stop DIR"; stop "$2" ;;
  *) die "usage: install | start DIR PORT | adduser DIR USER PASS [USER PASS]... | stop DIR" ;;
esac
