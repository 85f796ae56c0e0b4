import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import type { Logger } from '../../../runtime/pipeline-api.js';
import type { ArchivePage } from '../../../runtime/xmpp/link.js';
import { encodeBody } from '../../../runtime/xmpp/wire.js';
import { Receiver } from '../../../stdlib/monitors/xmpp-receiver.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

it('a closed receiver asks the archive no more, and a failing one asks less and less often', async () => {
  const asked: number[] = [];
  let third: () => void = () => {};
  const reachedThird = new Promise<void>((r) => (third = r));
  const source = {
    archivePage(): Promise<ArchivePage> {
      asked.push(performance.now());
      if (asked.length === 3) third();
      return Promise.reject(new Error('the server is too busy'));
    },
    sendReceipts() {},
  };
  const receiver = new Receiver(source, { me: 'b@localhost', allowed: new Set(['a@localhost']), maxBody: 1 << 20, log: quiet, emit() {}, retryMs: 5 });
  // the receiver's retry timer does not hold the process: this does, while the test waits for it
  const hold = setInterval(() => {}, 1000);
  await receiver.connected();
  await reachedThird;
  clearInterval(hold);
  // 5 ms, then 10 ms: each wait after a failure in a row is longer than the one before. A busy machine may
  // stretch the first past the second, and a timer may fire up to a millisecond before performance.now()
  // says it is due (measured 10.2 ms, then 9.8 ms beside stress-ng): the second is checked for its own length.
  assert.ok(asked[2] - asked[1] >= 9, `waits ${asked[1] - asked[0]}, ${asked[2] - asked[1]} ms`);
  receiver.close();
  const after = asked.length;
  // without the close, the next tries would come 20, 40 and 80 ms on
  await sleep(300);
  assert.equal(asked.length, after, 'asked the archive after it closed');
  await receiver.connected();
  assert.equal(asked.length, after, 'a closed receiver started a catch-up');
});

it('stores a light stream as it comes, and a burst in groups', async () => {
  const source = { archivePage: (): Promise<ArchivePage> => Promise.resolve({ messages: [], complete: true }), sendReceipts() {} };
  const stores: number[] = [];
  const receiver = new Receiver(source, { me: 'b@localhost', allowed: new Set(['a@localhost']), maxBody: 1 << 20, log: quiet, emit: (ms) => void stores.push(ms.length) });
  await receiver.connected();
  let n = 0;
  const take = () => receiver.take({ from: 'a@localhost/wubot', body: encodeBody({ n: n++ }) });
  const turn = () => new Promise((r) => setImmediate(r));
  // 500 a second, one message a read: nothing waits for more to come
  for (let i = 0; i < 100; i++) {
    take();
    await sleep(2);
  }
  await turn();
  assert.equal(stores.reduce((a, b) => a + b, 0), 100);
  assert.ok(Math.max(...stores) <= 5, `a light stream was grouped: ${stores.join(' ')}`);
  // ten messages a read, read after read: stored together, in far fewer transactions than reads
  stores.length = 0;
  for (let i = 0; i < 300; i++) {
    for (let k = 0; k < 10; k++) take();
    await turn();
  }
  await sleep(50);
  receiver.close();
  assert.equal(stores.reduce((a, b) => a + b, 0), 3000);
  assert.ok(stores.length < 100 && Math.max(...stores) > 10, `a burst of 300 reads was stored in ${stores.length} transactions: ${stores.join(' ')}`);
});
