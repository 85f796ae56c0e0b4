import { configPath } from '../runtime/paths.js';
import { num, str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { formatAge as age } from '../grammar/time-length.js';
import { definePlugin } from './plugin.js';
import { BatchTransactions, database, ensureTable } from './sqlite-table.js';

interface Config {
  file?: string;
}

/** STATUSES the plugin follows; a message with any other status passes untouched. */
const STATUSES = new Set(['OK', 'WARNING', 'CRITICAL', 'UNKNOWN']);
/** COLORS by status: a Map, as a status comes from messages (`constructor` is no colour) */
const COLORS = new Map(Object.entries({ CRITICAL: 'red', WARNING: 'yellow', UNKNOWN: 'orange' }));

const PHI = (1 + Math.sqrt(5)) / 2;

/** isFibonacci tells whether a repeat count is one at which a repeated problem is shown again (1, 2, 3, 5, 8, 13…): n·φ lies within 1/n of a whole number, the original's test. */
export function isFibonacci(n: number): boolean {
  const a = PHI * n;
  return Math.abs(Math.round(a) - a) < 1 / n;
}

export default definePlugin<Config>({
  name: 'Status',
  summary: 'Track OK, WARNING, CRITICAL and UNKNOWN per key, and quiet repeats.',
  docs: 'Keeps the last `status` of each `key` in `file` (default `sqlite/status.sql` in the wubot home). A message without a status gets `status: OK`; one whose status is not OK, WARNING, CRITICAL or UNKNOWN, or that already has `status` and `status_count`, passes untouched. Sets `status_count`, `status_since` (the `lastupdate` of the first message with this status) and, on a change, `status_previous`; colours every problem message (CRITICAL red, WARNING yellow, UNKNOWN orange), repeats included. A problem with a subject that repeats is shown again on Fibonacci counts with `[Nx STATUS (age)]` added to the subject; its other repeats get `quiet` and `suppress`. Repeated OKs pass as they are.',
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
    {
      title: 'a message without a status is OK',
      config: {},
      input: { key: 'example-default-ok', lastupdate: 1764300000 },
      output: { key: 'example-default-ok', status: 'OK', lastupdate: 1764300000, status_count: 1, status_since: 1764300000 },
    },
  ],
  effect: () => ({ writes: ['status', 'status_count', 'status_since', 'status_previous', 'color', 'subject', 'quiet', 'suppress'] }),
  create(c, ctx) {
    const db = database(configPath(c.file ?? 'sqlite/status.sql', ctx.home));
    ensureTable(db, 'status', { key: 'TEXT PRIMARY KEY', status: 'TEXT', count: 'INTEGER', since: 'INTEGER', lastupdate: 'INTEGER' });
    const get = db.prepare('SELECT status, count, since FROM status WHERE key = ?');
    const put = db.prepare('INSERT OR REPLACE INTO status (key, status, count, since, lastupdate) VALUES (?, ?, ?, ?, ?)');
    const batch = new BatchTransactions();
    return {
      flush: () => batch.flush(),
      react(m: Message) {
        // a message that already went through Status keeps what it was given
        if (truthy(m.status) && truthy(m.status_count)) return;
        if (!truthy(m.status)) m.status = 'OK';
        const status = str(m.status);
        if (!STATUSES.has(status)) return;
        batch.touch(db);
        const key = str(m.key);
        const prev = get.get(key) as { status: string | null; count: number; since: number | null } | undefined;
        const repeat = !!prev?.status && prev.status === status;
        if (prev?.status && !repeat) m.status_previous = prev.status;
        const count = repeat && prev ? prev.count + 1 : 1;
        const since = repeat && prev ? prev.since : (m.lastupdate ?? null);
        m.status_count = count;
        m.status_since = since;
        if (truthy(m.subject) && count > 1 && status !== 'OK') {
          if (isFibonacci(count)) m.subject = `${str(m.subject)} [${count}x ${status} (${age(Math.floor(Date.now() / 1000) - (num(since) ?? 0))})]`;
          else {
            m.quiet = 1;
            m.suppress = 1;
          }
        }
        const color = COLORS.get(status);
        if (color) m.color = color;
        put.run(key, status, count, num(since) ?? null, num(m.lastupdate) ?? null);
      },
    };
  },
});
