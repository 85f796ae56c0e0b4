import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { client, xml, type Client } from '@xmpp/client';
import Database from 'better-sqlite3';
import type { Message } from '../runtime/pipeline-api.js';
import { stampMessage } from '../runtime/queue/message-id.js';
import { QueueWake } from '../runtime/queue/queue-wake.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { encodeBody } from '../runtime/xmpp/wire.js';

/*
 * Host A to host B through a real Prosody on 127.0.0.1: raw @xmpp/client
 * (one client sends the same bodies wubot sends, encoded beforehand, another
 * counts them) against two
 * `wubot monitor` processes, queue to queue (A's queue drained by its XMPP
 * link, B's link queueing what it receives). Throughput over a burst, and
 * latency at a steady rate; then the CPU time idle daemons take.
 */

export interface XmppFigures {
  readonly rawRate: number;
  readonly oursRate: number;
  /** ratios of the paired runs, and their median */
  readonly ratios: readonly number[];
  readonly ratio: number;
  readonly rawLatency: readonly [number, number];
  readonly oursLatency: readonly [number, number];
  /** CPU microseconds per message of the burst: raw's two clients, and ours' two monitors (the server's not counted) */
  readonly rawCpuUs: number;
  readonly oursCpuUs: number;
  /** of oursCpuUs, the sending monitor's and the receiving monitor's */
  readonly oursSplitUs: readonly [sender: number, receiver: number];
  /** the server's CPU microseconds per message of the burst, for raw and for ours */
  readonly rawServerCpuUs: number;
  readonly oursServerCpuUs: number;
  /** CPU milliseconds over IDLE_MS of an idle sending monitor, receiving monitor and reactor */
  readonly idleCpu: { readonly sender: number; readonly receiver: number; readonly reactor: number };
}

/** IDLE_MS: how long idle daemons are watched for their CPU time. */
export const IDLE_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function percentiles(xs: number[]): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor(s.length * 0.5)], s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]];
}

async function online(port: number, user: string): Promise<Client> {
  const c = client({ service: `xmpp://127.0.0.1:${port}`, domain: 'localhost', username: user, password: `${user}-pw`, resource: 'bench' });
  c.on('error', () => {});
  await c.start();
  await c.send(xml('presence'));
  return c;
}

/** raw sends `bodies` from one client to another and times the burst; then `steady` more, one every 2 ms, for latency. */
async function raw(port: number, server: number, bodies: readonly string[], steady: number): Promise<Run> {
  const rx = await online(port, 'rawb');
  const tx = await online(port, 'rawa');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let got = 0;
  rx.on('stanza', (s) => {
    if (!s.is('message') || s.getChildText('body') === null) return;
    got++;
    const t = sentAt.get(String(s.attrs.id));
    if (t !== undefined) latencies.push(performance.now() - t);
  });
  const cpu0 = process.cpuUsage();
  const server0 = cpuMs(server);
  const t0 = performance.now();
  for (let i = 0; i < bodies.length; i++) await tx.send(xml('message', { type: 'chat', to: 'rawb@localhost', id: `b${i}` }, xml('body', {}, bodies[i])));
  while (got < bodies.length) await sleep(1);
  const rate = bodies.length / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / bodies.length;
  const serverCpuUs = ((cpuMs(server) - server0) * 1000) / bodies.length;
  for (let i = 0; i < steady; i++) {
    sentAt.set(`s${i}`, performance.now());
    await tx.send(xml('message', { type: 'chat', to: 'rawb@localhost', id: `s${i}` }, xml('body', {}, bodies[i])));
    await sleep(2);
  }
  while (latencies.length < steady) await sleep(1);
  await Promise.all([tx.stop(), rx.stop()]);
  return { rate, latency: percentiles(latencies), cpuUs, serverCpuUs };
}

/** Run is one side's figures: the burst's rate and CPU time per message, the steady rate's latency percentiles. */
interface Run {
  rate: number;
  latency: [number, number];
  cpuUs: number;
  serverCpuUs: number;
  /** ours only: the sending and the receiving monitor's CPU microseconds per message */
  splitUs?: [number, number];
}

/** botHome: a bot whose link sends its monitor queue to `to`, or (without `to`) only receives, from `allow`. */
function botHome(dir: string, me: string, port: number, link: { to: string } | { allow: string }): string {
  mkdirSync(join(dir, 'config', 'plugins', 'XMPP'), { recursive: true });
  // the default check delay (1 minute): a write to the queue starts sending
  const config = [`account: ${me}@localhost`, `password: ${me}-pw`, 'host: 127.0.0.1', `port: ${port}`, 'directory: reactor'];
  config.push('to' in link ? `user: ${link.to}@localhost` : `allow: [ ${link.allow}@localhost ]`);
  writeFileSync(join(dir, 'config', 'plugins', 'XMPP', 'link.yaml'), config.join('\n') + '\n', { mode: 0o600 });
  return dir;
}

