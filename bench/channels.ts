import { execFileSync, spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger } from '../runtime/log.js';
import type { Message } from '../runtime/pipeline-api.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { Reactor } from '../apps/wubot/reactor.js';
import { median } from './median.js';
import { realisticTree } from './realistic.js';

/*
 * Notification channels: what a rate-limited channel costs the reactor, and
 * how long a notification takes to reach a local HTTP or SMTP server.
 */

const tick = () => new Promise((r) => setTimeout(r, 1));

function home(work: string, name: string, extraRules: string): string {
  const dir = mkdtempSync(join(work, `${name}-`));
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'reactor.yaml'), realisticTree() + extraRules);
  return dir;
}

/** the bench reactors' warnings and errors; their info lines would drown the figures */
const benchLog = createLogger(
  new Writable({
    write(line: Buffer, _enc, done) {
      if (!line.includes('"level":"info"')) process.stderr.write(line);
      done();
    },
  }),
  false,
);

async function startReactor(dir: string): Promise<{ reactor: Reactor; done: Promise<void> }> {
  const reactor = new Reactor({ home: dir, hostname: 'bench', log: benchLog, batch: 500 });
  if (!(await reactor.start())) throw new Error('bench reactor does not start');
  return { reactor, done: reactor.run() };
}

/** handleRate is the rate at which a running reactor takes `messages` from its queue. */
async function handleRate(dir: string, messages: Message[]): Promise<{ rate: number; reactor: Reactor; done: Promise<void> }> {
  const w = QueueWriter.open(join(dir, 'reactor'), { hostname: 'bench' });
  for (let i = 0; i < messages.length; i += 1000) w.append(messages.slice(i, i + 1000));
  w.close();
  const r = await startReactor(dir);
  const t0 = performance.now();
  while (r.reactor.handled < messages.length) await tick();
  return { rate: messages.length / ((performance.now() - t0) / 1000), ...r };
}

function burst(n: number, keys: number): Message[] {
  return Array.from({ length: n }, (_, i) => ({ key: `Check-k${i % keys}`, hostname: `web${i % 5}`, subject: `check ${i} failed`, status: 'CRITICAL' }));
}

/** Sink is the HTTP provider the figures deliver to, in a child process. */
interface Sink {
  readonly url: string;
  /** received gives the bodies received, from the `from`-th on. */
  received(from?: number): Promise<string[]>;
  close(): void;
}

async function httpSink(): Promise<Sink> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'http-sink.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((r) => child.stdout.once('data', (d: Buffer) => r(d.toString().trim())));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    received: async (from = 0) => (await (await fetch(`${url}/received?from=${from}`)).json()) as string[],
    close: () => child.stdin.end(),
  };
}

async function stop(r: { reactor: Reactor; done: Promise<void> }): Promise<void> {
  r.reactor.stop();
  await r.done;
  await r.reactor.deliveries.close();
  r.reactor.close();
}

/** latencies appends one message at a time and times it until the channel's provider accepted it. */
async function latencies(dir: string, outbox: string, n: number): Promise<number[]> {
  const r = await startReactor(dir);
  const w = QueueWriter.open(join(dir, 'reactor'), { hostname: 'bench' });
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const worker = () => r.reactor.deliveries.worker(join(dir, 'outbox', outbox));
      const before = worker()?.delivered ?? 0;
      const t0 = performance.now();
      w.append([{ key: `lat${i}`, subject: `latency ${i}`, hostname: 'web1', status: 'CRITICAL' }]);
      while ((worker()?.delivered ?? 0) === before) await new Promise((res) => setImmediate(res));
      out.push(performance.now() - t0);
    }
  } finally {
    w.close();
    r.reactor.stop();
    await r.done;
    await r.reactor.deliveries.close();
    r.reactor.close();
  }
  return out;
}

async function smtpServer(root: string, work: string): Promise<{ port: number; ca: string; stop: () => void } | undefined> {
  const dir = mkdtempSync(join(work, 'smtp-'));
  mkdirSync(join(dir, 'mail'));
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  const child = spawn('/usr/bin/python3', [join(root, 'test', 'smtp-server.py'), String(port), join(dir, 'c'), join(dir, 'k'), 'bench', 'bench-pw', join(dir, 'mail')], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  return { port, ca: join(dir, 'c'), stop: () => child.kill() };
}

/** channelFigures prints the channels' figures. */
export async function channelFigures(root: string, work: string, fmt: (n: number) => string): Promise<void> {
  const n = 10_000;
  const keys = 20;
  const sink = await httpSink();
  const limited = `  - name: page\n    plugin: Webhook\n    config: { url: "${sink.url}", body: { text: "{$subject}" }, limit: { count: 3, per: 2s } }\n`;
  // the machine is shared and noisy: paired runs, alternating, and the median ratio
  const pairs = 5;
  const bases: number[] = [];
  const withs: number[] = [];
  let sent: string[] = [];
  for (let p = 0; p < pairs; p++) {
    const base = await handleRate(home(work, 'plain', ''), burst(n, keys));
    await stop(base);
    bases.push(base.rate);
    const before = (await sink.received()).length;
    const withChannel = await handleRate(home(work, 'channel', limited), burst(n, keys));
    withs.push(withChannel.rate);
    const t0 = performance.now();
    // the last pair also waits for its digests
    while (p === pairs - 1 && (sent = await sink.received(before)).filter((b) => b.includes(' more from ')).length < keys && performance.now() - t0 < 30_000) await tick();
    await stop(withChannel);
  }
  const ratios = bases.map((b, i) => withs[i] / b);
  const digests = sent.filter((b) => b.includes(' more from '));
  console.log(`channels: ${fmt(n)} notifications in a burst over ${keys} keys, through the 97-rule tree into a Webhook limited to 3 per key per 2 s:`);
  console.log(`  reactor without channels ${fmt(median(bases)).padStart(7)} msg/s, with the channel ${fmt(median(withs)).padStart(7)} msg/s; with/without = ${median(ratios).toFixed(2)} (median of ${pairs} pairs: ${ratios.map((r) => r.toFixed(2)).join(' ')}); target >= 0.8`);
  console.log(`  sent: ${sent.length - digests.length} one by one (expected ${keys * 3}), ${digests.length} digests (expected ${keys}), e.g. ${JSON.parse(digests[0] ?? '{"text":"none"}').text.slice(0, 70)}`);
  const latHttp = await latencies(home(work, 'lat-http', `  - name: hook\n    plugin: Webhook\n    config: { url: "${sink.url}" }\n`), 'webhook', 100);
  sink.close();
  console.log(`  delivery latency, queued message to the provider's acceptance, one at a time: HTTP p50 ${median(latHttp).toFixed(1)} ms (100)`);
  const smtp = await smtpServer(root, work);
  if (!smtp) {
    console.log('  (no python3-aiosmtpd: SMTP latency not measured; bash test/notify-servers.sh install)');
    return;
  }
  const mail = `  - name: mail\n    plugin: Email\n    config: { host: 127.0.0.1, port: ${smtp.port}, tls_ca: "${smtp.ca}", user: bench, password: bench-pw, from: a@example.org, to: b@example.org }\n`;
  const latSmtp = await latencies(home(work, 'lat-smtp', mail), 'email', 30);
  smtp.stop();
  console.log(`  SMTP (STARTTLS, AUTH, one pooled connection) p50 ${median(latSmtp).toFixed(1)} ms (30); target p50 < 50 ms`);
}
