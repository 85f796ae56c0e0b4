import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runReactor } from '../channel-helpers.js';
import { listenForNotifications, startSessionBus, type SessionBus } from '../dbus-notifications.js';
import { queueMessages, startDaemon, stopChild, waitFor, wubotHome } from '../helpers.js';
import { QueueWriter } from '../../runtime/queue/queue-writer.js';

/* Desktop notifications over a private D-Bus session bus, to a listener that owns org.freedesktop.Notifications. */

describe('Desktop channel', () => {
  let bus: SessionBus;
  before(async () => {
    bus = await startSessionBus();
  });
  after(async () => bus.stop());

  it('calls Notify with summary, body, urgency from urgent and status, icon and expiry, and is acknowledged on the reply', async () => {
    const rules = { rules: [{ name: 'desktop', plugin: 'Desktop', config: { bus: bus.address, expire: '30s', retry: 0.05 } }] };
    const r = await runReactor('laptop', { 'reactor.yaml': JSON.stringify(rules) });
    // no daemon yet (not logged in): the notification waits and is tried again
    r.push([{ key: 'disk', subject: 'disk full', hostname: 'web1', status: 'CRITICAL' }]);
    assert.ok(await waitFor(() => r.log.lines.some((l) => l.includes('ServiceUnknown'))), r.log.lines.join('\n'));
    const listener = await listenForNotifications(bus.address);
    try {
      r.push([{ key: 'load', subject: 'load high', hostname: 'web2', status: 'WARNING' }, { key: 'mail', subject: 'new mail', hostname: 'laptop', urgent: 1 }, { key: 'disk', subject: 'disk fine', hostname: 'web1', status: 'OK', status_previous: 'CRITICAL' }]);
      assert.ok(await waitFor(() => listener.calls.length === 4), r.log.lines.join('\n'));
      assert.deepEqual(listener.calls[0], { app_name: 'wubot', replaces_id: 0, app_icon: 'dialog-error', summary: 'web1: disk full', body: 'disk CRITICAL', actions: [], urgency: 2, expire_timeout: 30000 });
      assert.deepEqual(listener.calls.map((c) => [c.urgency, c.app_icon]), [[2, 'dialog-error'], [1, 'dialog-warning'], [2, 'dialog-error'], [0, 'dialog-information']]);
      const db = new Database(join(r.home, 'outbox', 'desktop', 'queue.sqlite'), { readonly: true });
      assert.ok(await waitFor(() => (db.prepare('SELECT count(*) FROM message_queue_state WHERE acked_at IS NULL').pluck().get() as number) === 0));
      db.close();
    } finally {
      await r.stop();
      listener.close();
    }
  });

  it('stops within seconds of SIGTERM while the notification daemon never answers, and keeps the notification', async () => {
    const listener = await listenForNotifications(bus.address);
    listener.silent = true;
    // a timeout far longer than the test: a stop that waited for it would not end in time
    const rules = { rules: [{ name: 'desktop', plugin: 'Desktop', config: { bus: bus.address, timeout: 300 } }] };
    const home = wubotHome('laptop', { 'reactor.yaml': JSON.stringify(rules) });
    const writer = QueueWriter.open(join(home, 'reactor'), { hostname: 'laptop' });
    writer.append([{ key: 'disk', subject: 'disk full', hostname: 'web1', status: 'CRITICAL' }]);
    writer.close();
    const child = await startDaemon('reactor', home, 'laptop');
    try {
      assert.ok(await waitFor(() => listener.calls.length === 1, 30_000), child.log);
      child.kill('SIGTERM');
      assert.ok(await waitFor(() => child.exitCode !== null || child.signalCode !== null, 20_000), `the reactor did not stop: ${child.log}`);
      assert.equal(child.exitCode, 0, child.log);
      assert.equal(queueMessages(join(home, 'outbox', 'desktop'), 'WHERE acked_at IS NULL').length, 1, 'the notification in flight stays queued');
    } finally {
      await stopChild(child, 'SIGKILL');
      listener.close();
    }
  });
});
