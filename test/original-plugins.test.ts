import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { hasErrors } from '../grammar/diagnostics/diagnostic.js';
import { createRuntime } from '../apps/wubot/host.js';
import { str } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { formatAge, parseTimeLength } from '../grammar/time-length.js';
import { isFibonacci } from '../stdlib/status.js';
import { compileText, repoRoot, tempDir, waitFor } from './helpers.js';

/*
 * Vectors made from the original wubot's own tests (t/time_lengths.t,
 * t/react_status.t and t/react_console.t of App-Wubot 0.5.0, t/react_state.t
 * of the 0.3 line): the same inputs, the answers those tests expect.
 */

const fixtures = join(repoRoot, 'test', 'fixtures', 'original');

function runtime(home = tempDir('wubot-original-')) {
  return { home, rt: createRuntime({ hostname: 'h', home }) };
}

describe('time lengths as the original reads and prints them', () => {
  it('prints ages rounded to the two largest parts', () => {
    const day = 86400;
    const table: [number, string][] = [
      [60, '1m'],
      [90, '1m30s'],
      [3600, '1h'],
      [5400, '1h30m'],
      [day, '1d'],
      [1.5 * day, '1d12h'],
      [0, '0s'],
      [-60, '-1m'],
      [8 * day, '1w1d'],
      [31 * day, '1M'],
      [38 * day, '1M1w'],
      [39 * day, '1M1w'],
      [366 * day, '1y'],
      [396 * day, '1y1M'],
      [20 * 365 * day + 7 * day, '20y'],
      [20 * 365 * day + 30 * day, '20y1M'],
      [1.5 * day + 70, '1d12h'],
      [12 * 3600 + 70, '12h1m'],
      [-(1.5 * day + 70), '-1d12h'],
      [-(12 * 3600 + 70), '-12h1m'],
    ];
    for (const [seconds, text] of table) assert.equal(formatAge(seconds), text, String(seconds));
    assert.equal(formatAge(parseTimeLength('1.5h')!), '1h30m');
    assert.equal(formatAge(parseTimeLength('0s')!), '0s');
    assert.equal(formatAge(parseTimeLength('s')!), '0s');
  });

  it('reads the forms the original reads', () => {
    const table: [unknown, number | undefined][] = [
      [60, 60],
      ['1m', 60],
      ['1M1w', 86400 * 37],
      ['+1m', 60],
      ['1h', 3600],
      ['1H', 3600],
      ['1h0m', 3600],
      ['1H0M', 3600],
      ['1h00m', 3600],
      ['1d', 86400],
      ['1D', 86400],
      ['1w', 604800],
      ['1W', 604800],
      ['1x', undefined],
      [-60, -60],
      ['-1m', -60],
      ['12h1m', 43260],
      ['12h 1m', 43260],
    ];
    for (const [text, seconds] of table) assert.equal(parseTimeLength(text), seconds, String(text));
  });
});

