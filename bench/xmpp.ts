import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { client, xml, type Client } from '@xmpp/client';
import Database from 'better-sqlite3';
import type { Message } from '../runtime/pipeline-api.js';
import { stampMessage } from '../runtime/queue/message-id.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { encodeBody } from '../runtime/xmpp/wire.js';

/*
 * Host A to host B through a real Prosody on 127.0.0.1: raw @xmpp/client
 * (one client sends the same bodies wubot sends, encoded beforehand, another
 * counts them) against two
 * `wubot monitor` processes, queue to queue (A's queue drained by its XMPP
 * link, B's link queueing what it receives). Throughput over a burst, and
 * latency at a steady rate.
 */

export interface XmppFigures {
  readonly rawRate: number;
  readonly oursRate: number;
  /** ratios of the paired runs, and their median */
  readonly ratios: readonly number[];
  readonly ratio: number;
  readonly rawLatency: readonly [number, number];
  readonly oursLatency: readonly [number, number];
}

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
async function raw(port: number, bodies: readonly string[], steady: number): Promise<{ rate: number; latency: [number, number] }> {
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
  const t0 = performance.now();
  for (let i = 0; i < bodies.length; i++) await tx.send(xml('message', { type: 'chat', to: 'rawb@localhost', id: `b${i}` }, xml('body', {}, bodies[i])));
  while (got < bodies.length) await sleep(1);
  const rate = bodies.length / ((performance.now() - t0) / 1000);
  for (let i = 0; i < steady; i++) {
    sentAt.set(`s${i}`, performance.now());
    await tx.send(xml('message', { type: 'chat', to: 'rawb@localhost', id: `s${i}` }, xml('body', {}, bodies[i])));
    await sleep(2);
  }
  while (latencies.length < steady) await sleep(1);
  await Promise.all([tx.stop(), rx.stop()]);
  return { rate, latency: percentiles(latencies) };
}

/** botHome: a bot whose link sends its monitor queue to `to`, or (without `to`) only receives, from `allow`. */
function botHome(dir: string, me: string, port: number, link: { to: string } | { allow: string }): string {
  mkdirSync(join(dir, 'config', 'plugins', 'XMPP'), { recursive: true });
  const config = [`account: ${me}@localhost`, `password: ${me}-pw`, 'host: 127.0.0.1', `port: ${port}`, 'directory: reactor', 'delay: 0.05'];
  config.push('to' in link ? `user: ${link.to}@localhost` : `allow: [ ${link.allow}@localhost ]`);
  writeFileSync(join(dir, 'config', 'plugins', 'XMPP', 'link.yaml'), config.join('\n') + '\n', { mode: 0o600 });
  return dir;
}

async function startMonitor(wubot: string, home: string, host: string): Promise<ChildProcess> {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof", profiles the bots
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, wubot, 'monitor', '--home', home, '--hostname', host], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('monitor started')) resolve();
    });
    child.once('exit', () => reject(new Error(`monitor exited: ${log}`)));
  });
  return child;
}

