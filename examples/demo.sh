#!/usr/bin/env bash
# The main job: lint, compile and run the example config over example messages, then
# bring up a local Prosody and three bots and show messages flowing between them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/bin/wubotc.js ] || npm run build --silent

wubotc() { node dist/bin/wubotc.js "$@"; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== wubotc lint examples/config"
wubotc lint examples/config && echo "no problems"

echo
echo "== wubotc compile examples/config --out $out"
wubotc compile examples/config --out "$out"
echo "$(wc -l < "$out/reactor.ts") lines of TypeScript"

echo
echo "== wubotc run examples/config/reactor.yaml --input examples/messages.jsonl --hostname central"
wubotc run examples/config/reactor.yaml --input examples/messages.jsonl --hostname central |
  node -e '
    const rl = require("node:readline").createInterface({ input: process.stdin });
    rl.on("line", (l) => {
      const m = JSON.parse(l);
      const shown = m.subject ?? m.title ?? "";
      console.log(`${m.key.padEnd(16)} ${String(m.color ?? "").padEnd(7)} ${shown}`);
      console.log(`${"".padEnd(16)} rules: ${(m.wubot_rulelog ?? []).join(", ")}`);
    });'

echo
echo "== a config with mistakes: wubotc lint test/cases/diagnostics/unknown-plugin"
wubotc lint test/cases/diagnostics/unknown-plugin/input.yaml || true

echo
echo "== several hosts: Prosody and three bots (examples/seed), talking over XMPP"
bash examples/network-demo.sh