describe('Status as the original', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('sets status OK on a message without one, and counts repeated OKs without quieting them', () => {
    const { rt } = runtime();
    const status = rt.plugin('Status', {}, 'status');
    const t = now();
    const first: Message = { key: 'abc', lastupdate: t - 1 };
    status.react(first);
    assert.deepEqual(first, { key: 'abc', status: 'OK', lastupdate: t - 1, status_since: t - 1, status_count: 1 });
    const second: Message = { key: 'abc', status: 'OK', lastupdate: t };
    status.react(second);
    assert.deepEqual(second, { key: 'abc', status: 'OK', lastupdate: t, status_since: t - 1, status_count: 2 });
  });

  it('colours a first WARNING or CRITICAL, and a change names the previous status', () => {
    const { rt } = runtime();
    const status = rt.plugin('Status', {}, 'status');
    const t = now();
    const warning: Message = { key: 'w', status: 'WARNING', lastupdate: t };
    status.react(warning);
    assert.deepEqual(warning, { key: 'w', status: 'WARNING', lastupdate: t, status_since: t, status_count: 1, color: 'yellow' });
    status.react({ key: 'abc', status: 'OK', lastupdate: t });
    const critical: Message = { key: 'abc', status: 'CRITICAL', lastupdate: t };
    status.react(critical);
    assert.deepEqual(critical, { key: 'abc', status: 'CRITICAL', lastupdate: t, status_since: t, status_count: 1, status_previous: 'OK', color: 'red' });
  });

  it('shows a repeated CRITICAL on Fibonacci counts with its age, quiets the 4th, and keeps its colour', () => {
    const { rt } = runtime();
    const status = rt.plugin('Status', {}, 'status');
    const t = now();
    const got = [0, 1, 2, 3].map((i) => {
      const m: Message = { key: 'abc', subject: 'foo', status: 'CRITICAL', lastupdate: t - 3 + i };
      status.react(m);
      return m;
    });
    assert.deepEqual(got[0], { key: 'abc', subject: 'foo', status: 'CRITICAL', lastupdate: t - 3, status_since: t - 3, status_count: 1, color: 'red' });
    assert.match(String(got[1].subject), /^foo \[2x CRITICAL \(\d+s\)\]$/);
    assert.match(String(got[2].subject), /^foo \[3x CRITICAL \(\d+s\)\]$/);
    assert.deepEqual({ ...got[2], subject: undefined }, { key: 'abc', subject: undefined, status: 'CRITICAL', lastupdate: t - 1, status_since: t - 3, status_count: 3, color: 'red' });
    assert.deepEqual(got[3], { key: 'abc', subject: 'foo', status: 'CRITICAL', lastupdate: t, status_since: t - 3, status_count: 4, color: 'red', quiet: 1, suppress: 1 });
  });

  it('leaves a message alone that has status and status_count, or a status it does not know', () => {
    const { rt } = runtime();
    const status = rt.plugin('Status', {}, 'status');
    const done: Message = { key: 'abc', status: 'CRITICAL', status_count: 7 };
    status.react(done);
    assert.deepEqual(done, { key: 'abc', status: 'CRITICAL', status_count: 7 });
    const odd: Message = { key: 'abc', status: 'critical', lastupdate: 5 };
    status.react(odd);
    assert.deepEqual(odd, { key: 'abc', status: 'critical', lastupdate: 5 });
  });

  it('knows the Fibonacci numbers', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]) assert.ok(isFibonacci(n), String(n));
    for (const n of [4, 6, 7, 9, 10, 11, 12, 14]) assert.ok(!isFibonacci(n), String(n));
  });
});

