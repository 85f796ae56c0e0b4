import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../pipeline-api.js';
import { openQueueDb, READ_CURSOR, WRITE_CURSOR, type QueueOptions } from './queue-db.js';
import { AckedRanges } from './acked-ranges.js';
import { decodeRow } from './row-codec.js';

/** Claimed is a message handed to the reader and not yet acknowledged. */
export interface Claimed {
  readonly id: number;
  readonly uid: string;
  readonly message: Message;
}

/** ReaderOptions add how long acknowledged messages are kept. */
export interface ReaderOptions extends QueueOptions {
  /** retentionMs: acknowledged rows are purged after this long (default 24 h). */
  readonly retentionMs?: number;
}

/** QueueBusyError says another process already reads this queue. */
export class QueueBusyError extends Error {
  constructor(dir: string, holder: string) {
    super(`queue ${dir} already has a reader${holder ? ` (${holder})` : ''}; a queue has exactly one reader`);
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MERGE_MS = 60_000;

/**
 * QueueReader is the one consumer of a queue directory. It claims the oldest
 * pending messages and acknowledges them only once they were handled: a
 * crash in between delivers them again. The reader's exclusive lock lives in
 * `reader.lock` and is released by the operating system when the process
 * ends, however it ends.
 */
export class QueueReader {
  /** the id of the last row claimed */
  private position = 0;
  private readonly acked = new AckedRanges();
  /** the range row this reader wrote last, which later acks right after it extend */
  private last: { lo: number; hi: number; at: number } | undefined;
  private readonly selectPending: Database.Statement;
  private readonly ackMany: (claimed: readonly Claimed[]) => void;
  private readonly ackRange: (lo: number, hi: number, now: number) => void;
  private readonly reject: (id: number, data: string, reason: string) => void;
  private readonly bury: (c: Claimed, rule: string, error: string) => void;

  private constructor(
    private readonly db: Database.Database,
    private readonly lock: Database.Database,
    private readonly retentionMs: number,
  ) {
    // rows as arrays: cheaper than objects on the hot path
    this.selectPending = db.prepare('SELECT id, uid, data FROM message_queue WHERE id > ? ORDER BY id LIMIT ?').raw(true);
    for (const [lo, hi] of db.prepare('SELECT lo, hi FROM message_queue_acked ORDER BY lo').raw(true).iterate() as Iterable<[number, number]>) {
      this.acked.add(lo, hi);
    }
    const insertRange = db.prepare('INSERT OR REPLACE INTO message_queue_acked (lo, hi, at) VALUES (?, ?, ?)');
    this.ackRange = (lo, hi, now) => {
      const last = this.last;
      // an ack that follows the last one within a minute extends its row: one row a minute, not one a batch
      if (last && lo === last.hi + 1 && now - last.at < MERGE_MS) {
        last.hi = hi;
        insertRange.run(last.lo, hi, now);
      } else {
        this.last = { lo, hi, at: now };
        insertRange.run(lo, hi, now);
      }
      this.acked.add(lo, hi);
    };
    this.ackMany = db.transaction((claimed: readonly Claimed[]) => {
      const now = Date.now();
      // claims come in id order, so consecutive ids are acknowledged by one range each
      let start = 0;
      for (let i = 1; i <= claimed.length; i++) {
        if (i < claimed.length && claimed[i].id === claimed[i - 1].id + 1) continue;
        this.ackRange(claimed[start].id, claimed[i - 1].id, now);
        start = i;
      }
    });
    const insertRejected = db.prepare('INSERT OR REPLACE INTO message_queue_rejected (id, data, reason, at) VALUES (?, ?, ?, ?)');
    const remove = db.prepare('DELETE FROM message_queue WHERE id = ?');
    this.reject = db.transaction((id: number, data: string, reason: string) => {
      insertRejected.run(id, data, reason, Date.now());
      remove.run(id);
    });
    const insertDead = db.prepare('INSERT OR REPLACE INTO message_queue_dead (id, uid, data, rule, error, at) VALUES (?, ?, ?, ?, ?, ?)');
    this.bury = db.transaction((c: Claimed, rule: string, error: string) => {
      const now = Date.now();
      insertDead.run(c.id, c.uid, JSON.stringify(c.message), rule, error, now);
      this.ackRange(c.id, c.id, now);
    });
    this.purge();
  }

  /** open takes the reader's lock of a queue directory and opens it; it throws QueueBusyError when another reader holds it. */
  static open(dir: string, opts: ReaderOptions = {}): QueueReader {
    const db = openQueueDb(dir, opts);
    const lock = new Database(join(dir, 'reader.lock'));
    try {
      lock.pragma('busy_timeout = 0');
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      lock.close();
      db.close();
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new QueueBusyError(dir, readHolder(dir));
      throw e;
    }
    writeFileSync(join(dir, 'reader.pid'), `${process.pid}\n`);
    return new QueueReader(db, lock, opts.retentionMs ?? DAY_MS);
  }

  /**
   * claim returns up to `max` of the oldest pending messages not yet claimed
   * by this reader, in order. Rows that cannot be decoded move to the
   * rejected table with the reason and are skipped.
   */
  claim(max: number): Claimed[] {
    const out: Claimed[] = [];
    while (out.length < max) {
      const rows = this.selectPending.all(this.position, max - out.length) as [number, string, string][];
      if (rows.length === 0) break;
      for (const [id, uid, data] of rows) {
        const end = this.acked.endOf(id);
        if (end !== undefined) {
          // acknowledged already (seen again after a rewind or restart): skip the whole range
          this.position = end;
          break;
        }
        this.position = id;
        const m = decodeRow(uid, data);
        if (typeof m === 'string') this.reject(id, data, m);
        else out.push({ id, uid, message: m });
      }
    }
    return out;
  }

  /** ack marks messages handled, in one transaction. Messages acknowledged already are left as they are. */
  ack(claimed: readonly Claimed[]): void {
    const fresh = claimed.filter((c) => this.acked.endOf(c.id) === undefined);
    if (fresh.length) this.ackMany(fresh);
  }

  /** deadLetter keeps a message that could not be handled, with the rule and the error, and takes it off the queue. */
  deadLetter(c: Claimed, rule: string, error: string): void {
    this.bury(c, rule, error);
  }

  /** unclaim makes a claimed message, and every one claimed after it, claimable again. */
  unclaim(from: Claimed): void {
    this.position = Math.min(this.position, from.id - 1);
  }

  /** rewind makes claimed but unacknowledged messages claimable again, as after a restart. */
  rewind(): void {
    this.position = 0;
  }

  /** cursor reads a value stored under `name` (undefined when none is). */
  cursor(name: string): string | undefined {
    return this.db.prepare(READ_CURSOR).pluck().get(name) as string | undefined;
  }

  /** setCursor stores what the reader learned of where it sends, e.g. that a recipient confirms what it stored. */
  setCursor(name: string, value: string): void {
    this.db.prepare(WRITE_CURSOR).run(name, value, Date.now());
  }

  /** purge deletes acknowledged rows older than the retention time. */
  purge(now = Date.now()): number {
    const expired = this.db.prepare('SELECT lo, hi FROM message_queue_acked WHERE at < ?').raw(true).all(now - this.retentionMs) as [number, number][];
    const removeRows = this.db.prepare('DELETE FROM message_queue WHERE id BETWEEN ? AND ?');
    const removeRange = this.db.prepare('DELETE FROM message_queue_acked WHERE lo = ?');
    let purged = 0;
    this.db.transaction(() => {
      for (const [lo, hi] of expired) {
        purged += removeRows.run(lo, hi).changes;
        removeRange.run(lo);
        if (this.last?.lo === lo) this.last = undefined;
      }
    })();
    return purged;
  }

  close(): void {
    this.db.close();
    this.lock.close();
  }
}

function readHolder(dir: string): string {
  try {
    return `pid ${readFileSync(join(dir, 'reader.pid'), 'utf8').trim()}`;
  } catch {
    return '';
  }
}
