import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../compiler/compile.js';
import { toJavaScript } from '../compiler/emit/transpile.js';
import { createRuntime } from '../apps/wubot/host.js';
import { interpret } from '../compiler/interpret.js';
import type { CompiledModule, Message, Pipeline } from '../runtime/pipeline-api.js';
import { bigTree } from './big-tree.js';
import { median } from './median.js';
import { queueThroughput, rawThroughput } from './queue.js';
import { reactorHome, reactorRss, reactorThroughput } from './reactor.js';
import { webuiFigures } from './webui.js';
import { channelFigures } from './channels.js';
import { IDLE_MS, xmppFigures } from './xmpp.js';
import { loopsCheck, loopsTree } from './loops.js';
import { lspLatency } from './lsp.js';
import { handWritten, realisticMessages, realisticTree } from './realistic.js';
import { nestedQuantifier, regexFigures } from './regex.js';

/*
 * Speed figures, printed (never asserted: machines are shared and noisy).
 * Ratios are measured in the same run.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wubotc = join(root, 'dist', 'bin', 'wubotc.js');
const work = mkdtempSync(join(tmpdir(), 'wubot-bench-'));
const env = { ...process.env, WUBOTC_CACHE: join(work, 'cache') };

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * rates runs pipelines in turns over copies of the same messages, round
 * after round, so that a neighbour's load on the shared machine falls on
 * all of them alike; each gets its best rate and the median of its ratio to
 * the first, round by round.
 */
function rates(pipelines: readonly Pipeline[], source: readonly Message[], rounds = 9): { best: number[]; ratio: number[] } {
  const runs = pipelines.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    pipelines.forEach((p, i) => {
      const batch = source.map((m) => ({ ...m }));
      const t0 = performance.now();
      for (const m of batch) p(m);
      runs[i].push(batch.length / ((performance.now() - t0) / 1000));
    });
  }
  return { best: runs.map((x) => Math.max(...x)), ratio: runs.map((x) => median(x.map((v, r) => runs[0][r] / v))) };
}

const handRun = join(root, 'dist', 'bench', 'hand-run.js');

