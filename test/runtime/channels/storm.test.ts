import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { windowText } from '../../../runtime/channels/storm.js';
import { QueueWriter } from '../../../runtime/queue/queue-writer.js';
import { httpRecorder, runReactor, runReactorIn, type HttpRecorder } from '../../channel-helpers.js';
import { queueMessages, startDaemon, stopChild, waitFor, wubotHome } from '../../helpers.js';

/** heldCount reads how many items the digest row of `key` holds in an outbox's database. */
function heldCount(outbox: string, key: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(join(outbox, 'queue.sqlite'), { readonly: true, fileMustExist: true });
    const data = db.prepare('SELECT data FROM channel_storm_digest WHERE key = ?').pluck().get(key) as string | undefined;
    return data === undefined ? 0 : (JSON.parse(data) as { count: number }).count;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

/* Storm control: at most `count` per key per window, the rest in one digest per key, a recovery at once. */

describe('channel storm control', () => {
  const servers: HttpRecorder[] = [];
  after(async () => Promise.all(servers.map((s) => s.close())));

  it('says windows as people do', () => {
    assert.equal(windowText(600_000), '10 min');
    assert.equal(windowText(45_000), '45 s');
    assert.equal(windowText(7_200_000), '2 h');
  });

  it('sends `count` per key per window, then one digest of the rest, and a recovery past the limit', async () => {
    const hook = await httpRecorder();
    servers.push(hook);
    const rules = { rules: [{ name: 'hook', plugin: 'Webhook', config: { url: hook.url, body: { text: '{$subject}', key: '{$key}' }, limit: { count: 2, per: 1.5 } } }] };
    const r = await runReactor('h', { 'reactor.yaml': JSON.stringify(rules) });
    const texts = () => hook.requests.map((q) => (JSON.parse(q.body) as { text: string }).text);
    try {
      r.push(Array.from({ length: 10 }, (_, i) => ({ key: 'web1-load', subject: `m${i}`, hostname: 'web1', status: 'CRITICAL' })));
      r.push([{ key: 'other', subject: 'another key', hostname: 'web2', status: 'WARNING' }]);
      assert.ok(await waitFor(() => hook.requests.length === 4, 10_000), JSON.stringify(texts()));
      assert.deepEqual(texts(), ['m0', 'm1', 'another key', '8 more from web1 in the last 2 s: m2; m3; m4; m5; m6; …']);
      // a storm again; the recovery goes out at once, after the digest of what its key held back
      r.push(Array.from({ length: 4 }, (_, i) => ({ key: 'web1-load', subject: `n${i}`, hostname: 'web1', status: 'CRITICAL' })));
      assert.ok(await waitFor(() => hook.requests.length >= 5));
      r.push([{ key: 'web1-load', subject: 'load is fine', hostname: 'web1', status: 'OK', status_previous: 'CRITICAL' }]);
      assert.ok(await waitFor(() => texts().includes('load is fine'), 10_000), JSON.stringify(texts()));
      const rest = texts().slice(4);
      assert.equal(rest.at(-1), 'load is fine');
      assert.ok(rest.some((t) => /^\d more from web1 in the last 2 s: n/.test(t)), JSON.stringify(rest));
      const outbox = join(r.home, 'outbox', 'webhook');
      assert.ok(await waitFor(() => queueMessages(outbox, 'WHERE acked_at IS NULL').length === 0), 'every item, digested or not, is acknowledged');
    } finally {
      await r.stop();
    }
  });

  it('keeps the counts and the digest of a storm across a SIGKILLed reactor: no more sent past the limit, none missing from the digest', async () => {
    const hook = await httpRecorder();
    servers.push(hook);
    // a window long enough for a restart on a busy machine; the digest comes when it ends
    const rules = { rules: [{ name: 'hook', plugin: 'Webhook', config: { url: hook.url, body: { text: '{$subject}' }, limit: { count: 2, per: 20 } } }] };
    const home = wubotHome('h', { 'reactor.yaml': JSON.stringify(rules) });
    const outbox = join(home, 'outbox', 'webhook');
    const writer = QueueWriter.open(join(home, 'reactor'), { hostname: 'h' });
    const storm = (prefix: string, n: number) => writer.append(Array.from({ length: n }, (_, i) => ({ key: 'web1-load', subject: `${prefix}${i}`, hostname: 'web1', status: 'CRITICAL' })));
    const texts = () => hook.requests.map((q) => (JSON.parse(q.body) as { text: string }).text);
    try {
      const first = await startDaemon('reactor', home, 'h');
      storm('m', 5);
      assert.ok(await waitFor(() => hook.requests.length === 2 && heldCount(outbox, 'web1-load') === 3), first.log);
      await stopChild(first, 'SIGKILL');
      const second = await startDaemon('reactor', home, 'h');
      try {
        storm('n', 3);
        assert.ok(await waitFor(() => heldCount(outbox, 'web1-load') === 6, 10_000), `${second.log}\n${JSON.stringify(texts())}`);
        assert.ok(await waitFor(() => hook.requests.length === 3, 60_000), `${second.log}\n${JSON.stringify(texts())}`);
        assert.deepEqual(texts(), ['m0', 'm1', '6 more from web1 in the last 20 s: m2; m3; m4; n0; n1; …']);
        assert.ok(await waitFor(() => queueMessages(outbox, 'WHERE acked_at IS NULL').length === 0));
      } finally {
        await stopChild(second);
      }
    } finally {
      writer.close();
    }
  });

  it('sends what a limit held back as soon as the limit is gone from the config, once', async () => {
    const hook = await httpRecorder();
    servers.push(hook);
    const rules = (limit: boolean) => JSON.stringify({ rules: [{ name: 'hook', plugin: 'Webhook', config: { url: hook.url, body: { text: '{$subject}' }, ...(limit ? { limit: { count: 1, per: '1h' } } : {}) } }] });
    const texts = () => hook.requests.map((q) => (JSON.parse(q.body) as { text: string }).text);
    const limited = await runReactor('h', { 'reactor.yaml': rules(true) });
    const outbox = join(limited.home, 'outbox', 'webhook');
    try {
      limited.push(Array.from({ length: 4 }, (_, i) => ({ key: 'web1-load', subject: `m${i}`, hostname: 'web1', status: 'CRITICAL' })));
      assert.ok(await waitFor(() => hook.requests.length === 1 && heldCount(outbox, 'web1-load') === 3, 10_000), JSON.stringify(texts()));
    } finally {
      await limited.stop();
    }
    // an hour's window: without the fix its digest would wait that long, and for good once the limit is gone
    writeFileSync(join(limited.home, 'config', 'reactor.yaml'), rules(false));
    const unlimited = await runReactorIn(limited.home, 'h');
    try {
      assert.ok(await waitFor(() => hook.requests.length === 2, 10_000), JSON.stringify(texts()));
      assert.match(texts()[1], /^3 more from web1 in the last \d+ s: m1; m2; m3$/);
      assert.equal(heldCount(outbox, 'web1-load'), 0);
      unlimited.push([{ key: 'web1-load', subject: 'after', hostname: 'web1', status: 'CRITICAL' }]);
      assert.ok(await waitFor(() => hook.requests.length === 3, 10_000), JSON.stringify(texts()));
      assert.deepEqual(texts(), ['m0', texts()[1], 'after']);
      // the same when the running reactor reloads its config: limited again, a storm held, the limit gone
      const reloads = () => unlimited.log.lines.filter((l) => l.includes('reloaded the rule tree')).length;
      writeFileSync(join(limited.home, 'config', 'reactor.yaml'), rules(true));
      assert.ok(await waitFor(() => reloads() === 1, 10_000), unlimited.log.lines.join('\n'));
      unlimited.push(Array.from({ length: 3 }, (_, i) => ({ key: 'web1-load', subject: `n${i}`, hostname: 'web1', status: 'CRITICAL' })));
      // m0 went within the hour: the whole storm is held
      assert.ok(await waitFor(() => heldCount(outbox, 'web1-load') === 3, 10_000), JSON.stringify(texts()));
      writeFileSync(join(limited.home, 'config', 'reactor.yaml'), rules(false));
      assert.ok(await waitFor(() => hook.requests.length === 4, 10_000), JSON.stringify(texts()));
      assert.match(texts()[3], /^3 more from web1 in the last \d+ s: n0; n1; n2$/);
      assert.equal(hook.requests.length, 4);
    } finally {
      await unlimited.stop();
    }
  });
});

describe('acknowledgement from the web UI inbox', () => {
  it('stops a key\'s repeats on a channel once an inbox item of it was marked seen, until its status changes', async () => {
    const hook = await httpRecorder();
    const rules = { rules: [{ name: 'hook', plugin: 'Webhook', config: { url: hook.url, body: { text: '{$subject}' } } }] };
    const r = await runReactor('h', { 'reactor.yaml': JSON.stringify(rules) });
    try {
      // the inbox as the web UI keeps it, with one item of `disk` marked seen at 1000
      mkdirSync(join(r.home, 'sqlite'), { recursive: true });
      const db = new Database(join(r.home, 'sqlite', 'notifications.sql'));
      db.exec('CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT, subject TEXT, lastupdate INTEGER, seen INTEGER)');
      db.prepare('INSERT INTO notifications (key, subject, lastupdate, seen) VALUES (?, ?, ?, ?)').run('disk', 'disk full', 900, 1000);
      db.close();
      r.push([
        { key: 'disk', subject: 'repeat, seen', status: 'CRITICAL', status_count: 3, status_since: 900 },
        { key: 'disk', subject: 'a new status', status: 'WARNING', status_count: 1, status_since: 1100 },
        { key: 'disk', subject: 'its repeat, not seen since', status: 'WARNING', status_count: 2, status_since: 1100 },
        { key: 'load', subject: 'another key', status: 'CRITICAL', status_count: 5, status_since: 900 },
      ]);
      assert.ok(await waitFor(() => hook.requests.length === 3));
      assert.deepEqual(hook.requests.map((q) => (JSON.parse(q.body) as { text: string }).text), ['a new status', 'its repeat, not seen since', 'another key']);
    } finally {
      await r.stop();
      await hook.close();
    }
  });
});
