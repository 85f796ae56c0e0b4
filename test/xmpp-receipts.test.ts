import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { client, xml } from '@xmpp/client';
import { READ_CURSOR } from '../runtime/queue/queue-db.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { XmppLink, type Incoming, type LinkEvent } from '../runtime/xmpp/link.js';
import { decodeBody, encodeBody } from '../runtime/xmpp/wire.js';
import { daemonPool, memoryLog, queueMessages, readQueue, startXmppServer, waitFor, wubotHome, xmppConfig, xmppServerKinds, type XmppServer } from './helpers.js';

/*
 * Delivery receipts (XEP-0184) between wubot bots: a sending bot keeps each
 * message queued until its recipient says it stored it, and sends what was
 * not confirmed again after a reconnect (a server may lose what it accepted
 * when it restarts). A recipient without wubot's capabilities in its
 * presence (an original Perl host) is not waited for.
 */
const N = 20;

for (const kind of xmppServerKinds()) describe(`XMPP delivery receipts through ${kind}`, () => {
  let server: XmppServer;
  const daemons = daemonPool();

  before(async () => {
    server = await startXmppServer(kind, ['sa', 'sb', 'sc', 'sd', 'se', 'sf', 'sg', 'sh', 'si', 'sj', 'sk']);
  });

  after(async () => {
    await daemons.stopAll();
    server.stop();
  });

  const pending = (home: string): number => queueMessages(join(home, 'outbox'), 'WHERE acked_at IS NULL').length;
  /** saysReceipts: the sender's outbox notes that the recipient's presence said it sends receipts */
  const saysReceipts = (home: string, jid: string): boolean =>
    readQueue(join(home, 'outbox'), false, (db) => db.prepare(READ_CURSOR).pluck().get(`xmpp-receipts:${jid}`) === '1');
  const burst = (home: string, host: string, n = N) => {
    const w = QueueWriter.open(join(home, 'outbox'), { hostname: host });
    w.append(Array.from({ length: n }, (_, i) => ({ key: 'Test-receipts', n: i, subject: `message ${i}` })));
    w.close();
  };

  /**
   * forgeReceipts: another account confirms `ids`, the real ones and 3,000
   * the sender never sent, in stanzas as large as the server takes, as
   * XEP-0184 receipts and as wubot's receipt lists (some malformed); it
   * returns once the server handled them, so they reach the sender before
   * anything sent after.
   */
  const forgeReceipts = async (to: string, ids: readonly string[]): Promise<void> => {
    const forger = client({ service: `xmpp://127.0.0.1:${server.port}`, domain: 'localhost', username: 'sg', password: 'sg-pw', resource: 'forger' });
    (forger as unknown as { timeout: number }).timeout = 30_000;
    forger.on('error', () => {});
    try {
      await forger.start();
      const unknown = Array.from({ length: 3000 }, (_, i) => `unknown-${i}-${'x'.repeat(i % 40)}`);
      for (const chunk of [ids, unknown.slice(0, 1000), unknown.slice(1000, 2000), unknown.slice(2000)]) {
        await forger.send(xml('message', { to, id: `forged-${chunk.length}` }, ...chunk.map((id) => xml('received', { xmlns: 'urn:xmpp:receipts', id }))));
      }
      // and as wubot's own receipt list, well formed and not
      for (const text of [JSON.stringify(ids), JSON.stringify(unknown.slice(0, 1000)), '{"ids":[]}', '[1,null,{"a":2}]', 'not json', `[${'"'.repeat(5000)}`, '']) {
        await forger.send(xml('message', { to, id: `forged-list-${text.length}` }, xml('receipts', { xmlns: 'https://wubot.invalid/receipts' }, text)));
      }
      await forger.iqCaller.request(xml('iq', { type: 'get', to: 'localhost' }, xml('ping', 'urn:xmpp:ping')), 30_000);
    } finally {
      await forger.stop();
    }
  };

  it('keeps what the recipient did not confirm, and sends it again, in order, after the server restarted; receipts from anyone else count for nothing', async () => {
    const got: Incoming[] = [];
    const events: LinkEvent[] = [];
    const peer = new XmppLink(
      { host: '127.0.0.1', port: server.port, domain: 'localhost', username: 'sb', password: 'sb-pw', resource: 'wubot', log: memoryLog(), peers: ['sa@localhost'], minDelayMs: 200, receipts: true },
      (m) => got.push(m),
      (e) => events.push(e),
    );
    try {
      await peer.start();
      const sender = wubotHome('sa', { 'plugins/XMPP/link.yaml': xmppConfig(server.port, 'sa', 'sb', { directory: 'outbox' }) });
      await daemons.start('monitor', sender, 'sa');
      assert.ok(await waitFor(() => events.some((e) => e.kind === 'peer' && e.jid === 'sa@localhost' && e.available && e.receipts), 30_000), 'no presence with receipts from the sender');
      burst(sender, 'sa');
      assert.ok(await waitFor(() => got.length >= N, 30_000), `got ${got.length} of ${N}`);
      const ids = got.map((m) => m.receiptId);
      assert.ok(ids.every((id) => id !== undefined), 'a message without a receipt request');
      await forgeReceipts('sa@localhost/wubot', ids as string[]);
      peer.sendReceipts(ids.slice(0, N / 2).map((id) => ({ to: 'sa@localhost/wubot', id: id! })));
      assert.ok(await waitFor(() => pending(sender) === N / 2, 30_000), `${pending(sender)} still queued, not ${N / 2}`);
      server.restart();
      assert.ok(await waitFor(() => got.length >= N + N / 2, 60_000), `after the restart got ${got.length - N} of the ${N / 2} unconfirmed again`);
      assert.deepEqual(
        got.slice(N, N + N / 2).map((m) => m.receiptId),
        ids.slice(N / 2),
      );
      assert.ok(await waitFor(() => peer.isOnline, 30_000));
      peer.sendReceipts(ids.slice(N / 2).map((id) => ({ to: 'sa@localhost/wubot', id: id! })));
      assert.ok(await waitFor(() => pending(sender) === 0, 30_000), `${pending(sender)} still queued after all receipts`);
    } finally {
      await peer.stop();
    }
  });

  /** archived counts the messages the recipient's archive holds, asked by a session of its account that sends no presence (so it is not there for them) */
  const archived = async (user: string): Promise<number> => {
    const probe = client({ service: `xmpp://127.0.0.1:${server.port}`, domain: 'localhost', username: user, password: `${user}-pw`, resource: 'probe' });
    (probe as unknown as { timeout: number }).timeout = 30_000;
    probe.on('error', () => {});
    let count = 0;
    probe.on('stanza', (s) => {
      if (s.is('message') && s.getChild('result', 'urn:xmpp:mam:2')) count++;
    });
    try {
      await probe.start();
      await probe.iqCaller.request(xml('iq', { type: 'set' }, xml('query', { xmlns: 'urn:xmpp:mam:2', queryid: 'q' })), 30_000);
      return count;
    } finally {
      await probe.stop();
    }
  };

  it('a sender restarted while its recipient is away still waits for the recipient\'s receipts', async () => {
    const got: Incoming[] = [];
    const events: LinkEvent[] = [];
    const recipient = () =>
      new XmppLink(
        { host: '127.0.0.1', port: server.port, domain: 'localhost', username: 'si', password: 'si-pw', resource: 'wubot', log: memoryLog(), peers: ['sh@localhost'], receipts: true },
        (m) => got.push(m),
        (e) => events.push(e),
      );
    const sender = wubotHome('sh', { 'plugins/XMPP/link.yaml': xmppConfig(server.port, 'sh', 'si', { directory: 'outbox' }) });
    const remembered = () => readQueue(join(sender, 'outbox'), undefined, (db) => db.prepare("SELECT value FROM message_queue_cursor WHERE name = 'xmpp-receipts:si@localhost'").pluck().get() as string | undefined);
    let peer = recipient();
    await peer.start();
    let daemon = await daemons.start('monitor', sender, 'sh');
    assert.ok(await waitFor(() => remembered() === '1', 30_000), 'the sender did not note that its recipient sends receipts');
    await daemons.stop(daemon);
    await peer.stop();
    // the sender comes back (a reboot) while its recipient is away: the server's word is not enough
    burst(sender, 'sh');
    daemon = await daemons.start('monitor', sender, 'sh');
    let kept = 0;
    for (const deadline = Date.now() + 60_000; kept < N && Date.now() < deadline; ) kept = await archived('si');
    assert.equal(kept, N, 'the server did not get them all');
    peer = recipient();
    try {
      await peer.start();
      assert.ok(await waitFor(() => got.length >= N, 30_000), `got ${got.length} of ${N}`);
      assert.equal(pending(sender), N, 'messages the recipient never confirmed were taken off the queue on the server\'s word');
      assert.deepEqual(got.slice(0, N).map((m) => (decodeBody(m.body) as { n: number }).n), Array.from({ length: N }, (_, i) => i));
      peer.sendReceipts(got.map((m) => ({ to: 'sh@localhost/wubot', id: m.receiptId! })));
      assert.ok(await waitFor(() => pending(sender) === 0, 30_000), `${pending(sender)} still queued after the receipts`);
    } finally {
      await peer.stop();
    }
  });

  it('an instance that only receives leaves its directory alone, though it is the reactor\'s queue', async () => {
    const home = wubotHome('sj', {
      'plugins/XMPP/in.yaml': `account: sj@localhost\npassword: sj-pw\nhost: 127.0.0.1\nport: ${server.port}\ndirectory: reactor\nallow: [sk@localhost]\ndelay: 0.2\n`,
      'reactor.yaml': 'rules: []\n',
    });
    await daemons.start('reactor', home, 'sj');
    await daemons.start('monitor', home, 'sj');
    const peer = new XmppLink({ host: '127.0.0.1', port: server.port, domain: 'localhost', username: 'sk', password: 'sk-pw', resource: 'wubot', log: memoryLog() }, () => {});
    try {
      await peer.start();
      const all = () => queueMessages(join(home, 'reactor'));
      assert.ok(await waitFor(() => all().some((m) => m.subject === 'XMPP: session ready'), 30_000), 'the instance never started');
      // checks run every 0.2 s: a few of them, then a message through
      assert.equal((await peer.sendBatch([{ id: 'in-1', to: 'sj@localhost', body: encodeBody({ key: 'Test-in', subject: 'came in' }) }])).size, 0);
      assert.ok(await waitFor(() => all().some((m) => m.subject === 'came in'), 30_000), 'the message did not come in');
      assert.deepEqual(all().filter((m) => String(m.subject).startsWith('XMPP: ERROR')).map((m) => m.subject), []);
    } finally {
      await peer.stop();
    }
  });

  it('takes a message off the queue on the server\'s word for a recipient that sends no receipts (an original host)', async () => {
    const perl = client({ service: `xmpp://127.0.0.1:${server.port}`, domain: 'localhost', username: 'sd', password: 'sd-pw', resource: 'perl' });
    let count = 0;
    // @xmpp/client gives the server 2 s to open the stream, which a busy machine can take
    (perl as unknown as { timeout: number }).timeout = 30_000;
    perl.on('error', () => {});
    perl.on('stanza', (s) => {
      if (s.is('message') && s.getChild('body')) count++;
    });
    try {
      await perl.start();
      await perl.send(xml('presence'));
      const sender = wubotHome('sc', { 'plugins/XMPP/link.yaml': xmppConfig(server.port, 'sc', 'sd', { directory: 'outbox' }) });
      burst(sender, 'sc');
      await daemons.start('monitor', sender, 'sc');
      assert.ok(await waitFor(() => count >= N, 30_000), `got ${count} of ${N}`);
      assert.ok(await waitFor(() => pending(sender) === 0, 30_000), `${pending(sender)} still queued`);
    } finally {
      await perl.stop();
    }
  });

  it('sends what is written while earlier messages still wait for the server\'s answer', async () => {
    // a gate in front of the server holds back all the server says to the sender: its answers to the pings
    // after each batch, as a server's Nagle algorithm holds a small answer until the sender's delayed ACK
    let held: [Socket, Buffer][] | undefined;
    const open = new Set<Socket>();
    const gate = createServer((sock) => {
      const up = connect(server.port, '127.0.0.1');
      open.add(sock).add(up);
      sock.pipe(up);
      up.on('data', (d: Buffer) => (held ? held.push([sock, d]) : sock.write(d)));
      up.on('error', () => sock.destroy());
      sock.on('error', () => up.destroy());
      up.on('close', () => sock.destroy());
      sock.on('close', () => up.destroy());
    });
    await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
    const got: Incoming[] = [];
    const events: LinkEvent[] = [];
    const peer = new XmppLink(
      { host: '127.0.0.1', port: server.port, domain: 'localhost', username: 'sf', password: 'sf-pw', resource: 'wubot', log: memoryLog(), peers: ['se@localhost'], receipts: true },
      (m) => got.push(m),
      (e) => events.push(e),
    );
    try {
      await peer.start();
      const sender = wubotHome('se', { 'plugins/XMPP/link.yaml': xmppConfig((gate.address() as AddressInfo).port, 'se', 'sf', { directory: 'outbox' }) });
      const daemon = await daemons.start('monitor', sender, 'se');
      assert.ok(await waitFor(() => events.some((e) => e.kind === 'peer' && e.jid === 'se@localhost' && e.available && e.receipts), 30_000), 'no presence from the sender');
      // and the sender has heard this side's presence, which the gate would otherwise hold back with the rest:
      // a sender that never hears it sends after a wait, while its link hears nothing from the server
      assert.ok(await waitFor(() => saysReceipts(sender, 'sf@localhost'), 30_000), 'the sender never heard that the receiver sends receipts');
      held = [];
      burst(sender, 'se', 1);
      assert.ok(await waitFor(() => got.length === 1, 30_000), 'the first message did not come');
      // its batch now waits for the server's answer, which the gate holds: the next message goes all the same
      burst(sender, 'se', 1);
      assert.ok(await waitFor(() => got.length === 2, 30_000), `a message written while the one before waited for the server's answer waited with it; the sender said:\n${daemon.log.slice(-3000)}`);
      for (const [sock, d] of held) sock.write(d);
      held = undefined;
      peer.sendReceipts(got.map((m) => ({ to: 'se@localhost/wubot', id: m.receiptId! })));
      assert.ok(await waitFor(() => pending(sender) === 0, 30_000), `${pending(sender)} still queued after the receipts`);
    } finally {
      await peer.stop();
      for (const sock of open) sock.destroy();
      await new Promise((r) => gate.close(r));
    }
  });
});
