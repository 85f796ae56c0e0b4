import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { daemonUrl, startDaemon, stopChild, wubotHome } from '../../helpers.js';

/** What peers and old versions may leave in the lastupdate column, next to sane rows. */
const ODD_TIMES: unknown[] = ['2001-12-14 21:59:43', 1e13, -5, 'NaN', 'not a time', 1.5e300, Buffer.from('blob'), ''];

function hostileHome(): string {
  const home = wubotHome('webui', {});
  mkdirSync(join(home, 'sqlite'), { recursive: true });
  const db = new Database(join(home, 'sqlite', 'notifications.sql'));
  db.exec('CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT, hostname TEXT, mailbox TEXT, subject TEXT, link TEXT, color TEXT, lastupdate INTEGER, seen INTEGER)');
  const add = db.prepare('INSERT INTO notifications (key, hostname, subject, lastupdate) VALUES (?, ?, ?, ?)');
  add.run('k', 'h', 'sane one', 1764300000);
  ODD_TIMES.forEach((t, i) => add.run('k', 'peer', `odd ${i}`, t));
  add.run('k', 'h', 'sane two', 1764300100);
  db.close();
  return home;
}

describe('web UI against hostile rows and parameters', () => {
  let child: ChildProcess & { log: string };
  let url: string;
  before(async () => {
    child = await startDaemon('webui', hostileHome(), 'h', ['--port', '0']);
    url = daemonUrl(child);
  });
  after(async () => child && (await stopChild(child)));

  it('shows every notification whatever its lastupdate, reading a date given as text', async () => {
    const r = await fetch(url);
    const page = await r.text();
    assert.equal(r.status, 200, page);
    for (const s of ['sane one', 'sane two', ...ODD_TIMES.map((_, i) => `odd ${i}`)]) assert.match(page, new RegExp(`>${s}<`), s);
    assert.match(page, /title="2001-12-14 21:59:43 UTC"/);
    assert.match(page, /time unknown/);
  });

  it('answers a bad parameter with 400 and the reason, on every route', async () => {
    const bad: [string, RegExp][] = [
      ['?page=1e308', /page: `1e308` is not a whole number/],
      ['?page=-1', /page: `-1`/],
      ['?page=abc', /page: `abc`/],
      ['?page=99999999999', /from 1 to 1000000/],
      ['?upto=1.5', /upto/],
      ['?all=yes', /all: `yes` is neither 1 nor 0/],
      ['?marked=NaN', /marked/],
      [`?key=${'x'.repeat(5000)}`, /key: longer than 1000 characters/],
      ['graphs?to=99999999999999&from=1', /to: `99999999999999` is not a time/],
      ['graphs?from=-5', /from: `-5`/],
      ['graphs?from=2000&to=1000', /from \(2000\) must come before to \(1000\)/],
      ['graphs?range=2h', /range: `2h` is not one of 1h, 6h/],
      ['api/series?key=k&field=f&from=NaN', /from: `NaN`/],
      ['api/series?key=k&field=f&points=1e9', /points/],
      ['api/series?key=k&field=f&bands=true', /bands/],
      ['api/series?key=k&field=f&to=1e400', /to/],
    ];
    for (const [path, reason] of bad) {
      const r = await fetch(url + path);
      const body = await r.text();
      assert.equal(r.status, 400, `${path}: ${body.slice(0, 300)}`);
      assert.match(body, reason, path);
    }
    for (const good of ['?page=1', '?all=1&page=2', 'graphs?range=7d', 'graphs?from=2026-11-01T10:00&to=2026-11-02', 'api/series?key=k&field=f&from=1000&to=2000&points=50&bands=1']) {
      assert.equal((await fetch(url + good)).status, 200, good);
    }
  });

  it('never answers 500, whatever the query (fuzzed)', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('1e308', '-0', '0x10', 'NaN', 'Infinity', '%', '%E0%A4%A', '1'.repeat(400), '9'.repeat(30), '2001-12-14 21:59:43', ''),
      fc.double().map(String),
      fc.integer().map(String),
    );
    const names = ['page', 'upto', 'key', 'host', 'mailbox', 'all', 'marked', 'range', 'from', 'to', 'points', 'field', 'bands'];
    const params = fc.array(fc.tuple(fc.constantFrom(...names), value), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('', 'graphs', 'api/series', 'network'), params, async (route, ps) => {
        const q = ps.map(([k, v]) => `${k}=${v.replace(/[#&]/g, encodeURIComponent)}`).join('&');
        const r = await fetch(`${url}${route}?${q}`);
        await r.arrayBuffer();
        return r.status < 500;
      }),
      { numRuns: 150 },
    );
    assert.doesNotMatch(child.log, /web UI page failed/);
  });
});
