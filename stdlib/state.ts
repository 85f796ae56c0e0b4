import { configPath } from '../runtime/paths.js';
import { num, str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { formatAge as age, parseTimeLength } from '../grammar/time-length.js';
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

/** perlNumber is the number Perl makes of a value in arithmetic: its leading number, else 0. */
function perlNumber(v: unknown): number {
  return num(v) ?? (parseFloat(str(v)) || 0);
}

interface Row {
  value: string;
  lastupdate: number;
  lastchange: number | null;
  notify_interval: string | null;
  last_notify: number | null;
}

export default definePlugin<Config>({
  name: 'State',
  summary: 'Notify when a field changes by a threshold, or stops being updated.',
  docs: 'Remembers, per `key`, the value of `field` (a missing or false value counts as 0) in `file` (default `sqlite/state.sql` in the wubot home). The first message sets `state_init`. A message whose value differs from the remembered one gets `state_change` (the difference, either way). With `increase`, a rise of at least that much sets `state_changed` and rewrites `subject` as `<key>: <field> increased: a => b (age since the last such change)`, and a fall is remembered silently; `decrease` likewise the other way; otherwise a change of more than `change` (any change when only `field` is given) is reported as `changed`. A value that did not change enough is not remembered, so small steps add up. Every 15 seconds, a key whose field was not seen for more than `stale_after` (default 10m) gives the message `Warning: cache data for <key>:<field> not updated in <age>`: at every round, as in the original, unless `notify_interval` spaces them.',
  schema: {
    type: 'object',
    properties: {
      field: { type: 'string', description: 'the field to follow' },
      increase: { type: ['number', 'string'], description: 'report a rise of at least this much' },
      decrease: { type: ['number', 'string'], description: 'report a fall of at least this much' },
      change: { type: ['number', 'string'], description: 'report a change of more than this much either way (default: any change)' },
      notify_interval: { type: ['string', 'number'], description: 'time between warnings about a stale key (default: every round)' },
      stale_after: { type: ['string', 'number'], description: 'a key not seen for longer is stale (default 10m)' },
      file: { type: 'string', description: 'where the values are kept' },
    },
    required: ['field'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'the first value only starts the state',
      config: { field: 'load01', increase: 2 },
      input: { key: 'example-state-first', load01: 1, lastupdate: 1764300000 },
      output: { key: 'example-state-first', load01: 1, lastupdate: 1764300000, state_init: 1 },
    },
  ],
  effect: () => ({ writes: ['state_init', 'state_changed', 'state_change', 'subject'] }),
  create(c, ctx) {
    const db = database(configPath(c.file ?? 'sqlite/state.sql', ctx.home));
    ensureTable(db, 'field_state', { key: 'TEXT', field: 'TEXT', value: 'TEXT', lastupdate: 'INTEGER', lastchange: 'INTEGER', notify_interval: 'TEXT', last_notify: 'INTEGER' });
    db.exec('CREATE UNIQUE INDEX IF NOT EXISTS field_state_key_field ON field_state (key, field)');
    const get = db.prepare('SELECT value, lastupdate, lastchange, notify_interval, last_notify FROM field_state WHERE key = ? AND field = ?');
    const put = db.prepare('INSERT OR REPLACE INTO field_state (key, field, value, lastupdate, lastchange, notify_interval, last_notify) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const stale = db.prepare('SELECT key, lastupdate, notify_interval, last_notify FROM field_state WHERE field = ? AND lastupdate < ? ORDER BY key');
    const notified = db.prepare('UPDATE field_state SET last_notify = ? WHERE key = ? AND field = ?');
    const staleAfter = parseTimeLength(c.stale_after ?? 600) ?? 600;
    const batch = new BatchTransactions();
    return {
      flush: () => batch.flush(),
      react(m: Message) {
        batch.touch(db);
        const key = str(m.key);
        const data = truthy(m[c.field]) ? m[c.field] : 0;
        const now = Math.floor(Date.now() / 1000);
        const stamp = truthy(m.lastupdate) ? perlNumber(m.lastupdate) : now;
        const row = get.get(key, c.field) as Row | undefined;
        const interval = truthy(c.notify_interval) ? str(c.notify_interval) : (row?.notify_interval ?? null);
        let last: unknown = data;
        if (row) {
          const was = JSON.parse(row.value) as unknown;
          last = truthy(was) ? was : 0;
        } else m.state_init = 1;
        let value = row ? row.value : JSON.stringify(data);
        let lastchange = row?.lastchange ?? null;
        const change = perlNumber(data) - perlNumber(last);
        if (perlNumber(data) !== perlNumber(last)) {
          m.state_change = change;
          const since = truthy(lastchange) ? ` (${age(now - (lastchange ?? 0))})` : '';
          const report = (verb: string) => {
            m.subject = `${key}: ${c.field} ${verb}: ${str(last)} => ${str(data)}${since}`;
            m.state_changed = 1;
            value = JSON.stringify(data);
            lastchange = stamp;
          };
          if (truthy(c.increase)) {
            if (change >= perlNumber(c.increase)) report('increased');
            else if (change < 0) value = JSON.stringify(data);
          } else if (truthy(c.decrease)) {
            if (change <= -perlNumber(c.decrease)) report('decreased');
            else if (change > 0) value = JSON.stringify(data);
          } else if (Math.abs(change) > perlNumber(c.change)) report('changed');
        }
        put.run(key, c.field, value, stamp, lastchange, interval, row?.last_notify ?? null);
      },
      monitor() {
        const now = Math.floor(Date.now() / 1000);
        const out: Message[] = [];
        for (const row of stale.all(c.field, now - staleAfter) as (Row & { key: string })[]) {
          if (row.notify_interval) {
            const every = parseTimeLength(row.notify_interval) ?? 0;
            if (row.last_notify && now - row.last_notify < every) continue;
            notified.run(now, row.key, c.field);
          }
          out.push({ key: row.key, subject: `Warning: cache data for ${row.key}:${c.field} not updated in ${age(now - row.lastupdate)}`, lastupdate: now });
        }
        return out;
      },
    };
  },
});
