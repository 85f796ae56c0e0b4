import { configPath } from '../runtime/paths.js';
import { str } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { epochSeconds, parseTimeLength } from '../grammar/time-length.js';
import { definePlugin } from './plugin.js';
import { BatchTransactions, database, ensureTable } from './sqlite-table.js';

interface Report {
  state: string;
  at: number;
}

/** XMPP_PRESENCE is the field that carries a person's XMPP presence (the XMPPPresence monitor's messages). */
export const XMPP_PRESENCE = 'xmpp_presence';

const IDLE = 1;
const XMPP = 2;

/** XMPP_STATES: what each XMPP presence says of the person. */
const XMPP_STATES = new Map([
  ['available', 'active'],
  ['chat', 'active'],
  ['away', 'idle'],
  ['xa', 'away'],
  ['dnd', 'away'],
  ['unavailable', 'away'],
]);

interface Config {
  field?: string;
  stale_after?: string | number;
  file?: string;
}

export default definePlugin<Config>({
  name: 'Presence',
  summary: 'Say whether the person at this host is at the keyboard: `presence` is active, idle or away.',
  docs: 'Remembers the last `idle_state` the Idle monitor reported (`active` or `idle`) and the last `xmpp_presence` the XMPPPresence monitor reported (the person\'s XMPP clients: `available`, `chat`, `away`, `xa`, `dnd`, `unavailable`), in `file` (default `sqlite/presence.sql` in the wubot home), and sets `field` (default `presence`) on every message: the Idle state while its last report is at most `stale_after` (default 10m) older than the message; otherwise the XMPP presence (`available` and `chat` are active, `away` idle, the rest away), which holds until it changes; otherwise `away`. `<field>_xmpp` gets the XMPP presence itself, where one was reported (`dnd` can be routed apart). Rules then route by presence with ordinary conditions (`presence equals active`).',
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
  effect: (c) => ({ writes: [c.field ?? 'presence', `${c.field ?? 'presence'}_xmpp`] }),
  create(c, ctx) {
    const field = c.field ?? 'presence';
    const staleS = parseTimeLength(c.stale_after ?? '10m') ?? 600;
    const db = database(configPath(c.file ?? 'sqlite/presence.sql', ctx.home));
    // row 1: the Idle monitor's last report; row 2: the XMPP presence's
    ensureTable(db, 'presence', { id: 'INTEGER PRIMARY KEY', state: 'TEXT', at: 'INTEGER' });
    const get = db.prepare('SELECT state, at FROM presence WHERE id = ?');
    const put = db.prepare('INSERT OR REPLACE INTO presence (id, state, at) VALUES (?, ?, ?)');
    let idle = get.get(IDLE) as Report | undefined;
    let xmpp = get.get(XMPP) as Report | undefined;
    const batch = new BatchTransactions();
    const remember = (id: number, state: string, at: number): Report => {
      batch.touch(db);
      put.run(id, state, at);
      return { state, at };
    };
    return {
      flush: () => batch.flush(),
      react(m: Message) {
        const at = epochSeconds(m.lastupdate) ?? Math.floor(Date.now() / 1000);
        const reported = str(m.idle_state);
        if (reported === 'active' || reported === 'idle') idle = remember(IDLE, reported, at);
        const shown = str(m[XMPP_PRESENCE]);
        if (XMPP_STATES.has(shown)) xmpp = remember(XMPP, shown, at);
        m[field] = idle && at - idle.at <= staleS ? idle.state : (xmpp && XMPP_STATES.get(xmpp.state)) ?? 'away';
        if (xmpp) m[`${field}_xmpp`] = xmpp.state;
      },
    };
  },
});
