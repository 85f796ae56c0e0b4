import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { QueueReader, type Claimed } from '../../../runtime/queue/queue-reader.js';
import { QueueWake, type WaitResult } from '../../../runtime/queue/queue-wake.js';
import { QueueWriter } from '../../../runtime/queue/queue-writer.js';
import { Reactor } from '../../../apps/wubot/reactor.js';
import { memoryLog, queueMessages, repoRoot, sleep, startDaemon, startProsody, stopChild, tempDir, waitFor, wubotHome, xmppConfig, type Prosody } from '../../helpers.js';

const run = promisify(execFile);

/** LONG_MS: a fallback poll no test waits for; a wait that ends before it was ended by a write. */
const LONG_MS = 30_000;

/** writeFrom appends `n` messages to a queue from a process of its own, as a writer of this version does. */
function writeFrom(dir: string, n: number, tag = 'w'): Promise<unknown> {
  const writer = join(repoRoot, 'dist', 'runtime', 'queue', 'queue-writer.js');
  const script = `import { QueueWriter } from ${JSON.stringify(writer)};
const w = QueueWriter.open(${JSON.stringify(dir)}, { hostname: 'child' });
for (let i = 0; i < ${n}; i++) w.append([{ tag: ${JSON.stringify(tag)}, n: i }]);
w.close();`;
  return run(process.execPath, ['--input-type=module', '-e', script]);
}

/** writeUnsignalled inserts a row with plain SQLite from another process, as a writer that does not signal would. */
function writeUnsignalled(dir: string): Promise<unknown> {
  const script = `import Database from 'better-sqlite3';
const db = new Database(${JSON.stringify(join(dir, 'queue.sqlite'))});
db.pragma('busy_timeout = 10000');
db.prepare("INSERT INTO message_queue (uid, data) VALUES ('old-1', '{\\"tag\\":\\"old\\"}')").run();
db.close();`;
  return run(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot });
}

/** readAll claims until `n` messages came, waiting between claims; it returns them and how each wait ended. */
async function readAll(r: QueueReader, wake: QueueWake, n: number, waitMs: number): Promise<{ got: Claimed[]; waits: WaitResult[] }> {
  const got: Claimed[] = [];
  const waits: WaitResult[] = [];
  for (;;) {
    const claimed = r.claim(100);
    r.ack(claimed);
    got.push(...claimed);
    if (got.length >= n) return { got, waits };
    waits.push(await wake.wait(waitMs));
  }
}

describe('queue wake-ups', () => {
  it('wakes a reader at a write from another process, before any fallback poll, from a queue whose wake file did not exist yet', async () => {
    const dir = tempDir('wubot-wake-');
    const r = QueueReader.open(dir);
    const wake = new QueueWake(dir);
    assert.ok(wake.watching);
    const writing = writeFrom(dir, 1);
    const { got, waits } = await readAll(r, wake, 1, LONG_MS);
    await writing;
    wake.close();
    r.close();
    assert.deepEqual(got.map((c) => c.message.tag), ['w']);
    assert.ok(waits.length >= 1 && waits.every((w) => w === 'written'), `waits ended as ${waits.join(', ')}`);
  });

  it('misses nothing from several writers at once, each wait ended by a write', async () => {
    const dir = tempDir('wubot-wake-');
    const r = QueueReader.open(dir);
    const wake = new QueueWake(dir);
    const writing = Promise.all(['a', 'b', 'c'].map((tag) => writeFrom(dir, 50, tag)));
    const { got, waits } = await readAll(r, wake, 150, LONG_MS);
    await writing;
    wake.close();
    r.close();
    for (const tag of ['a', 'b', 'c']) {
      assert.deepEqual(got.filter((c) => c.message.tag === tag).map((c) => c.message.n), Array.from({ length: 50 }, (_, i) => i));
    }
    assert.ok(waits.every((w) => w === 'written'), `waits ended as ${waits.join(', ')}`);
  });

  it('still delivers a write that signalled nothing, at the fallback poll', async () => {
    const dir = tempDir('wubot-wake-');
    const r = QueueReader.open(dir);
    const wake = new QueueWake(dir);
    const reading = readAll(r, wake, 1, 200);
    await writeUnsignalled(dir);
    const { got, waits } = await reading;
    wake.close();
    r.close();
    assert.deepEqual(got.map((c) => c.message.tag), ['old']);
    assert.ok(waits.length >= 1 && waits.every((w) => w === 'timeout'), `waits ended as ${waits.join(', ')}`);
  });

  it('keeps a signal that came while the reader was busy, wakes a reader in the writer\'s own process, and ends waits at close', async () => {
    const dir = tempDir('wubot-wake-');
    const wake = new QueueWake(dir);
    const w = QueueWriter.open(dir);
    w.append([{ n: 1 }]);
    assert.equal(await wake.wait(LONG_MS), 'written');
    const waiting = wake.wait(LONG_MS);
    w.append([{ n: 2 }]);
    assert.equal(await waiting, 'written');
    const closing = wake.wait(LONG_MS);
    wake.close();
    assert.equal(await closing, 'closed');
    assert.equal(await wake.wait(LONG_MS), 'closed');
    w.close();
  });

  it('lets an idle reactor sleep: its own acknowledgements do not wake it, a write from another process does, and stop ends its wait', async () => {
    const h = wubotHome('idle', { 'reactor.yaml': 'rules: []\n' });
    const r = new Reactor({ home: h, hostname: 'idle', log: memoryLog(), fallbackMs: LONG_MS });
    assert.ok(await r.start());
    const running = r.run();
    await writeFrom(join(h, 'reactor'), 1);
    assert.ok(await waitFor(() => r.handled === 1));
    // the batch, then one empty claim at most, then nothing while nothing is written
    await sleep(1000);
    const steps = r.steps;
    await sleep(1000);
    assert.equal(r.steps, steps, 'an idle reactor kept claiming');
    assert.ok(steps <= 4, `${steps} claims for one message`);
    await writeFrom(join(h, 'reactor'), 1);
    assert.ok(await waitFor(() => r.handled === 2));
    r.stop();
    await running;
    r.close();
  });
});

describe('a monitor instance that reads a queue', () => {
  let server: Prosody;
  before(async () => {
    server = await startProsody(['wa', 'wb']);
  });
  after(() => server.stop());

  it('is checked when that queue is written, long before its delay', async () => {
    const a = wubotHome('wa', { 'plugins/XMPP/link.yaml': xmppConfig(server.port, 'wa', 'wb', { delay: '1h' }) });
    const b = wubotHome('wb', { 'plugins/XMPP/link.yaml': xmppConfig(server.port, 'wb', 'wa', { delay: '1h' }) });
    const procs = [await startDaemon('monitor', b, 'wb'), await startDaemon('monitor', a, 'wa')];
    try {
      // a's first check (at start) connected it; its next one is an hour away
      assert.ok(await waitFor(() => queueMessages(join(a, 'reactor')).some((m) => m.subject === 'XMPP: session ready')));
      await writeFrom(join(a, 'forward'), 3, 'woken');
      assert.ok(await waitFor(() => queueMessages(join(b, 'reactor')).filter((m) => m.tag === 'woken').length === 3), 'the messages did not arrive before the next scheduled check');
    } finally {
      await Promise.all(procs.map((p) => stopChild(p)));
    }
  });
});
