import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLogger } from '../../runtime/log.js';
import { damage, hasQueueTables, QUEUE_FILE } from '../../runtime/queue/queue-db.js';
import { QueueWriter } from '../../runtime/queue/queue-writer.js';
import { decodeRow } from '../../runtime/queue/row-codec.js';
import { hostnameOf, type Flags } from './command-context.js';

async function push(dir: string, flags: Flags): Promise<number> {
  const writer = QueueWriter.open(dir, { hostname: hostnameOf(flags), log: createLogger() });
  let batch: Record<string, unknown>[] = [];
  let lineNo = 0;
  let bad = 0;
  let added = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
      batch.push(v as Record<string, unknown>);
    } catch (e) {
      bad++;
      process.stderr.write(`line ${lineNo}: ${(e as Error).message}\n`);
    }
    if (batch.length >= 1000) {
      added += writer.append(batch);
      batch = [];
    }
  }
  added += writer.append(batch);
  writer.close();
  process.stderr.write(`${added} messages appended to ${dir}\n`);
  return bad > 0 ? 1 : 0;
}

function openReadonly(dir: string): Database.Database | undefined {
  const file = join(dir, QUEUE_FILE);
  if (!existsSync(file)) {
    process.stderr.write(`wubot: ${dir} is not a queue directory (no ${QUEUE_FILE})\n`);
    return undefined;
  }
  const db = new Database(file, { readonly: true });
  const problem = damage(db);
  if (problem) {
    db.close();
    process.stderr.write(`wubot: the queue in ${dir} is damaged: ${problem} (the reactor salvages what it can when it next opens it)\n`);
    return undefined;
  }
  if (!hasQueueTables(db)) {
    db.close();
    process.stderr.write(`wubot: ${dir} has no queue tables yet (a process is creating the queue, or it is not a wubot queue)\n`);
    return undefined;
  }
  return db;
}

function dump(dir: string): number {
  const db = openReadonly(dir);
  if (!db) return 2;
  const out = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
  for (const r of db.prepare('SELECT id, uid, acked_at, data FROM message_queue_state ORDER BY id').iterate() as Iterable<{ id: number; uid: string; acked_at: number | null; data: string }>) {
    const m = decodeRow(r.uid, r.data);
    const state = r.acked_at === null ? 'pending' : 'acked';
    out(typeof m === 'string' ? { row: r.id, id: r.uid, state, unreadable: m, data: r.data } : { row: r.id, id: r.uid, state, acked_at: r.acked_at ?? undefined, message: m });
  }
  for (const r of db.prepare('SELECT id, reason, data FROM message_queue_rejected ORDER BY id').iterate() as Iterable<{ id: number; reason: string; data: string }>) {
    out({ row: r.id, state: 'rejected', reason: r.reason, data: r.data });
  }
  for (const r of db.prepare('SELECT id, uid, rule, error, data FROM message_queue_dead ORDER BY id').iterate() as Iterable<{ id: number; uid: string; rule: string; error: string; data: string }>) {
    const m = decodeRow(r.uid, r.data);
    out({ row: r.id, id: r.uid, state: 'dead', rule: r.rule, error: r.error, ...(typeof m === 'string' ? { unreadable: m, data: r.data } : { message: m }) });
  }
  db.close();
  return 0;
}

function stats(dir: string): number {
  const db = openReadonly(dir);
  if (!db) return 2;
  const one = (sql: string) => (db.prepare(sql).get() as { n: number | null } | undefined)?.n ?? null;
  const result = {
    pending: one('SELECT count(*) AS n FROM message_queue_state WHERE acked_at IS NULL'),
    acked: one('SELECT count(*) AS n FROM message_queue_state WHERE acked_at IS NOT NULL'),
    rejected: one('SELECT count(*) AS n FROM message_queue_rejected'),
    dead: one('SELECT count(*) AS n FROM message_queue_dead'),
    oldest_pending_lastupdate: one("SELECT json_extract(data, '$.lastupdate') AS n FROM message_queue_state WHERE acked_at IS NULL ORDER BY id LIMIT 1"),
  };
  db.close();
  process.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}

/** queueCommand is `wubot queue push|dump|stats <dir>`. */
export async function queueCommand(args: string[], flags: Flags): Promise<number> {
  const [verb, dir] = args;
  if (!dir || args.length !== 2) {
    process.stderr.write('usage: wubot queue push|dump|stats <dir>\n');
    return 2;
  }
  if (verb === 'push') return push(dir, flags);
  if (verb !== 'dump' && verb !== 'stats') {
    process.stderr.write(`wubot: unknown queue command \`${verb}\`\n`);
    return 2;
  }
  try {
    return verb === 'dump' ? dump(dir) : stats(dir);
  } catch (e) {
    // a damaged, truncated or foreign file: one line, no stack trace (the reactor salvages a damaged queue when it opens it)
    if (!(e instanceof Database.SqliteError)) throw e;
    process.stderr.write(`wubot: cannot read the queue in ${dir}: ${e.message}\n`);
    return 1;
  }
}
