import { configPath } from '../runtime/paths.js';
import { str } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { epochSeconds, parseTimeLength } from '../grammar/time-length.js';
import { definePlugin } from './plugin.js';
import { BatchTransactions, database, ensureTable } from './sqlite-table.js';

interface Config {
  field?: string;
  stale_after?: string | number;
  file?: string;
}

export default definePlugin<Config>({
  name: 'Presence',
  summary: 'Say whether the person at this host is at the keyboard: `presence` is active, idle or away.',
  docs: 'Remembers the last `idle_state` the Idle monitor reported (`active` or `idle`, in `file`, default `sqlite/presence.sql` in the wubot home) and sets `field` (default `presence`) on every message: that state, or `away` when no Idle message came for `stale_after` (default 10m) before the message\'s time, as when the monitor does not run. Rules then route by presence with ordinary conditions (`presence equals active`).',
  schema: {
    type: 'object',
    properties: {
      field: { type: 'string', description: 'the field to set (default presence)' },
      stale_after: { type: ['string', 'number'], description: 'away after this long without an Idle report (default 10m)' },
      file: { type: 'string', description: 'where the last state is kept' },
    },
    additionalProperties: false,
  },
  check: (c) => (c.stale_after !== undefined && parseTimeLength(c.stale_after) === undefined ? [{ path: ['stale_after'], message: `\`${String(c.stale_after)}\` is not a time length` }] : []),
  examples: [
    {
      title: 'the Idle monitor says the person is typing',
      config: { file: 'sqlite/presence-example.sql' },
      input: { key: 'Idle-laptop', idle_state: 'active', idle_sec: 4, lastupdate: 1764300000 },
      output: { key: 'Idle-laptop', idle_state: 'active', idle_sec: 4, lastupdate: 1764300000, presence: 'active' },
    },
  ],
  effect: (c) => ({ writes: [c.field ?? 'presence'] }),
  create(c, ctx) {
    const field = c.field ?? 'presence';
    const staleS = parseTimeLength(c.stale_after ?? '10m') ?? 600;
    const db = database(configPath(c.file ?? 'sqlite/presence.sql', ctx.home));
    ensureTable(db, 'presence', { id: 'INTEGER PRIMARY KEY', state: 'TEXT', at: 'INTEGER' });
    const get = db.prepare('SELECT state, at FROM presence WHERE id = 1');
    const put = db.prepare('INSERT OR REPLACE INTO presence (id, state, at) VALUES (1, ?, ?)');
    let last = get.get() as { state: string; at: number } | undefined;
    const batch = new BatchTransactions();
    return {
      flush: () => batch.flush(),
      react(m: Message) {
        const at = epochSeconds(m.lastupdate) ?? Math.floor(Date.now() / 1000);
        const reported = str(m.idle_state);
        if (reported === 'active' || reported === 'idle') {
          batch.touch(db);
          last = { state: reported, at };
          put.run(reported, at);
        }
        m[field] = last && at - last.at <= staleS ? last.state : 'away';
      },
    };
  },
});