describe('State as the original', () => {
  const cases: { desc: string; config: Record<string, unknown>; values: number[]; expect: Message }[] = [
    { desc: 'no change, 2 times', config: { field: 'a', change: 1 }, values: [5, 5], expect: { key: 'TestCase', a: 5 } },
    { desc: 'no change, 3 times', config: { field: 'a', change: 1 }, values: [5, 5, 5], expect: { key: 'TestCase', a: 5 } },
    { desc: 'change on decrease', config: { field: 'a', change: 1 }, values: [8, 3], expect: { key: 'TestCase', a: 3, subject: 'TestCase: a changed: 8 => 3', state_change: -5, state_changed: 1 } },
    { desc: 'change on increase', config: { field: 'a', change: 1 }, values: [3, 8], expect: { key: 'TestCase', a: 8, subject: 'TestCase: a changed: 3 => 8', state_change: 5, state_changed: 1 } },
    { desc: 'a fall within the change threshold', config: { field: 'a', change: 5 }, values: [5, 3], expect: { key: 'TestCase', a: 3, state_change: -2 } },
    { desc: 'a rise within the change threshold', config: { field: 'a', change: 5 }, values: [5, 7], expect: { key: 'TestCase', a: 7, state_change: 2 } },
    { desc: 'decrease', config: { field: 'a', decrease: 1 }, values: [8, 3], expect: { key: 'TestCase', a: 3, subject: 'TestCase: a decreased: 8 => 3', state_change: -5, state_changed: 1 } },
    { desc: 'decrease when the value rose', config: { field: 'a', decrease: 1 }, values: [3, 8], expect: { key: 'TestCase', a: 8, state_change: 5 } },
    { desc: 'increase', config: { field: 'a', increase: 1 }, values: [3, 8], expect: { key: 'TestCase', a: 8, subject: 'TestCase: a increased: 3 => 8', state_change: 5, state_changed: 1 } },
    { desc: 'increase when the value fell', config: { field: 'a', increase: 1 }, values: [8, 3], expect: { key: 'TestCase', a: 3, state_change: -5 } },
    { desc: 'increase of 10 wanted, 2 came', config: { field: 'a', increase: 10 }, values: [3, 5], expect: { key: 'TestCase', a: 5, state_change: 2 } },
    { desc: 'decrease of 10 wanted, 2 came', config: { field: 'a', decrease: 10 }, values: [5, 3], expect: { key: 'TestCase', a: 3, state_change: -2 } },
    { desc: 'only field: any change', config: { field: 'a' }, values: [5, 6], expect: { key: 'TestCase', a: 6, subject: 'TestCase: a changed: 5 => 6', state_change: 1, state_changed: 1 } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const { rt } = runtime();
      const state = rt.plugin('State', c.config, 'state');
      let got: Message = {};
      for (const a of c.values) state.react((got = { key: 'TestCase', a }));
      rt.flush();
      assert.deepEqual(got, c.expect);
    });
  }

  it('sets state_init on the first value only', () => {
    const { rt } = runtime();
    const state = rt.plugin('State', { field: 'a' }, 'state');
    const first: Message = { key: 'TestCase', a: 5 };
    state.react(first);
    assert.deepEqual(first, { key: 'TestCase', a: 5, state_init: 1 });
  });

  it('gives the age since the last reported change', () => {
    const { rt } = runtime();
    const state = rt.plugin('State', { field: 'a' }, 'state');
    const t = Math.floor(Date.now() / 1000);
    for (const [a, at] of [[1, t - 7200], [2, t - 5400]]) state.react({ key: 'k', a, lastupdate: at });
    const third: Message = { key: 'k', a: 3, lastupdate: t };
    state.react(third);
    assert.match(String(third.subject), /^k: a changed: 2 => 3 \(1h30m\)$/);
  });

  it('warns about a key not seen for 10 minutes, in the original words, a missing field counting as 0', () => {
    const { home, rt } = runtime();
    const state = rt.plugin('State', { field: 'testfield', change: 10 }, 'state');
    const t = Math.floor(Date.now() / 1000);
    assert.deepEqual(rt.monitor(), []);
    state.react({ key: 'testkey', testfield: 5, lastupdate: t - 50 });
    assert.deepEqual(rt.monitor(), []);
    state.react({ key: 'testkey', testfield: 5, lastupdate: t - 2 * 86400 });
    const [warning, ...more] = rt.monitor();
    assert.deepEqual(more, []);
    assert.ok(warning.lastupdate);
    assert.deepEqual({ ...warning, lastupdate: undefined }, { key: 'testkey', subject: 'Warning: cache data for testkey:testfield not updated in 2d', lastupdate: undefined });

    const missing = rt.plugin('State', { field: 'a', change: 10 }, 'missing');
    for (const key of ['TestCase1', 'TestCase2', 'TestCase3']) missing.react({ key, x: 5, lastupdate: t - 3600 });
    rt.flush();
    const subjects = (r: ReturnType<typeof runtime>['rt']) => r.monitor().map((m) => `${String(m.key)}|${String(m.subject)}`);
    const expected = [1, 2, 3].map((i) => `TestCase${i}|Warning: cache data for TestCase${i}:a not updated in 1h`);
    assert.deepEqual(subjects(rt).filter((s) => s.includes(':a ')), expected);
    // a later State on the same home finds them
    const again = runtime(home);
    again.rt.plugin('State', { field: 'a', change: 10 }, 'missing');
    assert.deepEqual(subjects(again.rt), expected);
  });

  it('warns once per notify_interval', async () => {
    const { rt } = runtime();
    const state = rt.plugin('State', { field: 'a', change: 10, notify_interval: '2s' }, 'state');
    state.react({ key: 'TestCase1', x: 5, lastupdate: Math.floor(Date.now() / 1000) - 3600 });
    rt.flush();
    assert.deepEqual(rt.monitor().map((m) => m.subject), ['Warning: cache data for TestCase1:a not updated in 1h']);
    assert.deepEqual(rt.monitor(), []);
    assert.ok(await waitFor(() => rt.monitor().length === 1, 20_000, 200));
  });
});

