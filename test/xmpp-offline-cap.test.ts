import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../runtime/pipeline-api.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { daemonPool, queueMessages, startXmppServer, waitFor, wubotHome, xmppConfig, xmppServerKinds, type XmppServer } from './helpers.js';

/*
 * A server that keeps at most 100 messages for an offline account: a laptop
 * away while 2,000 are sent to it still gets all of them, in order, once
 * back. The server bounces the rest; the sender keeps them and sends them
 * again when the recipient's presence says it is back. Prosody without an
 * archive (with one, the same option caps the archive, which then bounces
 * nothing), ejabberd with one (its cap is on the offline store only).
 */
const N = 2000;

for (const kind of xmppServerKinds()) describe(`XMPP offline cap, ${kind}`, () => {
  let server: XmppServer;
  const daemons = daemonPool();

  before(async () => {
    server = await startXmppServer(kind, ['ca', 'cb'], { XMPP_OFFLINE_LIMIT: '100', ...(kind === 'prosody' ? { XMPP_MAM: '0' } : {}) });
  });

  after(async () => {
    await daemons.stopAll();
    server.stop();
  });

  const monitor = (home: string, host: string) => daemons.start('monitor', home, host);
  const received = (home: string): Message[] => queueMessages(join(home, 'reactor')).filter((m) => m.key === 'Test-away');
  const pending = (home: string): number => queueMessages(join(home, 'outbox'), 'WHERE acked_at IS NULL').length;

  it(`a recipient away while ${N} are sent gets all of them, in order, on return`, async () => {
    const sender = wubotHome('ca', { 'plugins/XMPP/link.yaml': xmppConfig(server.port, 'ca', 'cb', { directory: 'outbox' }) });
    const receiver = wubotHome('cb', { 'plugins/XMPP/link.yaml': xmppConfig(server.port, 'cb', 'ca') });
    // both online once, so that each has approved the other's presence subscription
    let b = await monitor(receiver, 'cb');
    const a = await monitor(sender, 'ca');
    assert.ok(await waitFor(() => queueMessages(join(sender, 'reactor')).some((m) => m.subject === 'XMPP: session ready'), 30_000));
    await daemons.stop(b);
    const w = QueueWriter.open(join(sender, 'outbox'), { hostname: 'ca' });
    w.append(Array.from({ length: N }, (_, n) => ({ key: 'Test-away', n, subject: `message ${n}` })));
    w.close();
    // the server keeps 100 and bounces the rest, which the sender keeps
    assert.ok(await waitFor(() => a.log.includes('bounced'), 60_000), 'the server bounced nothing');
    assert.ok(pending(sender) >= N - 100, `only ${pending(sender)} still queued`);
    b = await monitor(receiver, 'cb');
    assert.ok(await waitFor(() => received(receiver).length >= N, 90_000), `received ${received(receiver).length} of ${N}`);
    assert.deepEqual(
      received(receiver).map((m) => m.n),
      Array.from({ length: N }, (_, n) => n),
    );
  });
});
