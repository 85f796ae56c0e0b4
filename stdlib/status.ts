import { configPath } from '../runtime/paths.js';
import { str, truthy } from '../runtime/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { formatAge as age } from '../runtime/time-length.js';
import { definePlugin } from './plugin.js';
import { BatchTransactions, database, ensureTable } from './sqlite-table.js';

interface Config {
  file?: string;
}

/** COLORS by status: a Map, as a status comes from messages (`constructor` is no colour) */
const COLORS = new Map(Object.entries({ CRITICAL: 'red', WARNING: 'yellow', UNKNOWN: 'orange' }));

/** isFibonacci tells whether a repeat count is one at which a repeated problem is shown again (1, 2, 3, 5, 8, 13…). */
export function isFibonacci(n: number): boolean {
  let [a, b] = [1, 2];
  if (n === 1) return true;
  while (b < n) [a, b] = [b, a + b];
  return b === n;
}

export default definePlugin<Config>({
  name: 'Status',
  summary: 'Track OK, WARNING, CRITICAL and UNKNOWN per key, and quiet repeats.',
  docs: 'Keeps the last `status` of each `key` (a missing status is OK) in `file` (default `sqlite/status.sql` in the wubot home). Sets `status_count`, `status_since` and, on a change, `status_previous`; colours problems (CRITICAL red, WARNING yellow, UNKNOWN orange) and a recovery green. A problem that repeats is shown again on Fibonacci counts with `[Nx STATUS (age)]` added to the subject; other repeats, and repeated OKs, get `quiet` and `suppress`.',
  schema: {
    type: 'object',
    properties: { file: { type: 'string', description: 'where the statuses are kept' } },
    additionalProperties: false,
  },
  examples: [
    {
      title: 'a first CRITICAL turns red',
      config: {},
      input: { key: 'example-first-critical', status: 'CRITICAL', subject: 'disk full', lastupdate: 1764300000 },
      output: { key: 'example-first-critical', status: 'CRITICAL', subject: 'disk full', lastupdate: 1764300000, status_count: 1, status_since: 1764300000, color: 'red' },
    },
  ],
  writes: () => ['status_count', 'status_since', 'status_previous', 'color', 'subject', 'quiet', 'suppress'],
  create(c, ctx) {
    const db = database(configPath(c.file ?? 'sqlite/status.sql', ctx.home));
    ensureTable(db, 'status', { key: 'TEXT PRIMARY KEY', status: 'TEXT', count: 'INTEGER', since: 'INTEGER', lastupdate: 'INTEGER' });
    const get = db.prepare('SELECT status, count, since FROM status WHERE key = ?');
    const put = db.prepare('INSERT OR REPLACE INTO status (key, status, count, since, lastupdate) VALUES (?, ?, ?, ?, ?)');
    const batch = new BatchTransactions();
    return {
      flush: () => batch.flush(),
      react(m: Message) {
        batch.touch(db);
        const key = str(m.key);
        const status = truthy(m.status) ? str(m.status).toUpperCase() : 'OK';
        const now = truthy(m.lastupdate) ? Number(m.lastupdate) : Math.floor(Date.now() / 1000);
        const prev = get.get(key) as { status: string; count: number; since: number } | undefined;
        if (!prev || prev.status !== status) {
          m.status_count = 1;
          m.status_since = now;
          if (prev) m.status_previous = prev.status;
          if (status !== 'OK') m.color = COLORS.get(status) ?? 'orange';
          else if (prev) m.color = 'green';
          put.run(key, status, 1, now, now);
          return;
        }
        const count = prev.count + 1;
        m.status_count = count;
        m.status_since = prev.since;
        if (status !== 'OK' && isFibonacci(count)) {
          m.color = COLORS.get(status) ?? 'orange';
          if (truthy(m.subject)) m.subject = `${str(m.subject)} [${count}x ${status} (${age(now - prev.since)})]`;
        } else {
          m.quiet = 1;
          m.suppress = 1;
        }
        put.run(key, status, count, prev.since, now);
      },
    };
  },
});
