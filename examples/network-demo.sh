#!/usr/bin/env bash
# The seed's network on this machine: a Prosody on 127.0.0.1 and three bots
# (web1, central, laptop) from examples/seed, each with its own home, talking
# over XMPP. Shows messages flowing, the laptop away and back, then the laptop
# showing an alert on its desktop (a private D-Bus) and mailing it (a local SMTP server).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
server="$root/test/xmpp-server.sh"
wubot() { node "$root/dist/bin/wubot.js" "$@"; }

bash "$server" install
work=$(mktemp -d /tmp/wubot-demo-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$server" stop "$work/prosody" || true
  [ -n "${DEMO_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# the seed's port, or another free one
port=15222
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
bash "$server" start "$work/prosody" "$port" >/dev/null
echo "== Prosody on 127.0.0.1:$port ($work/prosody)"

for host in web1 central laptop; do
  bash "$server" adduser "$work/prosody" "$host" "$host-pw"
  mkdir -p "$work/$host"
  wubot config export --home examples/seed --hostname "$host" "$work/$host/config" 2>/dev/null
  sed -i "s/^port: 15222$/port: $port/" "$work/$host"/config/plugins/XMPP/*
  chmod 600 "$work/$host"/config/plugins/XMPP/*
done
# central also accepts web2 and web3 in the seed; here they are not started
start() { # host daemon
  node "$root/dist/bin/wubot.js" "$2" --home "$work/$1" --hostname "$1" >"$work/$1.$2.out" 2>"$work/$1.$2.log" &
  pids+=($!)
}
start web1 monitor
start central monitor
start central reactor
start laptop monitor
start laptop reactor
echo "== started: web1 (monitor), central (monitor, reactor), laptop (monitor, reactor)"
sleep 4

shown() { # count: wait (up to 15 s) until the laptop has shown that many notifications, then print them
  for _ in $(seq 150); do [ "$(grep -c . "$work/laptop.reactor.out" 2>/dev/null)" -ge "$1" ] && break; sleep 0.1; done
  cat "$work/laptop.reactor.out"
}
alerts() { # host from count
  for i in $(seq "$2" $(($2 + $3 - 1))); do
    printf '{"key":"Disk-root","status":"CRITICAL","subject":"%s: disk 9%s%% full"}\n' "$1" "$i"
  done | wubot queue push --hostname "$1" "$work/$1/reactor" 2>/dev/null
}
echo
echo "== web1 notices three problems; central forwards them to the laptop, which shows them:"
alerts web1 1 3
shown 3

sleep 2
echo
echo "== central's graphs data (load from web1 and the laptop, idle from the laptop):"
node -e '
  const Database = require("better-sqlite3");
  const db = new Database(process.argv[1], { readonly: true });
  const q = "SELECT s.host, s.key, s.field, p.t, p.sum AS value FROM series s JOIN series_points p ON p.series = s.id WHERE p.step = 0 ORDER BY p.t, s.host";
  for (const r of db.prepare(q).all())
    console.log(`  ${r.host.padEnd(8)} ${r.key.padEnd(14)} ${r.field.padEnd(9)} ${r.value}`);
' "$work/central/sqlite/series.sql"

echo
echo "== the laptop goes away; web1 has two more problems meanwhile ($(date +%T))"
kill "${pids[3]}" "${pids[4]}"
wait "${pids[3]}" "${pids[4]}" 2>/dev/null || true
: >"$work/laptop.reactor.out"
alerts web1 4 2
sleep 4
echo "central's forward queue: $(wubot queue stats "$work/central/forward")"
echo "(sent and acknowledged: the XMPP server holds them for the laptop)"

echo
echo "== the laptop comes back ($(date +%T)) and gets them, in order, with their original times:"
start laptop monitor
start laptop reactor
shown 2
echo
echo "== central's web UI (wubot webui), asked for its pages with curl:"
node "$root/dist/bin/wubot.js" webui --home "$work/central" --hostname central --port 0 >"$work/central.webui.out" 2>"$work/central.webui.log" &
pids+=($!)
for _ in $(seq 50); do grep -q http "$work/central.webui.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^wubot webui: \(http[^ ]*\).*/\1/p' "$work/central.webui.out")
echo "  $url"
echo "  inbox:   $(curl -s "$url" | grep -c 'class="item') notifications (web1's problems, kept before forwarding)"
echo "  graphs:  $(curl -s "${url}graphs" | sed -n 's/.*data-key="\([^"]*\)" data-field="\([^"]*\)" data-hosts="\([^"]*\)".*/\2 of \1 (\3);/p' | tr '\n' ' ')"
echo "  network: $(curl -s "${url}network" | grep -o 'No routing loops\.\|[0-9]* routing loops*')"
echo "  (on your machine: npx --no-install wubot webui --home ~/wubot, then open http://127.0.0.1:8470/)"

echo
echo "== the laptop adds two channels: its desktop (a private D-Bus with a notification daemon) and e-mail (a local SMTP server)"
bash "$root/test/notify-servers.sh" install
node "$root/dist/test/notification-daemon.js" >"$work/desktop.out" 2>"$work/desktop.log" &
pids+=($!)
for _ in $(seq 100); do grep -q '^bus ' "$work/desktop.out" 2>/dev/null && break; sleep 0.1; done
bus=$(sed -n 's/^bus //p' "$work/desktop.out")
smtp_port=$((port + 100))
while (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; do smtp_port=$((smtp_port + 1)); done
mkdir -p "$work/smtp/mail"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/smtp/key.pem" -out "$work/smtp/cert.pem" >/dev/null 2>&1
/usr/bin/python3 "$root/test/smtp-server.py" "$smtp_port" "$work/smtp/cert.pem" "$work/smtp/key.pem" laptop laptop-mail-pw "$work/smtp/mail" >"$work/smtp.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q ready "$work/smtp.out" 2>/dev/null && break; sleep 0.1; done
cat >"$work/laptop/config/notify.yaml" <<YAML
rules:
  - name: desktop
    plugin: Desktop
    config: { bus: "$bus", expire: 30s, summary: "{\$subject}" }   # the demo's subjects name their host already
  - name: mail
    plugin: Email
    config: { host: 127.0.0.1, port: $smtp_port, tls_ca: $work/smtp/cert.pem, user: laptop, password: laptop-mail-pw, from: laptop@localhost, to: me@localhost, subject: "[{\$status}] {\$subject}" }
YAML
chmod 600 "$work/laptop/config/notify.yaml"
sed -n '1,20p' "$work/laptop/config/notify.yaml" | sed 's/password: [^,}]*/password: [redacted]/; s/^/  /'
printf '  - name: channels\n    condition: noforward is true AND status equals CRITICAL\n    rulesfile: notify.yaml\n' >>"$work/laptop/config/reactor.yaml.laptop"
for _ in $(seq 50); do grep -q 'reloaded the rule tree' "$work/laptop.reactor.log" 2>/dev/null && break; sleep 0.1; done
echo
echo "== web1 notices one more problem; central forwards it; the laptop shows it on its desktop and mails it:"
alerts web1 7 1
for _ in $(seq 200); do grep -q 'disk 97' "$work/desktop.out" 2>/dev/null && grep -lq 'disk 97' "$work/smtp/mail"/*.eml 2>/dev/null && break; sleep 0.1; done
grep 'disk 97' "$work/desktop.out" | sed 's/^/  /' || echo "  (no desktop notification arrived)"
mail=$(grep -l 'disk 97' "$work/smtp/mail"/*.eml 2>/dev/null | head -1)
if [ -n "$mail" ]; then
  echo "  e-mail in the local SMTP server ($(basename "$mail")):"
  grep -E '^(From|To|Subject):' "$mail" | tr -d '\r' | sed 's/^/    /'
else
  echo "  (no e-mail arrived)"
fi

echo
echo "== stopping; logs were in $work (removed now)"
