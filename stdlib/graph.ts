import { configPath } from '../runtime/paths.js';
import { str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { SeriesWriter, type SeriesKind } from '../runtime/series/series-db.js';
import { definePlugin } from './plugin.js';
import { BatchTransactions, database } from './sqlite-table.js';

interface Config {
  fields: string[] | Record<string, SeriesKind>;
  key_field?: string;
  file?: string;
}

/** DEFAULT_SERIES_FILE is where Graph keeps series and where `wubot webui` looks for them. */
export const DEFAULT_SERIES_FILE = 'sqlite/series.sql';

export default definePlugin<Config>({
  name: 'Graph',
  summary: 'Store numeric fields as series over time, for the graphs of `wubot webui`.',
  docs: 'Adds the value of each of `fields` to a series named by the message\'s `hostname`, its key (the fields of `key_field`, default `key`, joined by `-`) and the field, at the message\'s `lastupdate` (so data a host sent while it was offline lands at its own time). `fields` is a list (values kept as they are) or a map from field to `GAUGE`, `COUNTER` (rate per second of an increasing counter; a drop is a reset) or `DERIVE` (rate that may be negative). Series live in the SQLite `file` (default `sqlite/series.sql` in the wubot home), in place of the original\'s RRD files: each value as it came for 3 days, then 5-minute averages for 35 days, hourly for 400 days and daily for 10 years (with min and max). A second value of a series in the same second is ignored; a field that is missing or not a number is skipped.',
  schema: {
    type: 'object',
    properties: {
      fields: {
        description: 'the numeric fields to store: a list, or a map from field to GAUGE, COUNTER or DERIVE',
        oneOf: [
          { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
          { type: 'object', additionalProperties: { enum: ['GAUGE', 'COUNTER', 'DERIVE'] }, minProperties: 1 },
        ],
      },
      key_field: { type: 'string', description: 'space-separated fields whose values, joined by `-`, name the series (default `key`)' },
      file: { type: 'string', description: 'the SQLite file of the series (default sqlite/series.sql)' },
    },
    required: ['fields'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'load and idle for the graphs',
      config: { fields: ['load01', 'idle_sec'] },
      input: { key: 'Uptime-load', hostname: 'web1', load01: 0.42, lastupdate: 1764300000 },
      output: { key: 'Uptime-load', hostname: 'web1', load01: 0.42, lastupdate: 1764300000 },
    },
  ],
  effect: () => ({}),
  create(c, ctx) {
    const db = database(configPath(c.file ?? DEFAULT_SERIES_FILE, ctx.home));
    const writer = new SeriesWriter(db);
    const fields: [string, SeriesKind][] = Array.isArray(c.fields) ? c.fields.map((f) => [f, 'GAUGE']) : Object.entries(c.fields);
    const keyFields = (c.key_field ?? 'key').split(/\s+/).filter(Boolean);
    const batch = new BatchTransactions();
    return {
      flush: () => batch.flush(),
      react(m: Message) {
        const now = Date.now() / 1000;
        const t = truthy(m.lastupdate) && Number.isFinite(Number(m.lastupdate)) ? Number(m.lastupdate) : now;
        const host = truthy(m.hostname) ? str(m.hostname) : ctx.hostname;
        const key = keyFields.map((f) => str(m[f])).join('-');
        for (const [field, kind] of fields) {
          const raw = m[field];
          if (raw === undefined || raw === null || raw === '' || typeof raw === 'object') continue;
          const value = Number(raw);
          if (!Number.isFinite(value)) continue;
          batch.touch(db);
          writer.add(host, key, field, kind, t, value, now);
        }
      },
    };
  },
});
