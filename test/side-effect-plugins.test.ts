import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { hasErrors } from '../grammar/diagnostics/diagnostic.js';
import { createRuntime } from '../apps/wubot/host.js';
import type { Message } from '../runtime/pipeline-api.js';
import { colorize, consoleColor, consoleText } from '../stdlib/console.js';
import { isFibonacci } from '../stdlib/status.js';
import { compileText, tempDir } from './helpers.js';

function runtime() {
  const home = tempDir('wubot-plugins-');
  return { home, rt: createRuntime({ hostname: 'h', home }) };
}

describe('side-effect plugins', () => {
  it('Console prints the original line, coloured and bold when urgent', () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const text = consoleText({ key: 'RSS-news', username: 'alice', title: 'T', subject: 's', subject_text: 'shown', lastupdate: now / 1000 - 60 }, now);
    assert.match(text, /^\d\d:\d\d:\d\d> \[RSS-news\] alice: T => shown$/);
    assert.match(consoleText({ subject: 'old', lastupdate: now / 1000 - 13 * 3600 }, now), /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d> old$/);
    assert.equal(colorize('x', consoleColor('red', true)), '\u001b[1;31mx\u001b[0m');
    assert.equal(consoleColor('nosuch', false), 'white');
  });

  it('Log appends a JSON line per message when the batch ends', () => {
    const { home, rt } = runtime();
    const log = rt.plugin('Log', { file: 'logs/all.log' }, 'log');
    log.react({ subject: 'a' });
    log.react({ subject: 'b' });
    rt.flush();
    const lines = readFileSync(join(home, 'logs', 'all.log'), 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as Message).subject), ['a', 'b']);
  });

  it('SQLite inserts, updates the matching row, and gives the new id', () => {
    const { home, rt } = runtime();
    const schema = { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', key: 'VARCHAR(64)', subject: 'VARCHAR(256)', seen: 'INTEGER' };
    const insert = rt.plugin('SQLite', { file: 'sqlite/n.sql', tablename: 'notifications', schema, id_field: 'row' }, 'store');
    const update = rt.plugin('SQLite', { file: 'sqlite/n.sql', tablename: 'notifications', schema, update: { key: 1 } }, 'update');
    const a: Message = { key: 'k1', subject: 'first', other: 'not a column' };
    insert.react(a);
    update.react({ key: 'k1', subject: 'changed', seen: 1 });
    update.react({ key: 'k2', subject: 'new' });
    rt.flush();
    assert.equal(a.row, 1);
    const db = new Database(join(home, 'sqlite', 'n.sql'), { readonly: true });
    const rows = db.prepare('SELECT id, key, subject, seen FROM notifications ORDER BY id').all();
    db.close();
    assert.deepEqual(rows, [
      { id: 1, key: 'k1', subject: 'changed', seen: 1 },
      { id: 2, key: 'k2', subject: 'new', seen: null },
    ]);
  });

  it('SQLite refuses table and column names or types that could change the SQL', () => {
    const bad = [
      { file: 'x.sql', tablename: 'x; DROP TABLE y', schema: { a: 'TEXT' } },
      { file: 'x.sql', tablename: 'x', schema: { 'a"b': 'TEXT' } },
      { file: 'x.sql', tablename: 'x', schema: { a: 'TEXT); DROP TABLE y; --' } },
    ];
    for (const config of bad) {
      const c = compileText(JSON.stringify({ rules: [{ name: 's', plugin: 'SQLite', config }] }), { until: 'check' });
      assert.ok(hasErrors(c.diagnostics), JSON.stringify(config));
    }
  });

  it('Status colours problems, shows repeats on Fibonacci counts and quiets the rest', () => {
    const { rt } = runtime();
    const status = rt.plugin('Status', {}, 'status');
    const seen: Message[] = [];
    for (let i = 0; i < 6; i++) {
      const m: Message = { key: 'disk', status: 'CRITICAL', subject: 'full', lastupdate: 1000 + 60 * i };
      status.react(m);
      seen.push(m);
    }
    const ok: Message = { key: 'disk', subject: 'fine', lastupdate: 2000 };
    status.react(ok);
    rt.flush();
    assert.deepEqual(seen.map((m) => m.status_count), [1, 2, 3, 4, 5, 6]);
    assert.equal(seen[0].color, 'red');
    assert.match(String(seen[1].subject), /^full \[2x CRITICAL \(\S+\)\]$/);
    assert.equal(seen[3].quiet, 1);
    assert.match(String(seen[4].subject), /^full \[5x CRITICAL \(\S+\)\]$/);
    assert.equal(seen[5].color, 'red', 'a quieted repeat keeps its colour');
    assert.equal(ok.color, undefined, 'a recovery is not coloured');
    assert.equal(ok.status, 'OK');
    assert.equal(ok.status_previous, 'CRITICAL');
    assert.deepEqual([1, 2, 3, 5, 8, 13].map(isFibonacci), [true, true, true, true, true, true]);
    assert.deepEqual([4, 6, 7, 9].map(isFibonacci), [false, false, false, false]);
  });

  it('State reports a rise past the threshold and warns about a key gone quiet', () => {
    const { rt } = runtime();
    const state = rt.plugin('State', { field: 'load', increase: 2, stale_after: 60, notify_interval: 3600 }, 'state');
    const now = Math.floor(Date.now() / 1000);
    const msgs: Message[] = [
      { key: 'web1', load: 1, lastupdate: now - 600 },
      { key: 'web1', load: 2, lastupdate: now - 540 },
      { key: 'web1', load: 3.5, lastupdate: now - 480 },
    ];
    for (const m of msgs) state.react(m);
    rt.flush();
    assert.equal(msgs[0].state_init, 1);
    assert.equal(msgs[1].state_changed, undefined);
    assert.equal(msgs[1].state_change, 1);
    assert.equal(msgs[2].state_changed, 1);
    assert.equal(msgs[2].subject, 'web1: load increased: 1 => 3.5');
    const warnings = rt.monitor();
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0].subject), /^Warning: cache data for web1:load not updated in 8m(\d+s)?$/);
    assert.equal(rt.monitor().length, 0);
  });
});
