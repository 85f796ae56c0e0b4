import { configPath } from '../runtime/paths.js';
import { num, str, truthy } from '../runtime/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { formatAge as age, parseTimeLength } from '../runtime/time-length.js';
import { definePlugin } from './plugin.js';
import { BatchTransactions, database, ensureTable } from './sqlite-table.js';

interface Config {
  field: string;
  increase?: number;
  decrease?: number;
  change?: number;
  notify_interval?: string | number;
  stale_after?: string | number;
  file?: string;
}

export default definePlugin<Config>({
  name: 'State',
  summary: 'Notify when a numeric field changes by a threshold, or stops being updated.',
  docs: 'Remembers, per `key`, the last reported value of the numeric `field` (in `file`, default `sqlite/state.sql` in the wubot home). The first value sets `state_init`. When the value has gone up by `increase`, down by `decrease`, or either way by `change` since the last report, it sets `state_changed`, `state_change` (the difference) and rewrites `subject` as `<key>: <field> increased: a => b (age)`. Periodically, a key whose field was not seen for `stale_after` (default 10m) produces a warning message, at most once per `notify_interval` (default 1h).',
  schema: {
    type: 'object',
    properties: {
      field: { type: 'string', description: 'the numeric field to follow' },
      increase: { type: 'number', minimum: 0, description: 'report a rise of at least this much' },
      decrease: { type: 'number', minimum: 0, description: 'report a fall of at least this much' },
      change: { type: 'number', minimum: 0, description: 'report a change of at least this much either way' },
      notify_interval: { type: ['string', 'number'], description: 'time between warnings about a stale key (default 1h)' },
      stale_after: { type: ['string', 'number'], description: 'a key not seen this long is stale (default 10m)' },
      file: { type: 'string', description: 'where the values are kept' },
    },
    required: ['field'],
    additionalProperties: false,
  },
  check: (c) =>
    c.increase === undefined && c.decrease === undefined && c.change === undefined
      ? [{ path: [], message: 'one of `increase`, `decrease`, `change` is required', missing: true }]
      : [],
  examples: [
    {
      title: 'the first value only starts the state',
      config: { field: 'load01', increase: 2 },
      input: { key: 'example-state-first', load01: 1, lastupdate: 1764300000 },
      output: { key: 'example-state-first', load01: 1, lastupdate: 1764300000, state_init: 1 },
    },
  ],
  writes: () => ['state_init', 'state_changed', 'state_change', 'subject'],
  create(c, ctx) {
    const db = database(configPath(c.file ?? 'sqlite/state.sql', ctx.home));
    ensureTable(db, 'state', { key: 'TEXT', field: 'TEXT', value: 'REAL', value_time: 'INTEGER', lastseen: 'INTEGER', warned: 'INTEGER' });
    db.exec('CREATE UNIQUE INDEX IF NOT EXISTS state_key_field ON state (key, field)');
    const get = db.prepare('SELECT value, value_time FROM state WHERE key = ? AND field = ?');
    const report = db.prepare('INSERT INTO state (key, field, value, value_time, lastseen, warned) VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (key, field) DO UPDATE SET value = excluded.value, value_time = excluded.value_time, lastseen = excluded.lastseen, warned = NULL');
    const seen = db.prepare('UPDATE state SET lastseen = ?, warned = NULL WHERE key = ? AND field = ?');
    const stale = db.prepare('SELECT key, lastseen FROM state WHERE field = ? AND lastseen < ? AND (warned IS NULL OR warned < ?)');
    const warned = db.prepare('UPDATE state SET warned = ? WHERE key = ? AND field = ?');
    const interval = parseTimeLength(c.notify_interval ?? '1h') ?? 3600;
    const staleAfter = parseTimeLength(c.stale_after ?? '10m') ?? 600;
    const batch = new BatchTransactions();
    return {
      flush: () => batch.flush(),
      react(m: Message) {
        const value = num(m[c.field]);
        if (value === undefined || Number.isNaN(value)) return;
        batch.touch(db);
        const key = str(m.key);
        const now = truthy(m.lastupdate) ? Number(m.lastupdate) : Math.floor(Date.now() / 1000);
        const prev = get.get(key, c.field) as { value: number; value_time: number } | undefined;
        if (!prev) {
          m.state_init = 1;
          report.run(key, c.field, value, now, now);
          return;
        }
        const diff = value - prev.value;
        const verb =
          c.increase !== undefined && diff >= c.increase && diff > 0
            ? 'increased'
            : c.decrease !== undefined && -diff >= c.decrease && diff < 0
              ? 'decreased'
              : c.change !== undefined && Math.abs(diff) >= c.change && diff !== 0
                ? 'changed'
                : undefined;
        if (!verb) {
          seen.run(now, key, c.field);
          return;
        }
        m.state_changed = 1;
        m.state_change = diff;
        m.subject = `${key}: ${c.field} ${verb}: ${prev.value} => ${value} (${age(now - prev.value_time)})`;
        report.run(key, c.field, value, now, now);
      },
      monitor() {
        const now = Math.floor(Date.now() / 1000);
        const out: Message[] = [];
        for (const row of stale.all(c.field, now - staleAfter, now - interval) as { key: string; lastseen: number }[]) {
          warned.run(now, row.key, c.field);
          out.push({ key: row.key, subject: `${row.key}: ${c.field} not updated in ${age(now - row.lastseen)}`, status: 'WARNING', noforward: 1 });
        }
        return out;
      },
    };
  },
});
