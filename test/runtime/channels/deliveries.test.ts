import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { httpRecorder, runReactor, type HttpRecorder } from '../../channel-helpers.js';
import { memoryLog, queueMessages, startDaemon, stopChild, waitFor, wubotHome } from '../../helpers.js';
import { Reactor } from '../../../apps/wubot/reactor.js';
import { QueueWriter } from '../../../runtime/queue/queue-writer.js';

/* The delivery core of every channel, through the generic Webhook: outbox, acknowledgement, retries, dead letters, faults. */

function webhookRules(url: string, more: Record<string, unknown> = {}, condition = ''): string {
  const config = { url, headers: { Authorization: 'Bearer s3cret-webhook-token' }, body: { text: '{$hostname}: {$subject}', key: '{$key}' }, retry: 0.05, ...more };
  return JSON.stringify({ rules: [{ name: 'hook', ...(condition ? { condition } : {}), plugin: 'Webhook', config }] });
}

/** deadLetters reads a queue's dead-letter table, which `wubot queue dump` shows. */
function deadLetters(dir: string): { error: string; rule: string }[] {
  const db = new Database(join(dir, 'queue.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT rule, error FROM message_queue_dead ORDER BY id').all() as { error: string; rule: string }[];
  } finally {
    db.close();
  }
}

const pendingIn = (dir: string) => queueMessages(dir, 'WHERE acked_at IS NULL').length;