describe('Console as the original', () => {
  function capture(run: () => void): string {
    const write = process.stdout.write.bind(process.stdout);
    let out = '';
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
    try {
      run();
    } finally {
      process.stdout.write = write;
    }
    return out;
  }

  it('records the line and the colour on the message as console.<host>', () => {
    const { rt } = runtime();
    const console = rt.plugin('Console', { color: 'never' }, 'console');
    const shown = (m: Message) => {
      const printed = capture(() => console.react(m));
      const entry = (m.console as Record<string, { text: string; color: string }> | undefined)?.h;
      if (entry) assert.equal(printed, `${entry.text}\n`);
      else assert.equal(printed, '');
      return entry;
    };
    assert.equal(shown({ foo: 'bar' }), undefined);
    assert.equal(shown({ subject: 'quiet', quiet: 1 }), undefined);
    assert.equal(shown({ subject: 'console quiet', quiet_console: 1 }), undefined);
    assert.match(shown({ subject: 'foo', key: 'TestCase-test1' })!.text, /\[TestCase-test1\]\sfoo$/);
    assert.match(shown({ subject: 'foo', title: 'bar', key: 'TestCase-test1' })!.text, /\[TestCase-test1\]\sbar => foo$/);
    assert.equal(shown({ subject: 'orange message', color: 'yellow', urgent: 1 })!.color, 'bold yellow');
    assert.equal(shown({ subject: 'orange message', color: 'orange' })!.color, 'yellow');
    assert.equal(shown({ subject: 'black message', color: 'black' })!.color, 'bold black');
    assert.equal(shown({ subject: 'plain' })!.color, 'white');
    assert.match(shown({ subject: 'same', title: 'same', lastupdate: Math.floor(Date.now() / 1000) })!.text, /^\d\d:\d\d:\d\d> same$/);
  });

  it('shows the checksum when asked, and colours the terminal line as recorded', () => {
    const { rt } = runtime();
    const console = rt.plugin('Console', { color: 'always', checksum: 1 }, 'console');
    const m: Message = { subject: 's', color: 'red', checksum: '0123456789abcdef', lastupdate: Math.floor(Date.now() / 1000) };
    const printed = capture(() => console.react(m));
    const entry = (m.console as Record<string, { text: string; color: string }>).h;
    assert.match(entry.text, /^\d\d:\d\d:\d\d 01234567> s$/);
    assert.equal(printed, `\u001b[31m${entry.text}\u001b[0m\n`);
    const short: Message = { subject: 's', checksum: 'abc', lastupdate: m.lastupdate };
    capture(() => console.react(short));
    assert.match((short.console as Record<string, { text: string }>).h.text, /^\d\d:\d\d:\d\d > s$/);
  });
});