async function startDaemon(wubot: string, daemon: 'monitor' | 'reactor', home: string, host: string): Promise<ChildProcess> {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof", profiles the bots
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, wubot, daemon, '--home', home, '--hostname', host], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes(`${daemon} started`)) resolve();
    });
    child.once('exit', () => reject(new Error(`${daemon} exited: ${log}`)));
  });
  return child;
}

/** cpuMs is the CPU time a process's threads have taken so far. */
function cpuMs(pid: number): number {
  // schedstat's first field is the time on a CPU in nanoseconds (/proc/PID/stat counts whole 10 ms ticks)
  let ns = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return ns / 1e6;
}

async function stopAll(procs: readonly ChildProcess[]): Promise<void> {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(null)))));
}

/** linkedBots starts a receiving bot b and a sending bot a, and returns once a's "session ready" reached b's queue. */
async function linkedBots(wubot: string, work: string, port: number): Promise<{ a: string; b: string; procs: ChildProcess[] }> {
  const a = botHome(join(work, 'a'), 'a', port, { to: 'b' });
  const b = botHome(join(work, 'b'), 'b', port, { allow: 'a' });
  const procs = [await startDaemon(wubot, 'monitor', b, 'b'), await startDaemon(wubot, 'monitor', a, 'a')];
  // b's own "session ready" comes first, and says nothing of a: a burst timed from then would include a's login
  const linked = () => {
    try {
      const db = new Database(join(b, 'reactor', 'queue.sqlite'), { readonly: true });
      const n = db.prepare("SELECT count(*) FROM message_queue WHERE json_extract(data, '$.hostname') = 'a'").pluck().get() as number;
      db.close();
      return n > 0;
    } catch {
      return false; // no queue file yet
    }
  };
  while (!linked()) await sleep(50);
  return { a, b, procs };
}

/** ours sends `messages` from a wubot monitor's queue to another's, burst then steady, as raw does. */
async function ours(wubot: string, work: string, port: number, server: number, messages: readonly Message[], steady: number): Promise<Run> {
  const { a, b, procs } = await linkedBots(wubot, work, port);
  // b's queue is read when b's writes wake this process (at most 50 ms apart regardless)
  const arrival = new QueueWake(join(b, 'reactor'));
  // queue to queue: the messages are in a's queue when the clock starts (a is paused while they are written)
  // without an fsync of its own (synchronous NORMAL), this writer does not hold up this process's reading of b's queue
  const w = QueueWriter.open(join(a, 'reactor'), { hostname: 'a', durability: 'normal' });
  procs[1].kill('SIGSTOP');
  w.append(messages.map((m) => ({ ...m, key: 'Bench-xmpp' })));
  const cpu0 = procs.map((p) => cpuMs(p.pid!));
  const server0 = cpuMs(server);
  const t0 = performance.now();
  procs[1].kill('SIGCONT');
  const db = new Database(join(b, 'reactor', 'queue.sqlite'), { readonly: true });
  // rows get ids one after another: the highest id tells how many came, cheaply (this process shares the cores)
  const top = db.prepare('SELECT max(id) FROM message_queue').pluck();
  const base = top.get() as number;
  while ((top.get() as number) - base < messages.length) await arrival.wait(50);
  // b's own rows (connection events) may be among them: then wait for the rest
  const arrived = db.prepare("SELECT count(*) FROM message_queue WHERE id > ? AND json_extract(data, '$.key') = 'Bench-xmpp'").pluck();
  while ((arrived.get(base) as number) < messages.length) await arrival.wait(50);
  const rate = messages.length / ((performance.now() - t0) / 1000);
  // procs are [receiver, sender]
  const [receiverUs, senderUs] = procs.map((p, i) => ((cpuMs(p.pid!) - cpu0[i]) * 1000) / messages.length);
  const cpuUs = receiverUs + senderUs;
  const serverCpuUs = ((cpuMs(server) - server0) * 1000) / messages.length;
  // steady: one message every 2 ms, as raw sends, each timed from when its append returned (it is in a's queue then);
  // an append that took longer than 2 ms is followed by one of all the messages due meanwhile
  const latencies: number[] = [];
  const committed: number[] = [];
  let seen = (db.prepare('SELECT max(id) AS id FROM message_queue').get() as { id: number }).id;
  const fresh = db.prepare('SELECT id, data FROM message_queue WHERE id > ? ORDER BY id');
  let sent = 0;
  const start = performance.now();
  while (latencies.length < steady) {
    const due = Math.min(steady, Math.floor((performance.now() - start) / 2) + 1);
    if (sent < due) {
      w.append(Array.from({ length: due - sent }, (_, i) => ({ key: 'Bench-steady', n: sent + i })));
      const at = performance.now();
      for (; sent < due; sent++) committed[sent] = at;
    }
    const now = performance.now();
    for (const r of fresh.all(seen) as { id: number; data: string }[]) {
      seen = r.id;
      const m = JSON.parse(r.data) as Message;
      if (m.key === 'Bench-steady') latencies.push(now - committed[Number(m.n)]);
    }
    await arrival.wait(sent < steady ? Math.max(0, start + 2 * sent - performance.now()) : 50);
  }
  arrival.close();
  db.close();
  w.close();
  await stopAll(procs);
  return { rate, latency: percentiles(latencies), cpuUs, serverCpuUs, splitUs: [senderUs, receiverUs] };
}

