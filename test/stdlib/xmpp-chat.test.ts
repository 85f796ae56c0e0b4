import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XmppLink, type Incoming } from '../../runtime/xmpp/link.js';
import { runReactor } from '../channel-helpers.js';
import { memoryLog, sleep, startXmppServer, waitFor, xmppServerKinds, type XmppServer } from '../helpers.js';

/* XMPPChat against the project's real servers: a person's client (`me`) gets plain chat messages from the channel's account. */

for (const kind of xmppServerKinds()) describe(`XMPPChat channel through ${kind}`, () => {
  let server: XmppServer;
  before(async () => {
    server = await startXmppServer(kind, ['alerts', 'me']);
  });
  after(() => server.stop());

  const person = async (got: Incoming[]): Promise<XmppLink> => {
    const l = new XmppLink({ host: '127.0.0.1', port: server.port, domain: 'localhost', username: 'me', password: 'me-pw', resource: 'phone', log: memoryLog() }, (m) => got.push(m));
    await l.start();
    return l;
  };
  const rules = (password: string) =>
    JSON.stringify({
      rules: [
        { name: 'reports elsewhere', condition: 'contains channel_failed', last_rule: 1 },
        { name: 'phone', plugin: 'XMPPChat', config: { account: 'alerts@localhost', password, host: '127.0.0.1', port: server.port, to: 'me@localhost', message: '{$status} {$hostname}: {$subject}', retry: 0.05 } },
      ],
    });

  it('sends each notification as a plain chat message, in order, delivered on the server\'s answer; an offline person gets them on return', async () => {
    const got: Incoming[] = [];
    let phone = await person(got);
    const r = await runReactor('central', { 'reactor.yaml': rules('alerts-pw') });
    try {
      r.push([{ key: 'disk', status: 'CRITICAL', subject: 'disk 97% full', hostname: 'web1' }, { key: 'load', status: 'WARNING', subject: 'load 9 · hoch', hostname: 'web2' }]);
      assert.ok(await waitFor(() => got.length >= 2, 30_000), JSON.stringify(got) + r.log.lines.join('\n'));
      assert.deepEqual(got.map((m) => [m.from.split('/')[0], m.body]), [['alerts@localhost', 'CRITICAL web1: disk 97% full'], ['alerts@localhost', 'WARNING web2: load 9 · hoch']]);
      const outbox = new Database(join(r.home, 'outbox', 'xmppchat', 'queue.sqlite'), { readonly: true });
      assert.ok(await waitFor(() => (outbox.prepare('SELECT count(*) FROM message_queue_state WHERE acked_at IS NULL').pluck().get() as number) === 0));
      // the phone is off: the server keeps the message for it
      await phone.stop();
      r.push([{ key: 'disk', status: 'OK', subject: 'disk 60% full', hostname: 'web1' }]);
      assert.ok(await waitFor(() => (outbox.prepare('SELECT count(*) FROM message_queue_state WHERE acked_at IS NULL').pluck().get() as number) === 0));
      outbox.close();
      // back on line, the phone gets what it missed as phone clients do: from offline storage (Prosody) or the archive (ejabberd)
      phone = await person(got);
      const missed = async () => [...got, ...(await phone.archivePage({ start: new Date(Date.now() - 3_600_000).toISOString() }, 50)).messages].map((m) => m.body);
      let seen: string[] = [];
      for (const deadline = Date.now() + 30_000; !seen.includes('OK web1: disk 60% full') && Date.now() < deadline; await sleep(100)) seen = await missed();
      assert.ok(seen.includes('OK web1: disk 60% full'), JSON.stringify(seen));
    } finally {
      await phone.stop();
      await r.stop();
    }
  });

  it('a wrong password keeps the notification queued and tried again, and never shows the password', async () => {
    const r = await runReactor('central', { 'reactor.yaml': rules('not-the-pw-x9') });
    try {
      r.push([{ key: 'disk', status: 'CRITICAL', subject: 'disk full', hostname: 'web1' }]);
      assert.ok(await waitFor(() => r.log.lines.filter((l) => /cannot start a session/.test(l)).length >= 2, 30_000), r.log.lines.join('\n'));
      const outbox = new Database(join(r.home, 'outbox', 'xmppchat', 'queue.sqlite'), { readonly: true });
      assert.equal(outbox.prepare('SELECT count(*) FROM message_queue_dead').pluck().get(), 0);
      assert.equal(outbox.prepare('SELECT count(*) FROM message_queue_state WHERE acked_at IS NULL').pluck().get(), 1);
      outbox.close();
      assert.ok(!r.log.lines.join('\n').includes('not-the-pw-x9'));
    } finally {
      await r.stop();
    }
  });
});