describe('SQLite without schema:, as the original', () => {
  it('reads <home>/schemas/<table>.yaml, with its constraints, and again when it changes', () => {
    const { home, rt } = runtime();
    mkdirSync(join(home, 'schemas', 'tv'), { recursive: true });
    writeFileSync(join(home, 'schemas', 'tags.yaml'), '---\nid: INTEGER PRIMARY KEY AUTOINCREMENT\ntag: VARCHAR(16)\nremoteid: INTEGER\nconstraints:\n  - UNIQUE( tag, remoteid ) ON CONFLICT REPLACE\nindexes:\n  - tag\n');
    const sqlite = rt.plugin('SQLite', { file: 'sqlite/t.sql', tablename: 'tags' }, 'sqlite');
    for (const m of [{ tag: 'a', remoteid: 1, other: 'x' }, { tag: 'a', remoteid: 1 }, { tag: 'b', remoteid: 1 }]) sqlite.react(m);
    rt.flush();
    const db = new Database(join(home, 'sqlite', 't.sql'));
    assert.deepEqual(db.prepare('SELECT tag, remoteid FROM tags ORDER BY tag').all(), [{ tag: 'a', remoteid: 1 }, { tag: 'b', remoteid: 1 }]);
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tags' AND sql IS NOT NULL").all(), [{ name: 'tags_tag' }]);
    writeFileSync(join(home, 'schemas', 'tags.yaml'), '---\nid: INTEGER PRIMARY KEY AUTOINCREMENT\ntag: VARCHAR(16)\nremoteid: INTEGER\nnote: TEXT\n');
    utimesSync(join(home, 'schemas', 'tags.yaml'), new Date(), new Date(Date.now() + 5000));
    sqlite.react({ tag: 'c', remoteid: 2, note: 'new column' });
    rt.flush();
    assert.deepEqual(db.prepare("SELECT note FROM tags WHERE tag = 'c'").get(), { note: 'new column' });
    db.close();

    writeFileSync(join(home, 'schemas', 'tv', 'station.yaml'), 'id: INTEGER\nname: TEXT\n');
    const tv = rt.plugin('SQLite', { file: 'sqlite/tv.sql', tablename: 'station', schema: 'tv' }, 'tv');
    tv.react({ id: 1, name: 'one' });
    rt.flush();
    const tvDb = new Database(join(home, 'sqlite', 'tv.sql'));
    assert.deepEqual(tvDb.prepare('SELECT id, name FROM station').all(), [{ id: 1, name: 'one' }]);
    tvDb.close();

    const none = rt.plugin('SQLite', { file: 'sqlite/t.sql', tablename: 'nosuch' }, 'none');
    assert.throws(() => none.react({ a: 1 }), /no schema for table nosuch: the rule gives no `schema:` and .*schemas\/nosuch\.yaml cannot be read \(ENOENT\)/);
    rt.flush();
  });

  it('lint takes a SQLite rule without schema:, and checks constraints', () => {
    const ok = compileText('rules:\n  - name: store\n    plugin: SQLite\n    config:\n      file: /path/to/myfile.sql\n      tablename: mytable\n', { until: 'check' });
    assert.equal(hasErrors(ok.diagnostics), false);
    const bad = compileText('rules:\n  - name: store\n    plugin: SQLite\n    config:\n      file: x.sql\n      tablename: t\n      schema: { a: TEXT, constraints: [ "CHECK (1); DROP TABLE t" ] }\n', { until: 'check' });
    assert.equal(hasErrors(bad.diagnostics), true);
  });
});

/*
 * Answers of the original itself, recorded by running its TimeLength, Status
 * (0.5.0) and State (0.3) on random cases (test/fixtures/original/*.jsonl):
 * every value compared by its Perl text, the age inside a subject left out
 * (it is the time since the original ran).
 */
describe('the original answers', () => {
  const fixture = (name: string) =>
    readFileSync(join(fixtures, `${name}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const perlText = (m: Message) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k === 'subject' ? str(v).replace(/ \((-?\w+)\)(\]?)$/, '$2') : str(v)]));

  it('time lengths: every age printed the same, every length the original reads read the same', () => {
    let read = 0;
    for (const c of fixture('time-lengths')) {
      if ('print' in c) assert.equal(formatAge(Number(c.print)), c.original, String(c.print));
      else if (c.original !== null) {
        read++;
        assert.equal(str(parseTimeLength(c.read)), c.original, String(c.read));
      }
    }
    assert.ok(read > 300);
  });

  for (const [name, configOf] of [
    ['state', (c: Record<string, unknown>) => c.config as Record<string, unknown>],
    ['status', () => ({})],
  ] as const) {
    it(`${name}: the messages of each sequence as the original left them`, () => {
      for (const c of fixture(name)) {
        const { rt } = runtime();
        const plugin = rt.plugin(name === 'state' ? 'State' : 'Status', configOf(c), name);
        const got = (c.messages as Message[]).map((m) => (plugin.react(m), m));
        rt.flush();
        assert.deepEqual(got.map(perlText), (c.original as Message[]).map(perlText), JSON.stringify(c));
      }
    });
  }
});
