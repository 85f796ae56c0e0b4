import Database from 'better-sqlite3';

/*
 * Salvage reads what can still be read of a damaged queue file, table by
 * table in key order, stepping over what SQLite cannot read. Rows keep
 * their ids, so acknowledged ranges and dead letters still refer to them.
 */

/** TABLES are the queue's tables with their integer keys, in the order they are copied. */
const TABLES = [
  { name: 'message_queue', key: 'id', columns: ['id', 'uid', 'data'] },
  { name: 'message_queue_acked', key: 'lo', columns: ['lo', 'hi', 'at'] },
  { name: 'message_queue_rejected', key: 'id', columns: ['id', 'data', 'reason', 'at'] },
  { name: 'message_queue_dead', key: 'id', columns: ['id', 'uid', 'data', 'rule', 'error', 'at'] },
] as const;

/** Salvaged says how many rows were saved, and which key ranges of which tables could not be read. */
export interface Salvaged {
  saved: number;
  skipped: string[];
}

const LIMIT = Number.MAX_SAFE_INTEGER;

/** copyReadable copies the readable rows of a damaged file's queue tables into `to` (whose tables exist). */
export function copyReadable(from: Database.Database, to: Database.Database): Salvaged {
  const result: Salvaged = { saved: 0, skipped: [] };
  for (const t of TABLES) {
    let read: Database.Statement;
    let one: Database.Statement;
    try {
      read = from.prepare(`SELECT ${t.columns.join(', ')} FROM ${t.name} WHERE ${t.key} > ? ORDER BY ${t.key}`).raw(true);
      one = from.prepare(`SELECT ${t.columns.join(', ')} FROM ${t.name} WHERE ${t.key} >= ? ORDER BY ${t.key} LIMIT 1`).raw(true);
    } catch (e) {
      result.skipped.push(`${t.name}: ${(e as Error).message}`);
      continue;
    }
    const insert = to.prepare(`INSERT OR IGNORE INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
    const readsFrom = (start: number): boolean => {
      try {
        one.get(start);
        return true;
      } catch {
        return false;
      }
    };
    let cursor = -LIMIT;
    let failedAt: number | undefined;
    for (;;) {
      try {
        for (const row of read.iterate(cursor) as Iterable<unknown[]>) {
          insert.run(...row);
          cursor = row[0] as number;
          result.saved++;
        }
        break;
      } catch {
        // step over the damage: the nearest start beyond the cursor from which reading works again
        // (a second failure at the same place steps over at least one key)
        let step = failedAt === cursor ? 2 : 1;
        failedAt = cursor;
        while (cursor + step < LIMIT && !readsFrom(cursor + step)) step *= 2;
        if (cursor + step >= LIMIT) {
          result.skipped.push(`${t.name}: ${t.key} above ${cursor}`);
          break;
        }
        let bad = cursor + Math.floor(step / 2);
        let good = cursor + step;
        while (good - bad > 1) {
          const mid = Math.floor((bad + good) / 2);
          if (readsFrom(mid)) good = mid;
          else bad = mid;
        }
        if (good - 1 > cursor) result.skipped.push(`${t.name}: ${t.key} ${cursor + 1} to ${good - 1}`);
        cursor = good - 1;
      }
    }
  }
  return result;
}
