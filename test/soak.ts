import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Message } from '../runtime/pipeline-api.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import type { MonitorInstance } from '../stdlib/monitor-plugin.js';
import { logStrayRejections } from '../apps/wubot/command-context.js';
import { monitorPlugins } from '../stdlib/monitors/index.js';
import { freePort, memoryLog, queueMessages, startDaemon, startXmppServer, stopChild, waitFor, wubotHome, xmppConfig, type XmppServer, type XmppServerKind } from './helpers.js';

/*
 * npm run soak [-- --server prosody|ejabberd --minutes 20 --hosts 200 --processes 10 --rate 200 --archive sql|internal]
 *
 * Many hosts on one XMPP server for a long while, in a ring (host i sends to
 * host i+1), with faults all along: connections dropped at random (every bot
 * talks to the server through a proxy here that cuts them), the server
 * restarted once, bots going away and coming back (real `wubot monitor`
 * processes killed with SIGKILL, in-process bots closed). The first
 * `processes` hosts are real daemons; the others run the same XMPP plugin
 * in this process, each with its own home and queues. At the end every
 * host must hold every message sent to it, once, in the sender's order.
 * It prints messages/s, latency (in-process receivers), each daemon's RSS
 * at start and end, lost and duplicated counts, and exits 1 on any loss,
 * duplicate, reordering or memory growth.
 */

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '20' },
    hosts: { type: 'string', default: '200' },
    processes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    server: { type: 'string', default: 'prosody' },
    // Prosody's archive: in its files (internal), as Prosody keeps it unless told otherwise, or in SQLite (sql)
    archive: { type: 'string', default: 'internal' },
  },
});
const MINUTES = Number(args.minutes);
const HOSTS = Number(args.hosts);
const PROCESSES = Math.min(HOSTS, Number(args.processes));
const RATE = Number(args.rate);
const KEY = 'Soak';
const SERVER = args.server as XmppServerKind;
if (SERVER !== 'prosody' && SERVER !== 'ejabberd') throw new Error(`--server: prosody or ejabberd, not ${SERVER}`);

const start = Date.now();
const say = (s: string) => console.log(`${((Date.now() - start) / 1000).toFixed(0).padStart(5)}s  ${s}`);
const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** CuttingProxy stands between the bots and the server, so that any bot's connection can be cut. */
class CuttingProxy {
  readonly conns = new Set<[Socket, Socket]>();
  private server!: Server;
  port = 0;
  constructor(private readonly target: number) {}
  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((down) => {
      const up = createConnection({ host: '127.0.0.1', port: this.target });
      const pair: [Socket, Socket] = [down, up];
      this.conns.add(pair);
      const end = () => {
        this.conns.delete(pair);
        down.destroy();
        up.destroy();
      };
      down.on('error', end).on('close', end);
      up.on('error', end).on('close', end);
      down.pipe(up);
      up.pipe(down);
    });
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
  }
  /** drop cuts `n` connections at random */
  drop(n: number): void {
    const all = [...this.conns];
    for (let i = 0; i < n && all.length; i++) {
      const [down, up] = all.splice(Math.floor(Math.random() * all.length), 1)[0];
      down.destroy();
      up.destroy();
    }
  }
  close(): void {
    this.server.close();
    this.drop(this.conns.size);
  }
}

const user = (i: number) => `soak${i}`;
const jid = (i: number) => `${user(i)}@localhost`;

/** Host is one bot of the ring: its home, its outbox, and how it runs. */
interface Host {
  readonly i: number;
  readonly home: string;
  readonly outbox: QueueWriter;
  sent: number;
  child?: ChildProcess & { log: string };
  rss?: [number, number];
  instance?: MonitorInstance;
  writer?: QueueWriter;
  timer?: NodeJS.Timeout;
  /** log: an in-process host's log, kept across its comings and goings */
  log?: ReturnType<typeof memoryLog>;
}

/** warned: how often in-process hosts warned of each thing since the last report */
const warned = new Map<string, number>();
/** hostLog keeps an in-process host's lines and counts its warnings and errors by what they say */
function hostLog(): ReturnType<typeof memoryLog> {
  const log = memoryLog();
  const counted = (level: 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
    warned.set(msg, (warned.get(msg) ?? 0) + 1);
    log[level](msg, fields);
  };
  return { ...log, warn: counted('warn'), error: counted('error') };
}