/** idleCpu measures, over IDLE_MS, the CPU time of linked sending and receiving monitors and of a reactor, none of them getting messages. */
async function idleCpu(wubot: string, work: string, port: number): Promise<XmppFigures['idleCpu']> {
  const { procs } = await linkedBots(wubot, work, port);
  const home = join(work, 'r');
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(join(home, 'config', 'reactor.yaml'), 'rules: []\n');
  procs.push(await startDaemon(wubot, 'reactor', home, 'r'));
  // past the start's own work (the first check, the garbage collector's and the compiler's work after it)
  await sleep(3000);
  const before = procs.map((p) => cpuMs(p.pid!));
  await sleep(IDLE_MS);
  const used = procs.map((p, i) => cpuMs(p.pid!) - before[i]);
  await stopAll(procs);
  return { receiver: used[0], sender: used[1], reactor: used[2] };
}

/** xmppFigures starts a Prosody of its own and measures raw and ours with the same messages. */
export async function xmppFigures(root: string, work: string, messages: readonly Message[], steady = 500): Promise<XmppFigures> {
  const script = join(root, 'test', 'xmpp-server.sh');
  const dir = mkdtempSync(join(work, 'prosody-'));
  const port = await freePort();
  // without the message archive: Prosody's internal storage rewrites an account's archive file once it is
  // full, which would measure the server (and each pair sends more than a full archive holds)
  execFileSync(script, ['start', dir, String(port)], { env: { ...process.env, XMPP_MAM: '0' } });
  try {
    const server = Number(readFileSync(join(dir, 'prosody.pid'), 'utf8'));
    execFileSync(script, ['adduser', dir, ...['rawa', 'rawb', 'a', 'b'].flatMap((u) => [u, `${u}-pw`])]);
    // raw sends the very bodies wubot puts on the wire: stamped at the first store, marked noforward, with the path
    const bodies = messages.map((m) => {
      const wire = { ...m, key: 'Bench-xmpp' };
      stampMessage(wire, 'a');
      return encodeBody({ ...wire, noforward: 1, wubot_path: ['a@localhost'] });
    });
    // the machine is shared: three pairs, taking turns going first; the median pair is reported
    const pairs: { r: Awaited<ReturnType<typeof raw>>; o: Awaited<ReturnType<typeof ours>> }[] = [];
    for (let i = 0; i < 3; i++) {
      const runRaw = () => raw(port, server, bodies, steady);
      const runOurs = () => ours(join(root, 'dist', 'bin', 'wubot.js'), mkdtempSync(join(work, 'xmpp-')), port, server, messages, steady);
      if (i % 2) {
        const o = await runOurs();
        pairs.push({ o, r: await runRaw() });
      } else {
        const r = await runRaw();
        pairs.push({ r, o: await runOurs() });
      }
    }
    const ratios = pairs.map((p) => p.o.rate / p.r.rate);
    const mid = pairs[[0, 1, 2].sort((a, b) => ratios[a] - ratios[b])[1]];
    const idle = await idleCpu(join(root, 'dist', 'bin', 'wubot.js'), mkdtempSync(join(work, 'xmpp-idle-')), port);
    return { rawRate: mid.r.rate, oursRate: mid.o.rate, rawLatency: mid.r.latency, oursLatency: mid.o.latency, rawCpuUs: mid.r.cpuUs, oursCpuUs: mid.o.cpuUs, oursSplitUs: mid.o.splitUs!, rawServerCpuUs: mid.r.serverCpuUs, oursServerCpuUs: mid.o.serverCpuUs, ratios, ratio: mid.o.rate / mid.r.rate, idleCpu: idle };
  } finally {
    execFileSync(script, ['stop', dir]);
  }
}