/** wall runs wubotc (or another script) in a new process and gives its wall time in ms. */
function wall(args: string[], stdinFile?: string, stdoutFile?: string, script = wubotc): number {
  const input = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  const output = stdoutFile ? openSync(stdoutFile, 'w') : 'ignore';
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, ...args], { stdio: [input, output, 'inherit'], env });
  const dt = performance.now() - t0;
  if (typeof input === 'number') closeSync(input);
  if (typeof output === 'number') closeSync(output);
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${r.status}`);
  return dt;
}


async function inProcess(): Promise<void> {
  const text = realisticTree();
  const c = compile('realistic.yaml', { text });
  if (!c.code) throw new Error('realistic tree does not compile');
  const rt = createRuntime({ hostname: 'bench' });
  const js = toJavaScript(c.code);
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as CompiledModule;
  const literal = compile('realistic.yaml', { text, optimize: false });
  const litJs = toJavaScript(literal.code!);
  const litMod = (await import(`data:text/javascript;base64,${Buffer.from(litJs).toString('base64')}`)) as CompiledModule;
  const messages = realisticMessages(200_000);
  const { best, ratio } = rates([mod.default(rt), litMod.default(rt), interpret(c.tree!, rt), handWritten('bench')], messages);
  const [compiled, unoptimized, interpreted, hand] = best;
  console.log('in-process, realistic tree of 97 rules, 200,000 messages, 9 rounds taking turns (best rate; median of the ratio round by round):');
  console.log(`  compiled (optimized)    ${fmt(compiled).padStart(11)} msg/s`);
  console.log(`  compiled (unoptimized)  ${fmt(unoptimized).padStart(11)} msg/s`);
  console.log(`  interpreter             ${fmt(interpreted).padStart(11)} msg/s   compiled/interpreter = ${ratio[2].toFixed(2)}x`);
  console.log(`  hand-written JS         ${fmt(hand).padStart(11)} msg/s   compiled/hand-written = ${ratio[3].toFixed(2)}x; target >= 0.9x`);
  console.log('  target: compiled >= 300,000 msg/s (the original Perl reactor: about 7,000)');
}

function cli(): void {
  const tree = join(work, 'realistic.yaml');
  writeFileSync(tree, realisticTree());
  const input = join(work, 'in.jsonl');
  const n = 200_000;
  writeFileSync(input, realisticMessages(n).map((m) => JSON.stringify(m)).join('\n') + '\n');
  wall(['run', tree, '--hostname', 'bench'], undefined, join(work, 'warm.jsonl'));
  // in turns with the same logic written by hand as a program of its own (bench/hand-run.ts)
  const runs: number[] = [];
  const hands: number[] = [];
  for (let i = 0; i < 5; i++) {
    runs.push(wall(['run', tree, '--input', input, '--hostname', 'bench'], undefined, join(work, 'out.jsonl')));
    hands.push(wall([input, 'bench'], undefined, join(work, 'hand.jsonl'), handRun));
  }
  const ratio = median(runs.map((r, i) => r / hands[i]));
  console.log(`wubotc run over JSON Lines, ${fmt(n)} messages, cached module, 5 runs in turns with a hand-written program:`);
  console.log(`  ${fmt(n / (Math.min(...runs) / 1000))} msg/s (wall ${fmt(Math.min(...runs))} ms, process start included); target >= 100,000`);
  const same = readFileSync(join(work, 'out.jsonl')).equals(readFileSync(join(work, 'hand.jsonl')));
  console.log(`  hand-written program ${fmt(Math.min(...hands))} ms; wubotc run/hand-written = ${ratio.toFixed(2)}x wall (median of the pairs); target <= 1.2x; outputs ${same ? 'identical' : 'DIFFER: the ratio means nothing'}`);
  const starts = Array.from({ length: 7 }, () => wall(['run', tree, '--hostname', 'bench'], '/dev/null'));
  console.log(`wubotc run start with a cached compile, empty input: median ${fmt(median(starts))} ms of 7; target < 500 ms`);
}

function bigCompile(): void {
  const file = join(work, 'big.yaml');
  writeFileSync(file, bigTree(250));
  const t0 = performance.now();
  const c = compile(file);
  const dt = performance.now() - t0;
  if (!c.code) throw new Error('big tree does not compile');
  const stages = Object.entries(c.timings)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  console.log(`compile of a 2,500-rule file: in-process ${fmt(dt)} ms (${stages} ms)`);
  const cold = wall(['compile', file], undefined, join(work, 'big.ts'));
  console.log(`  wubotc compile, new process: ${fmt(cold)} ms; target < 1,000 ms`);
}

/** measured runs wubotc in a new process and gives its wall time, CPU time (ms: on a shared machine, the steadier figure) and peak RSS (MB). */
function measured(args: string[], stdoutFile: string): { ms: number; cpu: number; mb: number } {
  const output = openSync(stdoutFile, 'w');
  const report = 'process.on("exit", () => { const u = process.resourceUsage(); process.stderr.write(`\\nmax-rss-kb ${u.maxRSS} cpu-us ${u.userCPUTime + u.systemCPUTime}\\n`); })';
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(report)}`, wubotc, ...args], { stdio: ['ignore', output, 'pipe'], env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  closeSync(output);
  const m = /max-rss-kb (\d+) cpu-us (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`wubotc ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return { ms, cpu: Number(m[2]) / 1000, mb: Number(m[1]) / 1024 };
}

/** huge times lint and compile of a 10 MB rule file (the size issue 14 measured: 16 s and 1 GB to lint, 38 s and 2.2 GB to compile). */
function huge(): void {
  const file = join(work, 'huge.yaml');
  const text = bigTree(8_300);
  writeFileSync(file, text);
  const mb = (text.length / 1024 / 1024).toFixed(1);
  const lint = [0, 1, 2].map(() => measured(['lint', file], join(work, 'huge-lint.txt')));
  const best = lint.reduce((a, b) => (b.ms < a.ms ? b : a));
  console.log(`wubotc lint of a ${mb} MB rule file (83,000 rules), new process, best of 3: ${fmt(best.ms)} ms (CPU ${fmt(best.cpu)} ms), peak RSS ${fmt(best.mb)} MB; targets < 2,000 ms and < 300 MB`);
  const c = measured(['compile', file], join(work, 'huge.ts'));
  console.log(`wubotc compile of it, new process: ${fmt(c.ms)} ms (CPU ${fmt(c.cpu)} ms), peak RSS ${fmt(c.mb)} MB (a ${fmt(statSync(join(work, 'huge.ts')).size / 1024 / 1024)} MB module)`);
  // the reactor's way: compiled to JavaScript into the module cache (a process of its own), then loaded
  const run = measured(['run', file, '--hostname', 'bench'], join(work, 'huge-run.jsonl'));
  console.log(`wubotc run of it with an empty cache (compile to the cache, load, no input): ${fmt(run.ms)} ms (CPU ${fmt(run.cpu)} ms, the compiling child not counted), peak RSS ${fmt(run.mb)} MB`);
}

async function runtime(): Promise<void> {
  const messages = realisticMessages(50_000);
  // fsync times vary a lot on a shared machine: pair the runs, take turns going first, and report medians
  const raws: number[] = [];
  const ourss: number[] = [];
  const pairs = 9;
  for (let i = 0; i < pairs; i++) {
    const raw = () => raws.push(rawThroughput(mkdtempSync(join(work, 'raw-')), messages));
    const ours = () => ourss.push(queueThroughput(mkdtempSync(join(work, 'queue-')), messages));
    if (i % 2) {
      ours();
      raw();
    } else {
      raw();
      ours();
    }
  }
  const raw = median(raws);
  const ours = median(ourss);
  const ratio = median(raws.map((r, i) => ourss[i] / r));
  console.log(`queue, WAL with synchronous FULL, batches of 500, 50,000 messages, median of ${pairs} paired runs:`);
  console.log(`  raw better-sqlite3 insert+delete  ${fmt(raw).padStart(9)} msg/s`);
  console.log(`  wubot append+claim+ack            ${fmt(ours).padStart(9)} msg/s   ours/raw = ${ratio.toFixed(2)} (pairs: ${raws.map((r, i) => (ourss[i] / r).toFixed(2)).join(' ')}); targets >= 0.5 and >= 20,000`);
  const reactor = await reactorThroughput(reactorHome(mkdtempSync(join(work, 'reactor-'))), messages);
  console.log(`reactor, queue to queue through the 97-rule tree plus a forward rule: ${fmt(reactor)} msg/s; target >= 20,000`);
  const waiting = Number(process.env.BENCH_WAITING ?? 1_000_000);
  const rssHome = reactorHome(mkdtempSync(join(work, 'rss-')));
  const rss = await reactorRss(join(root, 'dist', 'bin', 'wubot.js'), rssHome, waiting, realisticMessages);
  // half a gigabyte of queue: gone, and on disk, before the next benchmark times its own fsyncs
  rmSync(rssHome, { recursive: true, force: true });
  spawnSync('sync');
  console.log(`reactor RSS: idle ${rss.idle.toFixed(1)} MB; with ${fmt(waiting)} messages waiting, every 2 s: ${rss.busy.map((x) => x.toFixed(1)).join(', ')} MB; target < 80 MB, flat`);
}

async function xmpp(): Promise<void> {
  const n = 10_000;
  const f = await xmppFigures(root, work, realisticMessages(n));
  const ms = (x: number) => x.toFixed(1);
  console.log(`XMPP, host A to host B through Prosody on 127.0.0.1, ${fmt(n)} messages in a burst, then 500 at 500/s for latency (the median pair):`);
  console.log(`  raw @xmpp/client, client to client   ${fmt(f.rawRate).padStart(7)} msg/s   latency p50 ${ms(f.rawLatency[0])} ms, p99 ${ms(f.rawLatency[1])} ms`);
  console.log(`  wubot monitor to monitor, queue to queue ${fmt(f.oursRate).padStart(7)} msg/s   latency p50 ${ms(f.oursLatency[0])} ms, p99 ${ms(f.oursLatency[1])} ms; targets p50 < 5 ms, p99 < 20 ms`);
  console.log(`  ours/raw = ${f.ratio.toFixed(2)} (median of 3 pairs: ${f.ratios.map((r) => r.toFixed(2)).join(' ')}); target >= 0.8`);
  console.log(`  CPU per message in the burst: raw ${ms(f.rawCpuUs)} µs, wubot ${ms(f.oursCpuUs)} µs (sender ${ms(f.oursSplitUs[0])}, receiver ${ms(f.oursSplitUs[1])}); the server's for raw ${ms(f.rawServerCpuUs)} µs, for wubot ${ms(f.oursServerCpuUs)} µs; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  const idle = f.idleCpu;
  console.log(`  idle daemons, CPU time over ${IDLE_MS / 1000} s: sending monitor ${ms(idle.sender)} ms, receiving monitor ${ms(idle.receiver)} ms, reactor ${ms(idle.reactor)} ms`);
}

async function lsp(): Promise<void> {
  const { lines, ms } = await lspLatency(wubotc, mkdtempSync(join(work, 'lsp-')), 2000);
  console.log(`wubotc lsp, a ${fmt(lines)}-line rule file: diagnostics ${fmt(median(ms))} ms after a change (median of ${ms.length}; all: ${ms.map((x) => fmt(x)).join(', ')}); target < 300 ms`);
}

function loops(): void {
  const config = loopsTree(mkdtempSync(join(work, 'loops-')), 500, 100);
  const { ms, loops: found } = loopsCheck(config);
  console.log(`check-loops over 500 hosts with 100 rules each, in a ring that relays some keys: ${fmt(ms)} ms, ${found} loop found; target < 2,000 ms`);
}

async function webui(): Promise<void> {
  const f = await webuiFigures(root, mkdtempSync(join(work, 'webui-')));
  console.log(`web UI over a year of one-minute load and idle values from 20 hosts (${fmt(f.values)} values, stored as ${fmt(f.rows)} rows, ${f.fileMb.toFixed(0)} MB; built in ${fmt(f.buildMs)} ms):`);
  console.log(`  Graph plugin's writer, value by value in batches of 500: ${fmt(f.addPerSec)} values/s`);
  for (const s of f.server) console.log(`  ${s.name.padEnd(44)} ${s.ms.toFixed(1).padStart(7)} ms  ${fmt(s.kb).padStart(5)} kB  (server, median of 7)`);
  if (!f.browser) console.log('  (no /usr/bin/chromium: page times in a browser not measured)');
  for (const b of f.browser ?? []) console.log(`  Chromium: ${b.name.padEnd(34)} ${fmt(b.ms).padStart(7)} ms until drawn (median of 3)`);
}

function regex(): void {
  console.log('\nregex: condition tests per second on typical subjects: as run, on RE2 alone, on RegExp of the same translation (before)');
  for (const f of regexFigures()) {
    console.log(`  ${f.pattern.padEnd(22)} as run ${fmt(f.asRun).padStart(11)}/s  RE2 ${fmt(f.re2).padStart(10)}/s  RegExp ${fmt(f.regexp).padStart(11)}/s  (as run/RegExp ${(f.asRun / f.regexp).toFixed(2)}x)`);
  }
  for (const n of [20, 24, 26]) {
    const q = nestedQuantifier(n);
    console.log(`  (a+)+$ on ${n} a's and a b: RE2 ${q.re2.toFixed(2)} ms, RegExp ${q.regexp.toFixed(0)} ms`);
  }
}

// BENCH_ONLY=webui,loops runs only those sections
const only = process.env.BENCH_ONLY?.split(',');
const sections: [string, () => unknown][] = [
  ['inProcess', inProcess],
  ['regex', regex],
  ['cli', cli],
  ['bigCompile', bigCompile],
  ['huge', huge],
  ['loops', loops],
  ['lsp', lsp],
  ['runtime', runtime],
  ['xmpp', xmpp],
  ['webui', webui],
  ['channels', () => channelFigures(root, work, fmt)],
];
for (const [name, run] of sections) if (!only || only.includes(name)) await run();
