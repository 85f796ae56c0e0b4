import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../runtime/pipeline-api.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { daemonPool, queueMessages, sleep, startXmppServer, waitFor, wubotHome, xmppConfig, xmppServerKinds, type XmppServer } from './helpers.js';
import { makeNetPair, netnsUnavailable, type NetPair } from './netns.js';

/*
 * The receiving bot in a network namespace of its own, its link to the
 * server's namespace cut mid-burst without a word (every packet dropped),
 * then given a new address, as a laptop that moved networks: the server
 * wrote into the dead connection and counted it as delivered, yet the bot,
 * once it noticed and reconnected, has every message exactly once, in
 * order. Then the same in the middle of the catch-up after an absence.
 */
const N = 2000;
const PORT = 5222;
const skip = netnsUnavailable();

// ejabberd 23.01 archives a message in the recipient's session as it delivers it: what it routed into a
// connection that died unnoticed is neither delivered nor archived, so it cannot be fetched (a known gap,
// in the README); the test runs against Prosody, which archives before it routes
for (const kind of xmppServerKinds().filter((k) => k === 'prosody')) describe(`XMPP receiver behind a link that dies, through ${kind}`, { skip }, () => {
  let net: NetPair;
  let server: XmppServer;
  const daemons = daemonPool();

  before(async () => {
    net = makeNetPair();
    server = await startXmppServer(kind, ['na', 'nb'], { XMPP_INTERFACE: net.serverAddress }, { prefix: net.exec(net.server), port: PORT });
  });

  after(async () => {
    await daemons.stopAll();
    server?.stop();
    net?.remove();
  });

  const monitor = (home: string, host: string, ns: string) => daemons.start('monitor', home, host, [], net.exec(ns));
  const received = (home: string): Message[] => queueMessages(join(home, 'reactor')).filter((m) => m.key === 'Test-netns');
  const burst = (home: string, from: number) => {
    const w = QueueWriter.open(join(home, 'outbox'), { hostname: 'na' });
    w.append(Array.from({ length: N }, (_, i) => ({ key: 'Test-netns', n: from + i, subject: `message ${from + i}` })));
    w.close();
  };
  /** archivedFor counts the distinct messages in an account's archive (Prosody's file store: one `item(...)` each, with the stanza's id) */
  const archivedFor = (user: string): number => {
    const file = join(server.dir, 'data', server.domain, 'archive', `${user}.list`);
    return existsSync(file) ? new Set(readFileSync(file, 'utf8').match(/\["id"\] = "[^"]+"/g) ?? []).size : 0;
  };
  /** cutWhileGrowing cuts the link once the receiver's queue grows, and brings it back on a new address once the bot noticed. */
  const cutWhileGrowing = async (b: { log: string }, home: string, total: number) => {
    const from = received(home).length;
    assert.ok(await waitFor(() => received(home).length > from + 50, 60_000, 5), `the receiver's queue stopped at ${received(home).length}`);
    net.cut();
    const noticed = b.log.length;
    assert.ok(received(home).length < total, 'the cut came too late to test anything');
    assert.ok(await waitFor(() => /stopped answering|no XMPP session|did not answer an archive query/.test(b.log.slice(noticed)), 60_000), 'the bot never noticed the dead link');
    net.moveClient();
    net.restore();
  };

  it(`a link cut mid-burst and mid-catch-up loses none of ${2 * N}`, async () => {
    const config = (me: string, to: string) => xmppConfig(PORT, me, to, { host: net.serverAddress, directory: 'outbox', keepalive: 1 });
    const sender = wubotHome('na', { 'plugins/XMPP/link.yaml': config('na', 'nb') });
    const receiver = wubotHome('nb', { 'plugins/XMPP/link.yaml': config('nb', 'na') });
    let b = await monitor(receiver, 'nb', net.client);
    await monitor(sender, 'na', net.server);
    burst(sender, 0);
    await cutWhileGrowing(b, receiver, N);
    assert.ok(await waitFor(() => received(receiver).length >= N, 90_000), `received ${received(receiver).length} of ${N}`);

    // away for a second burst, then the link dies while it catches up
    await daemons.stop(b);
    burst(sender, N);
    // the sender keeps each message until the receiver's receipt: that the server has them all shows in the receiver's archive
    assert.ok(await waitFor(() => archivedFor('nb') >= 2 * N, 60_000), `the server archived ${archivedFor('nb')} of ${2 * N} for the receiver`);
    b = await monitor(receiver, 'nb', net.client);
    await cutWhileGrowing(b, receiver, 2 * N);
    assert.ok(await waitFor(() => received(receiver).length >= 2 * N, 90_000), `received ${received(receiver).length} of ${2 * N}`);
    assert.deepEqual(
      received(receiver).map((m) => m.n),
      Array.from({ length: 2 * N }, (_, n) => n),
    );

    // what the bot asked over the dead link is still unanswered (an archive page waits up to a minute): SIGTERM stops it at once all the same
    const exited = new Promise((r) => b.once('exit', r));
    b.kill('SIGTERM');
    assert.ok(await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]), 'the bot was still running 15 s after SIGTERM');
  });
});
