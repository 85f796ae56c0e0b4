import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../pipeline-api.js';
import { copyReadable, type Salvaged } from './queue-salvage.js';

/** QUEUE_FILE is the SQLite file inside a queue directory. */
export const QUEUE_FILE = 'queue.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS message_queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  uid TEXT NOT NULL UNIQUE,
  data TEXT NOT NULL
);
-- acknowledgements are ranges of row ids, one small row per batch (extended while
-- acks follow each other), so acknowledging never rewrites the messages' pages
CREATE TABLE IF NOT EXISTS message_queue_acked (
  lo INTEGER PRIMARY KEY,
  hi INTEGER NOT NULL,
  at INTEGER NOT NULL
);
-- each message with the time it was acknowledged (NULL while pending), for tools and people
CREATE VIEW IF NOT EXISTS message_queue_state AS
  SELECT m.id, m.uid, m.data, a.at AS acked_at
  FROM message_queue m
  LEFT JOIN message_queue_acked a
    ON a.lo = (SELECT max(lo) FROM message_queue_acked WHERE lo <= m.id) AND a.hi >= m.id;
CREATE TABLE IF NOT EXISTS message_queue_rejected (
  id INTEGER PRIMARY KEY,
  data TEXT,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
-- where a writer's source stands (e.g. the last XMPP archive id received), written in the
-- same transaction as the messages it brought, so a crash can never separate the two;
-- and what a reader learned of where it sends (that an XMPP recipient sends receipts)
CREATE TABLE IF NOT EXISTS message_queue_cursor (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS message_queue_dead (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL,
  data TEXT NOT NULL,
  rule TEXT,
  error TEXT NOT NULL,
  at INTEGER NOT NULL
);
`;

/** READ_CURSOR and WRITE_CURSOR are the statements of message_queue_cursor, for writers and readers alike. */
export const READ_CURSOR = 'SELECT value FROM message_queue_cursor WHERE name = ?';
export const WRITE_CURSOR = 'INSERT OR REPLACE INTO message_queue_cursor (name, value, at) VALUES (?, ?, ?)';

/** hasQueueTables tells whether a queue file has its tables yet (its first opener creates them; a reader may come first). */
export function hasQueueTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'message_queue_state'").get() !== undefined;
}

/** Durability selects SQLite's synchronous mode: `full` survives power loss, `normal` survives a killed process. */
export type Durability = 'full' | 'normal';

/** QueueOptions are shared by queue readers and writers. */
export interface QueueOptions {
  readonly durability?: Durability;
  readonly log?: Logger;
}

/** isCorruption tells whether SQLite failed because a file is damaged or is no database. */
export function isCorruption(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/** setDurability sets how the connection's next commits reach the disk (any time outside a transaction). */
export function setDurability(db: Database.Database, durability: Durability): void {
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
}

function configure(db: Database.Database, durability: Durability): void {
  db.pragma('journal_mode = WAL');
  setDurability(db, durability);
  db.pragma('busy_timeout = 10000');
  // a queue is read front to back once; a small page cache keeps a busy reactor's memory flat
  db.pragma('cache_size = -256');
  // fewer, larger checkpoints: a queue's WAL is mostly appends that are read once soon after
  db.pragma('wal_autocheckpoint = 4000');
  db.transaction(() => {
    db.exec(SCHEMA);
    migrateSeenColumn(db);
  }).immediate();
}

/** migrateSeenColumn turns the per-row `seen` times of queues made by earlier versions into acknowledged ranges (the schema's tables exist by then). */
function migrateSeenColumn(db: Database.Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('message_queue')").pluck().all();
  if (!columns.includes('seen')) return;
  db.exec(`
    INSERT OR IGNORE INTO message_queue_acked (lo, hi, at) SELECT id, id, seen FROM message_queue WHERE seen IS NOT NULL;
    DROP INDEX IF EXISTS message_queue_pending;
    ALTER TABLE message_queue DROP COLUMN seen;
  `);
}

/** damage says what is wrong with an open queue file, or undefined when SQLite finds it sound. */
export function damage(db: Database.Database): string | undefined {
  try {
    const found = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
    return found.length === 1 && found[0].quick_check === 'ok' ? undefined : found.map((r) => r.quick_check).join('; ');
  } catch (e) {
    if (isCorruption(e)) return (e as Error).message;
    throw e;
  }
}

/**
 * salvage replaces a damaged queue file: what can still be read goes into a
 * new file (rows keep their ids), the damaged one is moved aside, and one
 * log line names both and says what was lost, so the queue goes on instead
 * of failing at the same row on every start.
 */
function salvage(file: string, reason: string, durability: Durability, log: Logger | undefined): void {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const fresh = `${file}.salvage-${stamp}`;
  const out = new Database(fresh);
  let saved: Salvaged = { saved: 0, skipped: ['the file could not be read at all'] };
  try {
    configure(out, durability);
    let from: Database.Database | undefined;
    try {
      from = new Database(file, { readonly: true, fileMustExist: true });
      // a truncated file: SQLite reads it as far as it goes only with writable_schema, which defensive mode
      // (better-sqlite3's default) turns off; this connection is read-only, so it cannot harm the file
      from.unsafeMode(true);
      from.pragma('writable_schema = ON');
      const f = from;
      saved = out.transaction(() => copyReadable(f, out))();
    } catch (e) {
      if (!isCorruption(e)) throw e;
    } finally {
      from?.close();
    }
  } finally {
    out.close();
  }
  const aside = `${file}.damaged-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  renameSync(fresh, file);
  log?.error('queue file is damaged; saved what could be read into a new file and moved the damaged one aside', {
    file,
    movedTo: aside,
    reason,
    saved: saved.saved,
    lost: saved.skipped.length ? saved.skipped : 'nothing',
  });
}

/** USE_LOCK is the file of a queue directory that every opener holds a shared lock on, and a salvage an exclusive one. */
export const USE_LOCK = 'queue.inuse';

/** QueueInUseError says a damaged queue file was not salvaged because another process has it open (it would go on writing to the damaged file). */
export class QueueInUseError extends Error {
  constructor(file: string, problem: string) {
    super(`queue file ${file} is damaged (${problem}) but another process has it open; stop the other wubot processes that use this queue, then start again to salvage it`);
  }
}

/**
 * lockUse takes the shared lock of a queue directory, held until the returned
 * connection closes (SQLite's lock on an empty file; the system drops it when
 * the process ends). It waits while a salvage holds the lock exclusively, so
 * no process opens a queue file while it is being replaced.
 */
function lockUse(dir: string): Database.Database {
  const lock = new Database(join(dir, USE_LOCK));
  try {
    lock.pragma('busy_timeout = 60000');
    lock.pragma('locking_mode = EXCLUSIVE');
    // in EXCLUSIVE locking mode the first read takes the shared lock and keeps it
    lock.prepare('SELECT count(*) FROM sqlite_master').get();
    return lock;
  } catch (e) {
    lock.close();
    throw e;
  }
}

/** holding ties a lock to a queue connection: closing the queue releases it. */
function holding(db: Database.Database, lock: Database.Database): Database.Database {
  const close = db.close.bind(db);
  db.close = () => {
    close();
    lock.close();
    return db;
  };
  return db;
}

/**
 * openQueueDb opens (creating when needed) the SQLite file of a queue
 * directory. A file SQLite finds damaged (not a database, corrupt pages,
 * truncated) is salvaged first (see salvage), but only when no other
 * connection has the queue open: a process that has would go on writing to
 * the file set aside, and what it stored there would be lost to the queue.
 * Then QueueInUseError says so.
 */
export function openQueueDb(dir: string, opts: QueueOptions = {}): Database.Database {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, QUEUE_FILE);
  const durability = opts.durability ?? 'full';
  let lock = lockUse(dir);
  try {
    let db = new Database(file);
    let problem: string | undefined;
    try {
      configure(db, durability);
      problem = damage(db);
      if (!problem) return holding(db, lock);
    } catch (e) {
      if (!isCorruption(e)) {
        db.close();
        throw e;
      }
      problem = (e as Error).message;
    }
    db.close();
    try {
      lock.pragma('busy_timeout = 0');
      lock.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new QueueInUseError(file, problem);
      throw e;
    }
    salvage(file, problem, durability, opts.log);
    lock.close();
    lock = lockUse(dir);
    db = new Database(file);
    configure(db, durability);
    return holding(db, lock);
  } catch (e) {
    lock.close();
    throw e;
  }
}
