import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ID_FIELD } from '../../../runtime/queue/message-id.js';
import { QueueBusyError, QueueReader } from '../../../runtime/queue/queue-reader.js';
import { QueueWriter } from '../../../runtime/queue/queue-writer.js';
import { memoryLog, repoRoot, tempDir } from '../../helpers.js';

describe('queue', () => {
  it('appends in order, claims oldest first, and stamps id, lastupdate and hostname', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir, { hostname: 'navi' });
    const msgs = [{ subject: 'a' }, { subject: 'b', lastupdate: 5, hostname: 'kitt' }, { subject: 'c' }];
    assert.equal(w.append(msgs), 3);
    assert.equal(typeof msgs[0][ID_FIELD as 'subject'], 'string');
    const r = QueueReader.open(dir);
    const got = r.claim(10);
    assert.deepEqual(got.map((c) => c.message.subject), ['a', 'b', 'c']);
    assert.equal(got[0].message.hostname, 'navi');
    assert.equal(got[1].message.hostname, 'kitt');
    assert.equal(got[1].message.lastupdate, 5);
    assert.ok(Number(got[0].message.lastupdate) > 1_700_000_000);
    assert.notEqual(got[0].uid, got[2].uid);
    r.close();
    w.close();
  });

  it('delivers again what was claimed but not acknowledged', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    w.append([{ n: 1 }, { n: 2 }, { n: 3 }]);
    let r = QueueReader.open(dir);
    const first = r.claim(2);
    r.ack(first.slice(0, 1));
    assert.deepEqual(r.claim(10).map((c) => c.message.n), [3]);
    r.close();
    r = QueueReader.open(dir);
    assert.deepEqual(r.claim(10).map((c) => c.message.n), [2, 3]);
    r.close();
    w.close();
  });

  it('stores a message with an id it already holds only once', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    const m = { subject: 'x' };
    assert.equal(w.append([m]), 1);
    assert.equal(w.append([structuredClone(m)]), 0);
    const r = QueueReader.open(dir);
    assert.equal(r.claim(10).length, 1);
    r.close();
    w.close();
  });

  it('refuses a second reader, in this process and in another', () => {
    const dir = tempDir();
    const r = QueueReader.open(dir);
    assert.throws(() => QueueReader.open(dir), QueueBusyError);
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import { QueueReader } from ${JSON.stringify(join(repoRoot, 'dist/runtime/queue/queue-reader.js'))}; try { QueueReader.open(${JSON.stringify(dir)}); console.log('opened'); } catch (e) { console.log(e.message); }`],
      { encoding: 'utf8' },
    );
    assert.match(child.stdout, /already has a reader \(pid \d+\)/);
    r.close();
    QueueReader.open(dir).close();
  });

  it('moves undecodable rows to the rejected table with the reason', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    w.append([{ n: 1 }, { n: 2 }]);
    w.close();
    const db = new Database(join(dir, 'queue.sqlite'));
    db.prepare("UPDATE message_queue SET data = '{broken' WHERE id = 1").run();
    db.close();
    const r = QueueReader.open(dir);
    assert.deepEqual(r.claim(10).map((c) => c.message.n), [2]);
    r.close();
    const check = new Database(join(dir, 'queue.sqlite'), { readonly: true });
    const rejected = check.prepare('SELECT id, reason FROM message_queue_rejected').all() as { id: number; reason: string }[];
    check.close();
    assert.equal(rejected.length, 1);
    assert.match(rejected[0].reason, /not JSON/);
  });

  it('moves a corrupt queue file aside, says so, and starts a new one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'queue.sqlite'), 'this is not a database, but it is long enough to have a header.'.repeat(100));
    const log = memoryLog();
    const w = QueueWriter.open(dir, { log });
    assert.equal(w.append([{ n: 1 }]), 1);
    w.close();
    assert.ok(readdirSync(dir).some((f) => f.startsWith('queue.sqlite.damaged-')));
    assert.match(log.lines.join('\n'), /error queue file is damaged; saved what could be read into a new file and moved the damaged one aside.*movedTo.*"saved":0/);
  });

  it('keeps a failed message in the dead-letter table with the rule and error', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    w.append([{ n: 1 }, { n: 2 }]);
    const r = QueueReader.open(dir);
    const [a] = r.claim(1);
    r.deadLetter(a, 'forward', 'disk full');
    r.close();
    const r2 = QueueReader.open(dir);
    assert.deepEqual(r2.claim(10).map((c) => c.message.n), [2]);
    r2.close();
    const db = new Database(join(dir, 'queue.sqlite'), { readonly: true });
    const dead = db.prepare('SELECT rule, error, data FROM message_queue_dead').get() as { rule: string; error: string; data: string };
    db.close();
    assert.equal(dead.rule, 'forward');
    assert.equal(dead.error, 'disk full');
    assert.equal((JSON.parse(dead.data) as { n: number }).n, 1);
    w.close();
  });

  it('purges acknowledged rows after the retention time, never pending ones', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    w.append([{ n: 1 }, { n: 2 }]);
    const r = QueueReader.open(dir, { retentionMs: 1000 });
    r.ack(r.claim(1));
    assert.equal(r.purge(Date.now() + 500), 0);
    assert.equal(r.purge(Date.now() + 5000), 1);
    r.rewind();
    assert.deepEqual(r.claim(10).map((c) => c.message.n), [2]);
    r.close();
    w.close();
    assert.ok(existsSync(join(dir, 'queue.sqlite')));
  });

  it('acknowledges in ranges: one row for a run of batches, out-of-order acks kept apart, only pending rows after a restart', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    for (let i = 0; i < 30; i++) w.append(Array.from({ length: 10 }, (_, j) => ({ n: i * 10 + j })));
    let r = QueueReader.open(dir);
    for (let i = 0; i < 20; i++) r.ack(r.claim(10));
    const a = r.claim(10);
    const b = r.claim(10);
    r.ack(b);
    r.ack(b); // twice is harmless
    r.close();
    const db = new Database(join(dir, 'queue.sqlite'), { readonly: true });
    assert.deepEqual(db.prepare('SELECT lo, hi FROM message_queue_acked ORDER BY lo').raw(true).all(), [[1, 200], [211, 220]]);
    assert.equal((db.prepare('SELECT count(*) AS n FROM message_queue_state WHERE acked_at IS NULL').get() as { n: number }).n, 90);
    db.close();
    r = QueueReader.open(dir);
    const again = r.claim(1000).map((c) => c.message.n);
    assert.deepEqual(again, [...a.map((c) => c.message.n), ...Array.from({ length: 80 }, (_, k) => 220 + k)]);
    r.close();
    w.close();
  });

  it('keeps a new id out of the stored JSON and gives it back when read; a given id is kept as it came', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    const fresh = { subject: 'new' };
    w.append([fresh, { subject: 'old', [ID_FIELD]: 'from-elsewhere-1' }]);
    w.close();
    const db = new Database(join(dir, 'queue.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT uid, data FROM message_queue ORDER BY id').all() as { uid: string; data: string }[];
    db.close();
    assert.equal(rows[0].uid, (fresh as Record<string, unknown>)[ID_FIELD]);
    assert.ok(!rows[0].data.includes(ID_FIELD));
    assert.equal(rows[1].uid, 'from-elsewhere-1');
    const r = QueueReader.open(dir);
    assert.deepEqual(r.claim(10).map((c) => c.message[ID_FIELD]), [rows[0].uid, 'from-elsewhere-1']);
    r.close();
  });

  it('turns the per-row seen times of an older queue file into acknowledged ranges, losing nothing', () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'queue.sqlite'));
    db.exec(`CREATE TABLE message_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, data TEXT NOT NULL, seen INTEGER);
      CREATE INDEX message_queue_pending ON message_queue (id) WHERE seen IS NULL;
      INSERT INTO message_queue (uid, data, seen) VALUES ('a', '{"n":1}', 1764300000000), ('b', '{"n":2}', NULL), ('c', '{"n":3}', 1764300000000);`);
    db.close();
    const r = QueueReader.open(dir);
    assert.deepEqual(r.claim(10).map((c) => [c.uid, c.message.n]), [['b', 2]]);
    r.close();
  });

  it('appends a large batch in order, storing each id once, across the chunks it is inserted in', () => {
    const dir = tempDir();
    const w = QueueWriter.open(dir);
    // 123 messages: two whole chunks and a rest; every tenth repeats the id of the one before it
    const msgs = Array.from({ length: 123 }, (_, n) => ({ n, [ID_FIELD]: `m-${n % 10 === 9 ? n - 1 : n}` }));
    assert.equal(w.append(msgs), 123 - 12);
    assert.equal(w.append(msgs.slice(0, 60)), 0);
    const r = QueueReader.open(dir);
    assert.deepEqual(
      r.claim(500).map((c) => c.message.n),
      msgs.filter((m) => m.n % 10 !== 9).map((m) => m.n),
    );
    r.close();
    w.close();
  });
});
