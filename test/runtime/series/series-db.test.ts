import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createRuntime } from '../../../apps/wubot/host.js';
import { SeriesWriter } from '../../../runtime/series/series-db.js';
import { listSeries, readPoints } from '../../../runtime/series/series-read.js';
import { tempDir } from '../../helpers.js';

const DAY = 86400;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0) / 1000;

function memoryWriter() {
  const db = new Database(':memory:');
  return { db, w: new SeriesWriter(db) };
}

function rows(db: Database.Database, step: number) {
  return db.prepare('SELECT t, n, sum, min, max FROM series_points WHERE step = ? ORDER BY t').all(step) as { t: number; n: number; sum: number; min: number; max: number }[];
}

describe('series store', () => {
  it('keeps each value and adds it into 5-minute, hourly and daily buckets', () => {
    const { db, w } = memoryWriter();
    const start = NOW - 3600; // on an hour boundary
    for (let i = 0; i < 10; i++) w.add('web1', 'Uptime-load', 'load01', 'GAUGE', start + i * 60, i, NOW);
    assert.deepEqual(rows(db, 0).map((r) => [r.t, r.sum]), Array.from({ length: 10 }, (_, i) => [start + i * 60, i]));
    assert.deepEqual(rows(db, 300), [
      { t: start, n: 5, sum: 10, min: 0, max: 4 },
      { t: start + 300, n: 5, sum: 35, min: 5, max: 9 },
    ]);
    assert.deepEqual(rows(db, 3600), [{ t: start, n: 10, sum: 45, min: 0, max: 9 }]);
    assert.equal(rows(db, DAY).length, 1);
    assert.deepEqual(listSeries(db).map((s) => [s.host, s.key, s.field]), [['web1', 'Uptime-load', 'load01']]);
  });

  it('ignores a second value in the same second, so a redelivered message counts once', () => {
    const { db, w } = memoryWriter();
    assert.equal(w.add('h', 'k', 'f', 'GAUGE', NOW - 10, 1, NOW), true);
    assert.equal(w.add('h', 'k', 'f', 'GAUGE', NOW - 10, 1, NOW), false);
    assert.equal(rows(db, 300)[0].n, 1);
  });

  it('stores a counter as its rate and skips a reset', () => {
    const { db, w } = memoryWriter();
    assert.equal(w.add('h', 'net', 'bytes', 'COUNTER', NOW - 120, 1000, NOW), false);
    assert.equal(w.add('h', 'net', 'bytes', 'COUNTER', NOW - 60, 7000, NOW), true);
    assert.equal(w.add('h', 'net', 'bytes', 'COUNTER', NOW - 30, 10, NOW), false);
    assert.equal(w.add('h', 'net', 'bytes', 'COUNTER', NOW, 310, NOW), true);
    assert.deepEqual(rows(db, 0).map((r) => r.sum), [100, 10]);
  });

  it('keeps old values only in the coarser tiers and deletes what a tier no longer keeps', () => {
    const { db, w } = memoryWriter();
    w.add('h', 'k', 'f', 'GAUGE', NOW - 10 * DAY, 5, NOW);
    assert.equal(rows(db, 0).length, 0);
    assert.equal(rows(db, 300).length, 1);
    w.add('h', 'k', 'f', 'GAUGE', NOW - 2 * DAY, 6, NOW);
    assert.equal(rows(db, 0).length, 1);
    // forty days later: the 5-minute buckets and the values are gone, the hourly ones stay
    w.add('h', 'k', 'f', 'GAUGE', NOW + 40 * DAY, 7, NOW + 40 * DAY);
    assert.deepEqual(rows(db, 0).map((r) => r.sum), [7]);
    assert.deepEqual(rows(db, 300).map((r) => r.sum), [7]);
    assert.deepEqual(rows(db, 3600).map((r) => r.sum), [5, 6, 7]);
  });

  it('reads the stored values for a short range and bucket averages for a long one, with gaps as nulls', () => {
    const { db, w } = memoryWriter();
    for (let t = NOW - 2 * DAY; t < NOW; t += 60) {
      if (t >= NOW - DAY - 3600 && t < NOW - DAY) continue; // an hour without data
      w.add('h', 'k', 'f', 'GAUGE', t, (t / 60) % 10, NOW);
    }
    const id = listSeries(db)[0].id;
    const hour = readPoints(db, id, NOW - 3600, NOW, 1000, NOW);
    assert.equal(hour.step, 0);
    assert.equal(hour.t.length, 60);
    assert.deepEqual(hour.v.slice(0, 3), [0, 1, 2].map((i) => ((NOW - 3600) / 60 + i) % 10));

    const twoDays = readPoints(db, id, NOW - 2 * DAY, NOW, 100, NOW);
    assert.equal(twoDays.step, Math.ceil((2 * DAY) / 100));
    assert.ok(twoDays.t.length <= 101, `${twoDays.t.length} points`);
    const gap = twoDays.v.indexOf(null);
    assert.ok(gap > 0, 'the hour without data is a gap');
    assert.ok(twoDays.t[gap] > NOW - DAY - 3600 - twoDays.step && twoDays.t[gap] < NOW - DAY, `gap at ${NOW - twoDays.t[gap]} s ago`);
    const values = twoDays.v.filter((v): v is number => v !== null);
    assert.ok(values.every((v) => v > 3 && v < 6), 'bucket averages of 0..9 lie near 4.5');

    assert.equal(twoDays.lo, undefined, 'no bands unless asked');
    const banded = readPoints(db, id, NOW - 2 * DAY, NOW, 100, NOW, true);
    assert.deepEqual([Math.min(...(banded.lo!.filter((x) => x !== null) as number[])), Math.max(...(banded.hi!.filter((x) => x !== null) as number[]))], [0, 9]);
    assert.ok(banded.v.every((x, i) => x === null || (banded.lo![i]! <= x && x <= banded.hi![i]!)));

    const year = readPoints(db, id, NOW - 365 * DAY, NOW, 500, NOW);
    assert.equal(year.step % 3600, 0, 'a year is read from the hourly tier');
  });

  it('stores a history in one pass exactly as value by value', () => {
    const one = memoryWriter();
    const many = memoryWriter();
    const t: number[] = [];
    const v: number[] = [];
    // 50 days, a value every 17 minutes: every tier, bucket edges and values past a tier's keep
    for (let at = NOW - 50 * DAY; at < NOW; at += 17 * 60) {
      t.push(at);
      v.push(Math.round(Math.sin(at / 5000) * 100) / 10);
      one.w.add('h', 'k', 'f', 'GAUGE', at, v[v.length - 1], NOW);
    }
    many.w.addHistory('h', 'k', 'f', t, v, NOW);
    const all = (db: Database.Database) => db.prepare('SELECT step, t, n, round(sum, 6) AS sum, min, max FROM series_points ORDER BY step, t').all();
    assert.deepEqual(all(many.db), all(one.db));
    assert.ok((all(one.db) as unknown[]).length > 500);
  });

  it('the Graph plugin stores fields per host and key at the message time, skipping what is not a number', () => {
    const home = tempDir('wubot-graph-');
    const rt = createRuntime({ hostname: 'here', home });
    const graph = rt.plugin('Graph', { fields: { load01: 'GAUGE', idle_sec: 'GAUGE' }, key_field: 'key instance' }, 'graphs');
    const t = Math.floor(Date.now() / 1000) - 60;
    graph.react({ key: 'Uptime', instance: 'a', hostname: 'web1', load01: '0.5', idle_sec: 'none', lastupdate: t });
    graph.react({ key: 'Uptime', instance: 'a', load01: 2, lastupdate: t });
    rt.flush();
    const db = new Database(join(home, 'sqlite', 'series.sql'), { readonly: true });
    const got = db.prepare('SELECT s.host, s.key, s.field, p.t, p.sum FROM series s JOIN series_points p ON p.series = s.id WHERE p.step = 0 ORDER BY s.host').all();
    db.close();
    assert.deepEqual(got, [
      { host: 'here', key: 'Uptime-a', field: 'load01', t, sum: 2 },
      { host: 'web1', key: 'Uptime-a', field: 'load01', t, sum: 0.5 },
    ]);
  });
});