/** ours sends `messages` from a wubot monitor's queue to another's, burst then steady, as raw does. */
async function ours(wubot: string, work: string, port: number, messages: readonly Message[], steady: number): Promise<{ rate: number; latency: [number, number] }> {
  const a = botHome(join(work, 'a'), 'a', port, { to: 'b' });
  const b = botHome(join(work, 'b'), 'b', port, { allow: 'a' });
  const procs = [await startMonitor(wubot, b, 'b'), await startMonitor(wubot, a, 'a')];
  const queue = () => new Database(join(b, 'reactor', 'queue.sqlite'), { readonly: true });
  // both links are up once b has queued a's "session ready" message
  const linked = () => {
    try {
      const db = queue();
      const n = (db.prepare('SELECT count(*) AS n FROM message_queue').get() as { n: number }).n;
      db.close();
      return n > 0;
    } catch {
      return false; // no queue file yet
    }
  };
  while (!linked()) await sleep(50);
  // queue to queue: the messages are in a's queue when the clock starts (a is paused while they are written)
  const w = QueueWriter.open(join(a, 'reactor'), { hostname: 'a' });
  procs[1].kill('SIGSTOP');
  w.append(messages.map((m) => ({ ...m, key: 'Bench-xmpp' })));
  const t0 = performance.now();
  procs[1].kill('SIGCONT');
  const db = queue();
  // rows get ids one after another: the highest id tells how many came, cheaply (this process shares the cores)
  const top = db.prepare('SELECT max(id) FROM message_queue').pluck();
  const base = top.get() as number;
  while ((top.get() as number) - base < messages.length) await sleep(2);
  // b's own rows (connection events) may be among them: then wait for the rest
  const arrived = db.prepare("SELECT count(*) FROM message_queue WHERE id > ? AND json_extract(data, '$.key') = 'Bench-xmpp'").pluck();
  while ((arrived.get(base) as number) < messages.length) await sleep(2);
  const rate = messages.length / ((performance.now() - t0) / 1000);
  // steady: ten messages every 20 ms, each with its send time; b's queue is read every 2 ms
  const latencies: number[] = [];
  let seen = (db.prepare('SELECT max(id) AS id FROM message_queue').get() as { id: number }).id;
  const fresh = db.prepare('SELECT id, data FROM message_queue WHERE id > ? ORDER BY id');
  let sent = 0;
  let nextSend = performance.now();
  while (latencies.length < steady) {
    if (sent < steady && performance.now() >= nextSend) {
      w.append(Array.from({ length: 10 }, (_, i) => ({ key: 'Bench-steady', n: sent + i, sent_ms: performance.timeOrigin + performance.now() })));
      sent += 10;
      nextSend += 20;
    }
    const now = performance.timeOrigin + performance.now();
    for (const r of fresh.all(seen) as { id: number; data: string }[]) {
      seen = r.id;
      const m = JSON.parse(r.data) as Message;
      if (m.key === 'Bench-steady') latencies.push(now - Number(m.sent_ms));
    }
    await sleep(2);
  }
  db.close();
  w.close();
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(null)))));
  return { rate, latency: percentiles(latencies) };
}

/** xmppFigures starts a Prosody of its own and measures raw and ours with the same messages. */
export async function xmppFigures(root: string, work: string, messages: readonly Message[], steady = 500): Promise<XmppFigures> {
  const script = join(root, 'test', 'xmpp-server.sh');
  const dir = mkdtempSync(join(work, 'prosody-'));
  const port = await freePort();
  execFileSync(script, ['start', dir, String(port)]);
  try {
    for (const u of ['rawa', 'rawb', 'a', 'b']) execFileSync(script, ['adduser', dir, u, `${u}-pw`]);
    // raw sends the very bodies wubot puts on the wire: stamped at the first store, marked noforward, with the path
    const bodies = messages.map((m) => {
      const wire = { ...m, key: 'Bench-xmpp' };
      stampMessage(wire, 'a');
      return encodeBody({ ...wire, noforward: 1, wubot_path: ['a@localhost'] });
    });
    // the machine is shared: three pairs, taking turns going first; the median pair is reported
    const pairs: { r: Awaited<ReturnType<typeof raw>>; o: Awaited<ReturnType<typeof ours>> }[] = [];
    for (let i = 0; i < 3; i++) {
      const runRaw = () => raw(port, bodies, steady);
      const runOurs = () => ours(join(root, 'dist', 'bin', 'wubot.js'), mkdtempSync(join(work, 'xmpp-')), port, messages, steady);
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
    return { rawRate: mid.r.rate, oursRate: mid.o.rate, rawLatency: mid.r.latency, oursLatency: mid.o.latency, ratios, ratio: mid.o.rate / mid.r.rate };
  } finally {
    execFileSync(script, ['stop', dir]);
  }
}
