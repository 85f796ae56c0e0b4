import Database from 'better-sqlite3';
import { join } from 'node:path';
import { QueueReader } from '../runtime/queue/queue-reader.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import type { Message } from '../runtime/pipeline-api.js';

const BATCH = 500;

/** rawThroughput is plain better-sqlite3: insert a batch, delete it, WAL with synchronous FULL. */
export function rawThroughput(dir: string, messages: readonly Message[]): number {
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE q (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO q (data) VALUES (?)');
  const select = db.prepare('SELECT id, data FROM q ORDER BY id LIMIT ?');
  const del = db.prepare('DELETE FROM q WHERE id = ?');
  const put = db.transaction((ms: readonly Message[]) => {
    for (const m of ms) insert.run(JSON.stringify(m));
  });
  const take = db.transaction(() => {
    for (const r of select.all(BATCH) as { id: number; data: string }[]) {
      JSON.parse(r.data);
      del.run(r.id);
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += BATCH) {
    put(messages.slice(i, i + BATCH));
    take();
  }
  const s = (performance.now() - t0) / 1000;
  db.close();
  return messages.length / s;
}

/** queueThroughput is our queue: append a batch, claim it, acknowledge it, same durability. */
export function queueThroughput(dir: string, messages: readonly Message[]): number {
  const qdir = join(dir, 'queue');
  const w = QueueWriter.open(qdir, { hostname: 'bench' });
  const r = QueueReader.open(qdir);
  // append stamps the messages it stores, so it gets copies, made before the clock starts
  const fresh = messages.map((m) => ({ ...m }));
  const t0 = performance.now();
  for (let i = 0; i < fresh.length; i += BATCH) {
    w.append(fresh.slice(i, i + BATCH));
    r.ack(r.claim(BATCH));
  }
  const s = (performance.now() - t0) / 1000;
  r.close();
  w.close();
  return messages.length / s;
}
