import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpRecorder, runReactor, smtpServer, type HttpRecorder, type SmtpServer } from './channel-helpers.js';
import { listenForNotifications, startSessionBus, type NotificationListener, type SessionBus } from './dbus-notifications.js';
import { repoRoot, waitFor } from './helpers.js';

/* examples/presence: the desktop at the keyboard, the phone when idle, a mail digest at night; the servers are local. */

/** Berlin times: 14:00 on a Tuesday, 23:30 the same night. */
const DAY = Date.parse('2026-12-01T13:00:00Z') / 1000;
const NIGHT = Date.parse('2026-12-01T22:30:00Z') / 1000;

describe('examples/presence', () => {
  let bus: SessionBus;
  let desktop: NotificationListener;
  let phone: HttpRecorder;
  let smtp: SmtpServer;
  before(async () => {
    bus = await startSessionBus();
    desktop = await listenForNotifications(bus.address);
    phone = await httpRecorder();
    smtp = await smtpServer('wubot', 'change-me');
  });
  after(async () => {
    desktop.close();
    await Promise.all([bus.stop(), phone.close(), smtp.close()]);
  });

  it('routes by presence and time of day', async () => {
    const text = readFileSync(join(repoRoot, 'examples', 'presence', 'config', 'reactor.yaml'), 'utf8')
      .replace('host: smtp.example.org', 'host: 127.0.0.1')
      .replace('port: 587', `port: ${smtp.port}\n          tls_ca: ${smtp.ca}`)
      .replace('digest: 1h', 'digest: 1')
      .replace('config: { expire: 1m }', `config: { expire: 1m, bus: "${bus.address}" }`)
      .replace('https://ntfy.sh', phone.url);
    const r = await runReactor('laptop', { 'reactor.yaml': text });
    try {
      r.push([
        { key: 'Idle-laptop', idle_state: 'active', idle_sec: 3, lastupdate: DAY - 60 },
        { key: 'Disk-web1', status: 'CRITICAL', subject: 'at the desk', hostname: 'web1', lastupdate: DAY },
      ]);
      assert.ok(await waitFor(() => desktop.calls.length === 1), r.log.lines.join('\n'));
      assert.equal(desktop.calls[0].summary, 'web1: at the desk');
      r.push([
        { key: 'Idle-laptop', idle_state: 'idle', idle_sec: 900, lastupdate: DAY + 60 },
        { key: 'Disk-web1', status: 'CRITICAL', subject: 'gone for coffee', hostname: 'web1', lastupdate: DAY + 120 },
        // no Idle report for an hour: away
        { key: 'Disk-web1', status: 'CRITICAL', subject: 'laptop asleep', hostname: 'web1', lastupdate: DAY + 3600 },
      ]);
      assert.ok(await waitFor(() => phone.requests.length === 2));
      assert.deepEqual(phone.requests.map((q) => (JSON.parse(q.body) as { message: string }).message), ['gone for coffee', 'laptop asleep']);
      const mailsBefore = smtp.mails().length;
      r.push([
        { key: 'Idle-laptop', idle_state: 'active', idle_sec: 1, lastupdate: NIGHT - 60 },
        { key: 'Disk-web1', status: 'CRITICAL', subject: 'night one', hostname: 'web1', lastupdate: NIGHT },
        { key: 'Load-web2', status: 'CRITICAL', subject: 'night two', hostname: 'web2', lastupdate: NIGHT + 60 },
      ]);
      assert.ok(await waitFor(() => smtp.mails().length === mailsBefore + 1));
      assert.match(smtp.mails().at(-1)!, /Subject: 2 notifications from web1, web2/);
      assert.equal(desktop.calls.length, 1, 'nothing on the desktop at night, at the keyboard or not');
      assert.equal(phone.requests.length, 2);
    } finally {
      await r.stop();
    }
  });
});