/** lastWords: the end of a host's log (a daemon's stderr, or an in-process host's lines), to say why it lacks messages */
const lastWords = (h: Host): string => (h.child ? h.child.log.trimEnd().split('\n') : (h.log?.lines ?? [])).slice(-12).join('\n');

const latencies: number[] = [];
let received = 0;

async function main(): Promise<number> {
  say(`${HOSTS} hosts (${PROCESSES} as processes), ${RATE} msg/s, ${MINUTES} min, ${SERVER}${SERVER === 'prosody' ? ` (archive: ${args.archive})` : ''}`);
  const server: XmppServer = await startXmppServer(SERVER, Array.from({ length: HOSTS }, (_, i) => user(i)), SERVER === 'prosody' ? { XMPP_ARCHIVE_STORAGE: args.archive! } : {});
  const proxy = new CuttingProxy(server.port);
  await proxy.start();
  const hosts: Host[] = Array.from({ length: HOSTS }, (_, i) => {
    const config = xmppConfig(proxy.port, user(i), user((i + 1) % HOSTS), { directory: 'outbox', allow: [jid((i + HOSTS - 1) % HOSTS)], keepalive: 10 });
    const home = wubotHome(user(i), { 'plugins/XMPP/link.yaml': config });
    return { i, home, outbox: QueueWriter.open(join(home, 'outbox'), { hostname: user(i) }), sent: 0 };
  });
  const def = monitorPlugins.get('XMPP')!;
  const config = (h: Host) => ({
    account: jid(h.i),
    password: `${user(h.i)}-pw`,
    host: '127.0.0.1',
    port: proxy.port,
    directory: 'outbox',
    user: jid((h.i + 1) % HOSTS),
    allow: [jid((h.i + HOSTS - 1) % HOSTS)],
    keepalive: 10,
  });
  /** up starts a host: a daemon, or the plugin in this process checked every 200 ms as the monitor would */
  const up = async (h: Host): Promise<void> => {
    if (h.i < PROCESSES) {
      h.child = await startDaemon('monitor', h.home, user(h.i));
      h.rss ??= [rssOf(h.child.pid!), 0];
      return;
    }
    const writer = QueueWriter.open(join(h.home, 'reactor'), { hostname: user(h.i) });
    const instance = def.create(config(h), {
      hostname: user(h.i),
      home: h.home,
      key: 'XMPP-link',
      log: (h.log ??= hostLog()),
      emit: (messages: Message[], opts) => {
        if (h.writer !== writer) return;
        const now = Date.now();
        for (const m of messages) if (m.key === KEY) latencies.push(now - Number(m.sent_ms));
        received += messages.filter((m) => m.key === KEY).length;
        writer.append(messages, opts);
      },
      readCursor: (name) => writer.cursor(name),
    });
    const tick = async () => {
      await Promise.resolve(instance.check({}, new AbortController().signal)).catch(() => {});
      if (h.instance === instance) h.timer = setTimeout(() => void tick(), 200);
    };
    h.instance = instance;
    h.writer = writer;
    void tick();
  };
  const down = async (h: Host, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (h.child) {
      await stopChild(h.child, signal);
      h.child = undefined;
    } else if (h.instance) {
      const instance = h.instance;
      h.instance = undefined;
      clearTimeout(h.timer);
      await instance.close?.();
      const writer = h.writer;
      h.writer = undefined;
      writer?.close();
    }
  };
  for (let k = 0; k < hosts.length; k += 20) await Promise.all(hosts.slice(k, k + 20).map(up));
  say('all hosts up');

  const trafficStart = Date.now();
  const endAt = start + MINUTES * 60_000;
  const faultsEnd = start + MINUTES * 60_000 * 0.85;
  let restarted = false;
  const away = new Set<Host>();
  // traffic: RATE messages a second spread over the hosts, each stamped with its sender's sequence
  const traffic = setInterval(() => {
    const n = Math.max(1, Math.round(RATE / 10));
    const now = Date.now();
    for (let k = 0; k < n; k++) {
      const h = pick(hosts);
      h.outbox.append([{ key: KEY, src: h.i, seq: h.sent++, sent_ms: now, subject: `soak ${h.i}` }]);
    }
  }, 100);
  const faults = setInterval(() => {
    if (Date.now() > faultsEnd) return;
    proxy.drop(3);
  }, 5000);
  let lastReport = Date.now();
  let lastReceived = 0;
  while (Date.now() < endAt) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = Date.now();
    if (now < faultsEnd && !restarted && now > start + MINUTES * 60_000 * 0.4) {
      restarted = true;
      say('restarting the server');
      server.restart();
    }
    // every 20 s a host goes away for 10 to 40 s
    if (now < faultsEnd && Math.random() < 1 / 20) {
      const h = pick(hosts.filter((x) => !away.has(x)));
      away.add(h);
      await down(h);
      setTimeout(() => void up(h).then(() => away.delete(h)), 10_000 + Math.random() * 30_000);
    }
    if (now - lastReport >= 60_000) {
      say(`received ${received} in-process, ${((received - lastReceived) / ((now - lastReport) / 1000)).toFixed(0)} msg/s; ${away.size} away, ${proxy.conns.size} connections`);
      if (warned.size) say(`  in-process warnings: ${[...warned].map(([msg, n]) => `${n}× ${msg}`).join('; ')}`);
      warned.clear();
      lastReport = now;
      lastReceived = received;
    }
  }
  clearInterval(traffic);
  clearInterval(faults);
  const trafficSeconds = (Date.now() - trafficStart) / 1000;
  await waitFor(() => away.size === 0, 60_000);
  say('traffic stopped; waiting for every host to get everything');
  const expected = hosts.map((h) => hosts[(h.i + HOSTS - 1) % HOSTS].sent);
  const got = (h: Host) => queueMessages(join(h.home, 'reactor')).filter((m) => m.key === KEY);
  await waitFor(() => hosts.every((h) => got(h).length >= expected[h.i]), 300_000, 2000);
  for (const h of hosts) if (h.child && h.rss) h.rss[1] = rssOf(h.child.pid!);
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  let total = 0;
  let lacking = 0;
  for (const h of hosts) {
    const seqs = got(h).map((m) => Number(m.seq));
    const seen = new Set<number>();
    let last = -1;
    for (const s of seqs) {
      if (seen.has(s)) duplicated++;
      else if (s < last) {
        reordered++;
        if (process.env.SOAK_DEBUG) say(`host ${h.i} (${h.i < PROCESSES ? 'process' : 'in-process'}) got ${s} after ${last}: ${seqs.slice(Math.max(0, seqs.indexOf(s) - 5), seqs.indexOf(s) + 3).join(' ')}`);
      }
      seen.add(s);
      last = Math.max(last, s);
    }
    lost += expected[h.i] - seen.size;
    // the first few that lack messages, with what their logs and their senders' logs ended with
    if (expected[h.i] > seen.size && ++lacking <= 3) {
      const sender = hosts[(h.i + HOSTS - 1) % HOSTS];
      say(`host ${h.i} lacks ${expected[h.i] - seen.size} messages; its log ends:\n${lastWords(h)}\nits sender's (host ${sender.i}):\n${lastWords(sender)}`);
    }
    total += expected[h.i];
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
  say(`sent ${total} messages in ${trafficSeconds.toFixed(0)} s of traffic: ${(total / trafficSeconds).toFixed(0)} msg/s, all received`);
  say(`latency, in-process receivers: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (faults included)`);
  let grew = false;
  for (const h of hosts) {
    if (!h.rss) continue;
    const [a, b] = h.rss;
    // flat: what a daemon holds at the end is within a quarter (and 30 MB) of what it held at its first start
    if (b > a * 1.25 + 30) grew = true;
    say(`daemon ${user(h.i)} RSS ${a.toFixed(1)} MB at start, ${b.toFixed(1)} MB at the end`);
  }
  say(`soak process RSS ${(process.memoryUsage().rss / 1048576).toFixed(1)} MB at the end (${HOSTS - PROCESSES} in-process hosts)`);
  say(`${lost} lost, ${duplicated} duplicated, ${reordered} out of order`);
  await Promise.all(hosts.map((h) => down(h, 'SIGTERM')));
  for (const h of hosts) h.outbox.close();
  proxy.close();
  server.stop();
  const ok = lost === 0 && duplicated === 0 && reordered === 0 && !grew;
  say(ok ? 'soak passed' : 'soak FAILED');
  return ok ? 0 : 1;
}

// the server script leaves nothing behind when this is interrupted
process.on('SIGINT', () => process.exit(130));
// as the daemons do: a library's stray rejection is logged, the bots recover by reconnecting
logStrayRejections({ info() {}, warn() {}, error: (msg, fields) => say(`${msg} ${JSON.stringify(fields)}`) });
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