describe('channel delivery', () => {
  const servers: HttpRecorder[] = [];
  after(async () => Promise.all(servers.map((s) => s.close())));
  const server = async (...a: Parameters<typeof httpRecorder>) => {
    const s = await httpRecorder(...a);
    servers.push(s);
    return s;
  };

  it('queues each notification in the outbox and acknowledges it once the provider answered 2xx', async () => {
    const hook = await server();
    const r = await runReactor('h', { 'reactor.yaml': webhookRules(`${hook.url}/alert`) });
    try {
      r.push([{ key: 'disk', subject: 'disk full', hostname: 'web1' }, { key: 'load', subject: 'load high', hostname: 'web2' }]);
      assert.ok(await waitFor(() => hook.requests.length === 2));
      const outbox = join(r.home, 'outbox', 'webhook');
      assert.ok(await waitFor(() => pendingIn(outbox) === 0));
      const [a, b] = hook.requests;
      assert.equal(a.method, 'POST');
      assert.equal(a.path, '/alert');
      assert.equal(a.headers['content-type'], 'application/json');
      assert.equal(a.headers.authorization, 'Bearer s3cret-webhook-token');
      assert.deepEqual(JSON.parse(a.body), { text: 'web1: disk full', key: 'disk' });
      assert.deepEqual(JSON.parse(b.body), { text: 'web2: load high', key: 'load' });
      assert.ok(a.headers['idempotency-key'] && a.headers['idempotency-key'] !== b.headers['idempotency-key']);
      assert.equal(queueMessages(outbox).length, 2);
    } finally {
      await r.stop();
    }
  });

  it('tries a 5xx again until it is accepted, and sends a 4xx to the dead letters with one warning', async () => {
    const hook = await server((req, n) => {
      if (JSON.parse(req.body).text.includes('bad')) return { status: 400, body: '{"error":"no such topic"}' };
      return n <= 3 ? { status: 503, body: 'busy' } : { status: 200 };
    });
    const r = await runReactor('h', { 'reactor.yaml': webhookRules(hook.url) });
    try {
      r.push([{ key: 'k', subject: 'good', hostname: 'web1' }, { key: 'k', subject: 'bad', hostname: 'web1' }]);
      const outbox = join(r.home, 'outbox', 'webhook');
      assert.ok(await waitFor(() => deadLetters(outbox).length === 1 && pendingIn(outbox) === 0));
      const good = hook.requests.filter((q) => q.body.includes('good'));
      assert.equal(good.length, 4, 'three 503 answers, then the one that was accepted');
      assert.equal(new Set(good.map((q) => q.headers['idempotency-key'])).size, 1, 'every try carries the same key');
      const [d] = deadLetters(outbox);
      assert.equal(d.rule, 'webhook');
      assert.match(d.error, /refused: POST http:\/\/127\.0\.0\.1:\d+ ?: HTTP 400: \{"error":"no such topic"\}/);
      // the warning went through the rules, and was not sent to the channel that failed
      assert.ok(await waitFor(() => queueMessages(join(r.home, 'reactor'), "WHERE data LIKE '%channel_failed%'").length === 1));
      const [w] = queueMessages(join(r.home, 'reactor'), "WHERE data LIKE '%channel_failed%'");
      assert.equal(w.status, 'WARNING');
      assert.match(String(w.subject), /channel webhook could not deliver "bad"/);
      assert.ok(await waitFor(() => pendingIn(join(r.home, 'reactor')) === 0));
      assert.equal(hook.requests.filter((q) => q.body.includes('could not deliver')).length, 0);
      assert.ok(!r.log.lines.join('\n').includes('s3cret-webhook-token'));
    } finally {
      await r.stop();
    }
  });

  it('gives up on a provider that is down or too slow after give_up_after, and never blocks the reactor or other channels', async () => {
    const slow = await server(() => 'hang');
    const fast = await server();
    const down = await server();
    const downUrl = down.url;
    await down.close();
    const rules = {
      rules: [
        { name: 'reports elsewhere', condition: 'contains channel_failed', last_rule: 1 },
        { name: 'slow', plugin: 'Webhook', config: { channel: 'slow', url: slow.url, timeout: 0.3, retry: 0.05, give_up_after: 1 } },
        { name: 'down', plugin: 'Webhook', config: { channel: 'down', url: downUrl, retry: 0.05, give_up_after: 1 } },
        { name: 'fast', plugin: 'Webhook', config: { channel: 'fast', url: fast.url } },
      ],
    };
    const r = await runReactor('h', { 'reactor.yaml': JSON.stringify(rules) });
    try {
      r.push(Array.from({ length: 5 }, (_, i) => ({ key: 'k', subject: `n${i}`, hostname: 'web1' })));
      // the reactor and the fast channel go on while the others fail
      assert.ok(await waitFor(() => fast.requests.length === 5));
      assert.ok(r.reactor.handled >= 5);
      assert.ok(slow.requests.length >= 1);
      assert.ok(await waitFor(() => deadLetters(join(r.home, 'outbox', 'slow')).length === 5 && deadLetters(join(r.home, 'outbox', 'down')).length === 5, 30_000));
      const [s] = deadLetters(join(r.home, 'outbox', 'slow'));
      assert.match(s.error, /^gave up after \d+ s: no answer within 300 ms/);
      const [d] = deadLetters(join(r.home, 'outbox', 'down'));
      assert.match(d.error, /^gave up after \d+ s: POST http:\/\/127\.0\.0\.1:\d+\/?: ECONNREFUSED/);
    } finally {
      await r.stop();
    }
  });

  it('ends failure reports between two dead channels after one round, instead of a loop', async () => {
    const down = await server();
    const url = down.url;
    await down.close();
    const config = { url, retry: 0.05, give_up_after: 0.3 };
    const rules = { rules: [{ name: 'a', plugin: 'Webhook', config: { channel: 'a', ...config } }, { name: 'b', plugin: 'Webhook', config: { channel: 'b', ...config } }] };
    const r = await runReactor('h', { 'reactor.yaml': JSON.stringify(rules) });
    try {
      r.push([{ key: 'k', subject: 'first', hostname: 'web1' }]);
      const dirs = ['reactor', 'outbox/a', 'outbox/b'].map((d) => join(r.home, d));
      const reports = () => queueMessages(join(r.home, 'reactor'), "WHERE data LIKE '%channel_failed%'");
      // quiet: nothing pending anywhere, so nothing more can come
      assert.ok(await waitFor(() => reports().length === 4 && dirs.every((d) => pendingIn(d) === 0), 30_000), JSON.stringify(reports()));
      assert.deepEqual(reports().map((m) => m.channel_failed).sort(), [['a'], ['a', 'b'], ['b'], ['b', 'a']].sort());
      assert.equal(deadLetters(join(r.home, 'outbox', 'a')).length, 2);
      assert.equal(deadLetters(join(r.home, 'outbox', 'b')).length, 2);
    } finally {
      await r.stop();
    }
  });

  it('loses nothing and repeats at most the delivery in flight when the reactor is SIGKILLed mid-delivery', async () => {
    let hangs = 0;
    const hook = await server(() => (hangs < 2 && ++hangs ? 'hang' : { status: 200 }));
    const home = wubotHome('h', { 'reactor.yaml': webhookRules(hook.url, { timeout: 60 }) });
    const writer = QueueWriter.open(join(home, 'reactor'), { hostname: 'h' });
    writer.append(Array.from({ length: 50 }, (_, i) => ({ key: 'k', subject: `m${i}`, hostname: 'web1' })));
    writer.close();
    for (let round = 0; round < 2; round++) {
      const child = await startDaemon('reactor', home, 'h');
      assert.ok(await waitFor(() => hook.requests.length > round), child.log);
      await stopChild(child, 'SIGKILL');
    }
    const child = await startDaemon('reactor', home, 'h');
    try {
      const outbox = join(home, 'outbox', 'webhook');
      assert.ok(await waitFor(() => queueMessages(outbox).length === 50 && pendingIn(outbox) === 0), child.log);
      const texts = hook.requests.map((q) => (JSON.parse(q.body) as { text: string }).text);
      assert.deepEqual([...new Set(texts)].sort(), Array.from({ length: 50 }, (_, i) => `web1: m${i}`).sort());
      const keys = new Map<string, number>();
      for (const q of hook.requests) keys.set(String(q.headers['idempotency-key']), (keys.get(String(q.headers['idempotency-key'])) ?? 0) + 1);
      assert.ok([...keys.values()].every((n) => n <= 3), 'only the item in flight at each kill is sent again');
      assert.equal(hook.requests.length, 52);
    } finally {
      await stopChild(child);
    }
  });
  it('stops within seconds of SIGTERM while every kind of connection hangs mid-delivery, and keeps what was in flight', async () => {
    // a server that takes each connection and says nothing: HTTP, SMTP, IRC, XMPP and D-Bus all wait for its first word
    const open = new Set<Socket>();
    const silent = createServer((sock) => {
      open.add(sock);
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    // timeouts far longer than the test: a stop that waited for one would not end in time
    const slow = { timeout: 300, give_up_after: 3600 };
    const channels: Record<string, Record<string, unknown>> = {
      Webhook: { channel: 'hook', url: `http://127.0.0.1:${port}/` },
      Email: { channel: 'mail', host: '127.0.0.1', port, from: 'wubot@localhost', to: 'me@localhost' },
      IRC: { channel: 'irc', host: '127.0.0.1', port, nick: 'wubot', target: '#ops' },
      XMPPChat: { channel: 'chat', account: 'bot@localhost', password: 'pw', host: '127.0.0.1', port, to: 'me@localhost' },
      // a bus that takes the connection and never answers its authentication
      Desktop: { channel: 'desktop', bus: `tcp:host=127.0.0.1,port=${port}` },
    };
    const rules = { rules: Object.entries(channels).map(([plugin, config]) => ({ name: plugin, plugin, config: { ...config, ...slow } })) };
    const home = wubotHome('h', { 'reactor.yaml': JSON.stringify(rules) });
    const writer = QueueWriter.open(join(home, 'reactor'), { hostname: 'h' });
    writer.append([{ key: 'k', subject: 'in flight', hostname: 'web1' }]);
    writer.close();
    const child = await startDaemon('reactor', home, 'h');
    try {
      const kinds = Object.keys(channels).length;
      assert.ok(await waitFor(() => open.size >= kinds, 30_000), `${open.size} of ${kinds} channels connected: ${child.log}`);
      child.kill('SIGTERM');
      assert.ok(await waitFor(() => child.exitCode !== null || child.signalCode !== null, 20_000), `the reactor did not stop: ${child.log}`);
      assert.equal(child.exitCode, 0, child.log);
      for (const c of Object.values(channels)) assert.equal(pendingIn(join(home, 'outbox', String(c.channel))), 1, `${String(c.channel)} lost what was in flight`);
    } finally {
      await stopChild(child, 'SIGKILL');
      for (const sock of open) sock.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('lets deliveries wait while the reactor works through a burst, at most burstWaitMs, then one per batch', async () => {
    const hook = await server();
    const home = wubotHome('burst', { 'reactor.yaml': webhookRules(hook.url) });
    const batches = async (burstWaitMs: number, keys: string[]) => {
      const log = memoryLog();
      // batches of one message, stepped by the test: each step with more queued says "backlog"
      const reactor = new Reactor({ home, hostname: 'burst', log, batch: 1, burstWaitMs });
      assert.ok(await reactor.start(), log.lines.join('\n'));
      const w = QueueWriter.open(join(home, 'reactor'), { hostname: 'burst' });
      w.append(keys.map((key) => ({ key, subject: key })));
      w.close();
      return reactor;
    };
    const close = async (reactor: Reactor) => {
      await reactor.deliveries.close();
      reactor.close();
    };

    // within the wait: nothing goes out while batches come, all of it once the backlog ended
    const r1 = await batches(600_000, ['b0', 'b1', 'b2', 'b3']);
    try {
      r1.step();
      assert.ok(await waitFor(() => r1.deliveries.waiting), 'the first notification waits for its turn');
      r1.step();
      r1.step();
      assert.ok(r1.deliveries.waiting, 'batches of a backlog give no turn within the wait');
      assert.equal(hook.requests.length, 0);
      r1.step();
      assert.equal(hook.requests.length, 0);
      // a full batch may have more behind it: the empty step after it ends the backlog
      assert.equal(r1.step(), 0);
      assert.ok(await waitFor(() => hook.requests.length === 4), `got ${hook.requests.length}`);
      assert.deepEqual(hook.requests.map((q) => JSON.parse(q.body).key), ['b0', 'b1', 'b2', 'b3']);
    } finally {
      await close(r1);
    }

    // past the wait (0 here): a backlog still gives each batch one delivery
    hook.requests.length = 0;
    const r2 = await batches(0, ['c0', 'c1', 'c2', 'c3', 'c4']);
    try {
      r2.step();
      assert.ok(await waitFor(() => r2.deliveries.waiting));
      for (let n = 1; n <= 2; n++) {
        r2.step();
        assert.ok(await waitFor(() => hook.requests.length === n), `batch ${n}: ${hook.requests.length} delivered`);
        assert.ok(await waitFor(() => r2.deliveries.waiting), 'the next one waits for the next batch');
        assert.equal(hook.requests.length, n);
      }
    } finally {
      await close(r2);
    }
  });
});
