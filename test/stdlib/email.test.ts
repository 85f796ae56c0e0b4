import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runReactor, smtpServer, type SmtpServer } from '../channel-helpers.js';
import { queueMessages, waitFor } from '../helpers.js';

/* E-mail against a real SMTP server (aiosmtpd): STARTTLS and AUTH required, self-signed certificate trusted through tls_ca. */

function emailRules(smtp: SmtpServer, more: Record<string, unknown> = {}): string {
  const config = { host: '127.0.0.1', port: smtp.port, tls_ca: smtp.ca, user: 'wubot', password: 'mail-s3cret-pw', from: 'wubot@example.org', to: ['me@example.org', 'ops@example.org'], retry: 0.05, ...more };
  return JSON.stringify({ rules: [{ name: 'mail', plugin: 'Email', config }] });
}

function dead(dir: string): { error: string }[] {
  const db = new Database(join(dir, 'queue.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT error FROM message_queue_dead ORDER BY id').all() as { error: string }[];
  } finally {
    db.close();
  }
}

describe('Email channel', () => {
  let smtp: SmtpServer;
  before(async () => {
    smtp = await smtpServer('wubot', 'mail-s3cret-pw');
  });
  after(async () => smtp.close());

  it('sends one mail per message over STARTTLS with AUTH, and acknowledges it on 250', async () => {
    const r = await runReactor('h', { 'reactor.yaml': emailRules(smtp) });
    try {
      r.push([{ key: 'disk', subject: 'disk full', hostname: 'web1', status: 'CRITICAL', link: 'https://web1/disk' }]);
      assert.ok(await waitFor(() => smtp.mails().length === 1), r.log.lines.join('\n'));
      const mail = smtp.mails()[0];
      assert.match(mail, /^X-Envelope-From: wubot@example\.org\r\nX-Envelope-To: me@example\.org,ops@example\.org\r\n/);
      assert.match(mail, /\r\nSubject: \[CRITICAL\] web1: disk full\r\n/);
      assert.match(mail, /\r\nFrom: wubot@example\.org\r\n/);
      assert.match(mail, /\r\nMessage-ID: <[0-9A-Za-z_-]+@wubot>\r\n/);
      assert.match(mail, /disk full\r\n\r\nhost: web1\r\nkey: disk\r\nstatus: CRITICAL\r\nhttps:\/\/web1\/disk/);
      const outbox = join(r.home, 'outbox', 'email');
      assert.ok(await waitFor(() => queueMessages(outbox, 'WHERE acked_at IS NULL').length === 0 && queueMessages(outbox).length === 1));
    } finally {
      await r.stop();
    }
  });

  it('tries a 451 again, and makes a 550 and a refused login dead letters', async () => {
    const before = smtp.mails().length;
    const r = await runReactor('h', {
      'reactor.yaml': JSON.stringify({
        rules: [
          { name: 'reports elsewhere', condition: 'contains channel_failed', last_rule: 1 },
          ...JSON.parse(emailRules(smtp, { subject: '{$subject}' })).rules,
          ...JSON.parse(emailRules(smtp, { channel: 'badlogin', password: 'wrong-password' })).rules,
        ],
      }),
    });
    try {
      r.push([{ key: 'a', subject: 'defer-451 once' }, { key: 'b', subject: 'reject-550 always' }]);
      const outbox = join(r.home, 'outbox', 'email');
      assert.ok(await waitFor(() => dead(outbox).length === 1 && queueMessages(outbox, 'WHERE acked_at IS NULL').length === 0), r.log.lines.join('\n'));
      assert.match(dead(outbox)[0].error, /^refused: SMTP EENVELOPE: 550 5\.1\.1 mailbox unavailable|^refused: SMTP EMESSAGE: 550/);
      assert.equal(smtp.mails().length - before, 1);
      assert.match(smtp.mails().at(-1)!, /Subject: defer-451 once/);
      assert.ok(await waitFor(() => dead(join(r.home, 'outbox', 'badlogin')).length === 2));
      assert.match(dead(join(r.home, 'outbox', 'badlogin'))[0].error, /^refused: SMTP EAUTH: 535/);
      assert.ok(!r.log.lines.join('\n').includes('wrong-password') && !r.log.lines.join('\n').includes('mail-s3cret-pw'));
    } finally {
      await r.stop();
    }
  });

  it('sends what came within `digest` as one mail', async () => {
    const before = smtp.mails().length;
    const r = await runReactor('h', { 'reactor.yaml': emailRules(smtp, { digest: 0.5 }) });
    try {
      r.push([1, 2, 3].map((i) => ({ key: `k${i}`, subject: `problem ${i}`, hostname: 'web1', status: 'WARNING' })));
      assert.ok(await waitFor(() => smtp.mails().length === before + 1));
      const mail = smtp.mails().at(-1)!;
      assert.match(mail, /Subject: 3 notifications from web1/);
      for (const i of [1, 2, 3]) assert.match(mail, new RegExp(`\\[WARNING\\] web1: problem ${i}`));
    } finally {
      await r.stop();
    }
  });
});
