import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../runtime/pipeline-api.js';
import { decodeBody, encodeBody } from '../runtime/xmpp/wire.js';
import { XmppLink, type Incoming } from '../runtime/xmpp/link.js';
import { memoryLog, sleep, startProsody, type Prosody } from './helpers.js';

/* A real Prosody on 127.0.0.1, one server for this file. */
describe('XMPP link through Prosody', () => {
  let server: Prosody;
  let port = 0;

  before(async () => {
    server = await startProsody(['alice', 'bob', 'carol'], { XMPP_OFFLINE_LIMIT: '50' });
    port = server.port;
  });

  after(() => server.stop());

  const link = (user: string, got: Incoming[]) =>
    new XmppLink(
      { service: `xmpp://127.0.0.1:${port}`, domain: 'localhost', username: user, password: `${user}-pw`, resource: 'wubot', log: memoryLog() },
      (m) => got.push(m),
    );

  it('carries messages in order, and keeps them for a bot that was offline', async () => {
    const bobGot: Incoming[] = [];
    const alice = link('alice', []);
    let bob = link('bob', bobGot);
    await alice.start();
    await bob.start();
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `m${from + i}`, to: 'bob@localhost', body: encodeBody({ n: from + i, subject: `é ${from + i}` }) }));
    assert.equal((await alice.sendBatch(batch(0, 200))).size, 0);
    for (let t = 0; bobGot.length < 200 && t < 200; t++) await sleep(25);
    await bob.stop();
    assert.equal((await alice.sendBatch(batch(200, 20))).size, 0);
    bob = link('bob', bobGot);
    await bob.start();
    for (let t = 0; bobGot.length < 220 && t < 200; t++) await sleep(25);
    const ns = bobGot.map((m) => (decodeBody(m.body) as Message).n);
    assert.deepEqual(ns, Array.from({ length: 220 }, (_, i) => i));
    assert.ok(bobGot.every((m) => m.from.startsWith('alice@localhost/')));
    assert.equal((decodeBody(bobGot[0].body) as Message).subject, 'é 0');
    await bob.stop();
    await alice.stop();
  });

  it('reports the messages the server bounced, by id', async () => {
    const alice = link('alice', []);
    await alice.start();
    const msgs = Array.from({ length: 55 }, (_, i) => ({ id: `c${i}`, to: 'carol@localhost', body: encodeBody({ n: i }) }));
    const bounced = await alice.sendBatch(msgs);
    await alice.stop();
    assert.deepEqual([...bounced.keys()], ['c50', 'c51', 'c52', 'c53', 'c54']);
    assert.match([...bounced.values()][0], /service-unavailable/);
  });
});
