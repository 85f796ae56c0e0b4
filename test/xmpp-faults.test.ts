import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../runtime/pipeline-api.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { daemonPool, queueMessages, startXmppServer, waitFor, wubotHome, xmppConfig, xmppServerKinds, type XmppServer } from './helpers.js';

/*
 * Faults while one bot streams messages to another through a real XMPP server (each kind):
 * the sender killed with SIGKILL, the server restarted, the receiver away for
 * the whole burst. Afterwards the receiver holds every message exactly once,
 * in the sender's order.
 */
for (const kind of xmppServerKinds()) describe(`XMPP faults mid-stream through ${kind}`, () => {
  let server: XmppServer;
  const daemons = daemonPool();
  // enough that a fault lands mid-stream (through Prosody the bots move several thousand a second, through
  // ejabberd, which archives every message in SQLite, about a thousand), and the file ends in time on a busy machine
  const N = kind === 'prosody' ? 3000 : 1500;
  const AWAY = 1000;

  before(async () => {
    server = await startXmppServer(kind, ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });

  after(async () => {
    await daemons.stopAll();
    server.stop();
  });

  /** pair makes a sender (its monitor queue goes to the receiver) and a receiver, each with its own home. */
  const pair = (a: string, b: string) => ({
    sender: wubotHome(a, { 'plugins/XMPP/link.yaml': xmppConfig(server.port, a, b, { directory: 'reactor', batch: 100 }) }),
    receiver: wubotHome(b, { 'plugins/XMPP/link.yaml': xmppConfig(server.port, b, a) }),
  });
  const monitor = (home: string, host: string) => daemons.start('monitor', home, host);
  const kill = (p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => daemons.stop(p, signal);
  const burst = (home: string, host: string, n = N) => {
    const w = QueueWriter.open(join(home, 'reactor'), { hostname: host });
    w.append(Array.from({ length: n }, (_, i) => ({ key: 'Test-fault', n: i, subject: `message ${i}` })));
    w.close();
  };
  const received = (home: string): Message[] => queueMessages(join(home, 'reactor')).filter((m) => m.key === 'Test-fault');
  const sentAll = (home: string) => queueMessages(join(home, 'reactor'), 'WHERE acked_at IS NULL').filter((m) => m.key === 'Test-fault').length === 0;
  const exactlyOnceInOrder = (got: Message[], n = N) => {
    assert.equal(got.length, n, `received ${got.length} of ${n}`);
    assert.deepEqual(
      got.map((m) => m.n),
      Array.from({ length: n }, (_, i) => i),
    );
  };

  it('a sender killed with SIGKILL mid-stream sends the rest after a restart, and nothing twice', async () => {
    const { sender, receiver } = pair('a1', 'b1');
    await monitor(receiver, 'b1');
    burst(sender, 'a1');
    let a = await monitor(sender, 'a1');
    assert.ok(await waitFor(() => received(receiver).length >= 200, 60_000, 10));
    await kill(a, 'SIGKILL');
    const before = received(receiver).length;
    assert.ok(before < N, 'the kill came too late to test anything');
    a = await monitor(sender, 'a1');
    assert.ok(await waitFor(() => received(receiver).length >= N, 60_000), `received ${received(receiver).length}`);
    exactlyOnceInOrder(received(receiver));
  });

  it(`a ${kind} restart mid-stream loses nothing and duplicates nothing`, async () => {
    const { sender, receiver } = pair('a2', 'b2');
    await monitor(receiver, 'b2');
    await monitor(sender, 'a2');
    burst(sender, 'a2');
    assert.ok(await waitFor(() => received(receiver).length >= 200, 60_000, 10));
    assert.ok(received(receiver).length < N, 'the restart came too late to test anything');
    server.restart();
    assert.ok(await waitFor(() => received(receiver).length >= N, 90_000), `received ${received(receiver).length}`);
    // what ejabberd's restart cut off comes again after the recipient's receipts are missed, and may come after
    // newer messages (a known gap, in the README); Prosody keeps the order
    if (kind === 'prosody') exactlyOnceInOrder(received(receiver));
    else assert.deepEqual([...received(receiver).map((m) => m.n as number)].sort((x, y) => x - y), Array.from({ length: N }, (_, n) => n));
  });

  it('a receiver away for the whole burst gets all of it when it comes back', async () => {
    const { sender, receiver } = pair('a3', 'b3');
    // the receiver logs in once, so that it exists, and goes away
    const first = await monitor(receiver, 'b3');
    assert.ok(await waitFor(() => queueMessages(join(receiver, 'reactor')).some((m) => m.subject === 'XMPP: session ready'), 60_000), first.log);
    await kill(first);
    await monitor(sender, 'a3');
    // to a recipient that is away the sender has one message in flight at a time (none may pass a bounced one)
    burst(sender, 'a3', AWAY);
    assert.ok(await waitFor(() => sentAll(sender), 60_000), 'the sender did not get rid of its queue');
    assert.equal(received(receiver).length, 0);
    await monitor(receiver, 'b3');
    assert.ok(await waitFor(() => received(receiver).length >= AWAY, 60_000), `received ${received(receiver).length}`);
    exactlyOnceInOrder(received(receiver), AWAY);
  });
});
