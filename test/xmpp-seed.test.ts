import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { exportConfig } from '../apps/wubot/host-files.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { queueMessages, repoRoot, startDaemon, startXmppServer, stopChild, tempDir, waitFor, xmppServerKinds, type XmppServer } from './helpers.js';

/*
 * The seed's network, from examples/seed: three servers forward everything to
 * a central host, which keeps load and idle data and forwards notifications
 * to a laptop; the laptop sends its own load and idle data back. Real
 * `wubot monitor` and `wubot reactor` processes, a real XMPP server of each kind.
 */
const HOSTS = ['web1', 'web2', 'web3', 'central', 'laptop'] as const;
type Host = (typeof HOSTS)[number];

function rowsOf(file: string, sql: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } catch {
    return []; // the table is not there yet
  } finally {
    db.close();
  }
}

for (const kind of xmppServerKinds()) describe(`the seed network over XMPP through ${kind}`, () => {
  let server: XmppServer;
  const homes = {} as Record<Host, string>;
  const procs = new Map<string, ChildProcess & { log: string }>();

  const start = async (host: Host, daemon: 'monitor' | 'reactor') => procs.set(`${host} ${daemon}`, await startDaemon(daemon, homes[host], host));
  const stop = async (host: Host, daemon: 'monitor' | 'reactor') => {
    await stopChild(procs.get(`${host} ${daemon}`)!);
    procs.delete(`${host} ${daemon}`);
  };
  // only the bursts': on a machine loaded past critical_load, the hosts' own Uptime monitors notify too
  const notifications = () =>
    rowsOf(join(homes.laptop, 'sqlite', 'notifications.sql'), 'SELECT hostname, subject, lastupdate, wubot_id FROM notifications ORDER BY rowid').filter((r) => / alert \d+$/.test(String(r.subject)));
  const graphs = () => rowsOf(join(homes.central, 'sqlite', 'series.sql'), 'SELECT s.key, s.host AS hostname, s.field, p.sum AS value FROM series s JOIN series_points p ON p.series = s.id WHERE p.step = 0');
  const burst = (host: Host, from: number, n: number) => {
    const w = QueueWriter.open(join(homes[host], 'reactor'), { hostname: host });
    w.append(Array.from({ length: n }, (_, i) => ({ key: 'Test-burst', status: 'CRITICAL', subject: `${host} alert ${from + i}`, lastupdate: 1764300000 + from + i })));
    w.close();
  };

  before(async () => {
    server = await startXmppServer(kind, HOSTS);
    for (const host of HOSTS) {
      homes[host] = tempDir(`wubot-${host}-`);
      const config = join(homes[host], 'config');
      exportConfig(join(repoRoot, 'examples', 'seed', 'config'), host, config);
      const xmppDir = join(config, 'plugins', 'XMPP');
      for (const f of readdirSync(xmppDir)) {
        writeFileSync(join(xmppDir, f), readFileSync(join(xmppDir, f), 'utf8').replace('port: 15222', `port: ${server.port}`));
        chmodSync(join(xmppDir, f), 0o600);
      }
    }
    await Promise.all([start('web1', 'monitor'), start('web2', 'monitor'), start('web3', 'monitor'), start('central', 'monitor'), start('central', 'reactor')]);
    await Promise.all([start('laptop', 'monitor'), start('laptop', 'reactor')]);
  });

  after(async () => {
    await Promise.all([...procs.values()].map((p) => stopChild(p)));
    server.stop();
  });

  it('carries the servers\' notifications to the laptop, in order, and the laptop\'s load and idle data to central', async () => {
    for (const host of ['web1', 'web2', 'web3'] as const) burst(host, 0, 10);
    assert.ok(await waitFor(() => notifications().length >= 30, 60_000), `laptop got ${notifications().length} of 30`);
    const got = notifications();
    assert.equal(got.length, 30);
    for (const host of ['web1', 'web2', 'web3']) {
      const mine = got.filter((r) => r.hostname === host);
      assert.deepEqual(mine.map((r) => r.subject), Array.from({ length: 10 }, (_, i) => `${host} alert ${i}`));
      assert.deepEqual(mine.map((r) => r.lastupdate), Array.from({ length: 10 }, (_, i) => 1764300000 + i));
    }
    assert.ok(await waitFor(() => graphs().some((r) => r.hostname === 'laptop' && r.key === 'Uptime-load') && graphs().some((r) => r.key === 'Idle-laptop')));
    assert.ok(await waitFor(() => ['web1', 'web2', 'web3'].every((h) => graphs().some((r) => r.hostname === h && r.field === 'load01' && typeof r.value === 'number'))));
    // nothing went round: the laptop's data stopped at central, central's notifications at the laptop
    assert.equal(queueMessages(join(homes.central, 'forward')).filter((m) => m.hostname === 'laptop').length, 0);
  });

  it('keeps what was sent while the laptop was away, and hands it over in order, with the original lastupdate', async () => {
    await Promise.all([stop('laptop', 'monitor'), stop('laptop', 'reactor')]);
    burst('web2', 100, 15);
    // central sends all 15 while the laptop is offline (the XMPP server holds them), and keeps each until the laptop's receipt
    const late15 = (where: string) => queueMessages(join(homes.central, 'forward'), where).filter((m) => m.key === 'Test-burst' && m.hostname === 'web2' && Number(m.lastupdate) >= 1764300100).length;
    assert.ok(await waitFor(() => late15('') === 15, 60_000), `central queued ${late15('')} of 15 to forward`);
    assert.equal(notifications().length, 30);
    await Promise.all([start('laptop', 'monitor'), start('laptop', 'reactor')]);
    assert.ok(await waitFor(() => notifications().length >= 45, 60_000), `laptop got ${notifications().length} of 45`);
    assert.ok(await waitFor(() => late15('WHERE acked_at IS NOT NULL') === 15, 30_000), `central took ${late15('WHERE acked_at IS NOT NULL')} of 15 off its queue`);
    const late = notifications().slice(30);
    assert.deepEqual(late.map((r) => r.subject), Array.from({ length: 15 }, (_, i) => `web2 alert ${100 + i}`));
    assert.deepEqual(late.map((r) => r.lastupdate), Array.from({ length: 15 }, (_, i) => 1764300100 + i));
    assert.equal(new Set(notifications().map((r) => r.wubot_id)).size, 45);
  });
});
