import type Database from 'better-sqlite3';

/*
 * Numeric series over time in one SQLite file, in place of the original's
 * RRD files. Every value is kept as it came for a few days, and also added
 * into 5-minute, hourly and daily buckets (count, sum, min, max), each tier
 * kept longer than the one before; old points of a fine tier are deleted, so
 * a series takes about 22,000 rows whatever its age. The graphs read the
 * finest tier that still covers the time they show.
 */

const DAY = 86400;

/** Tier is one resolution: `step` seconds per bucket (0 keeps each value), kept for `keep` seconds. */
export interface Tier {
  readonly step: number;
  readonly keep: number;
}

/** TIERS are the resolutions every series is stored at, finest first. */
export const TIERS: readonly Tier[] = [
  { step: 0, keep: 3 * DAY },
  { step: 300, keep: 35 * DAY },
  { step: 3600, keep: 400 * DAY },
  { step: DAY, keep: 3650 * DAY },
];

/** SeriesKind says how a stored value is made from the field: GAUGE as it is, COUNTER/DERIVE as a rate per second. */
export type SeriesKind = 'GAUGE' | 'COUNTER' | 'DERIVE';

/** SeriesInfo names one series: a field of a key's messages from one host. */
export interface SeriesInfo {
  readonly id: number;
  readonly host: string;
  readonly key: string;
  readonly field: string;
  readonly kind: SeriesKind;
}

/** hasSeriesTables tells whether a database holds series (a graphs page over a new file shows none). */
export function hasSeriesTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'series_points'").get() !== undefined;
}

/** ensureSeriesTables creates the series tables when missing. */
function ensureSeriesTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS series (
      id INTEGER PRIMARY KEY,
      host TEXT NOT NULL,
      key TEXT NOT NULL,
      field TEXT NOT NULL,
      kind TEXT NOT NULL DEFAULT 'GAUGE',
      last_t INTEGER,
      last_v REAL,
      UNIQUE (host, key, field)
    );
    CREATE TABLE IF NOT EXISTS series_points (
      series INTEGER NOT NULL,
      step INTEGER NOT NULL,
      t INTEGER NOT NULL,
      n INTEGER NOT NULL,
      sum REAL NOT NULL,
      min REAL NOT NULL,
      max REAL NOT NULL,
      PRIMARY KEY (series, step, t)
    ) WITHOUT ROWID;
  `);
}

const PRUNE_EVERY = 600;

/**
 * SeriesWriter adds values to series. It writes in whatever transaction the
 * caller has open (the Graph plugin commits once per reactor batch).
 */
export class SeriesWriter {
  private readonly ids = new Map<string, { id: number; kind: SeriesKind; lastT: number | null; lastV: number | null }>();
  private readonly prunedAt = new Map<number, number>();
  private readonly find: Database.Statement;
  private readonly create: Database.Statement;
  private readonly setLast: Database.Statement;
  private readonly insertRaw: Database.Statement;
  private readonly addBucket: Database.Statement;
  private readonly prune: Database.Statement;

  constructor(db: Database.Database) {
    ensureSeriesTables(db);
    this.find = db.prepare('SELECT id, kind, last_t AS lastT, last_v AS lastV FROM series WHERE host = ? AND key = ? AND field = ?');
    this.create = db.prepare('INSERT INTO series (host, key, field, kind) VALUES (?, ?, ?, ?)');
    this.setLast = db.prepare('UPDATE series SET last_t = ?, last_v = ? WHERE id = ?');
    this.insertRaw = db.prepare('INSERT OR IGNORE INTO series_points (series, step, t, n, sum, min, max) VALUES (?, 0, ?, 1, ?, ?, ?)');
    this.addBucket = db.prepare(
      'INSERT INTO series_points (series, step, t, n, sum, min, max) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (series, step, t) DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max)',
    );
    this.prune = db.prepare('DELETE FROM series_points WHERE series = ? AND step = ? AND t < ?');
  }

  /**
   * add stores the field's value at time t (epoch seconds) and reports
   * whether it was stored. A second value of a series in the same second is
   * ignored (as RRD did), which also makes a redelivered message harmless; a
   * counter stores its rate since the previous value, so its first value and
   * any value not newer than the last are not stored.
   */
  add(host: string, key: string, field: string, kind: SeriesKind, t: number, value: number, now: number): boolean {
    t = Math.floor(t);
    const s = this.series(host, key, field, kind);
    let v = value;
    if (s.kind !== 'GAUGE') {
      const { lastT, lastV } = s;
      if (lastT !== null && t <= lastT) return false;
      s.lastT = t;
      s.lastV = value;
      this.setLast.run(t, value, s.id);
      if (lastT === null || lastV === null) return false;
      v = (value - lastV) / (t - lastT);
      if (s.kind === 'COUNTER' && v < 0) return false; // a counter that went back was reset
    }
    if (t >= now - TIERS[0].keep) {
      if (this.insertRaw.run(s.id, t, v, v, v).changes === 0) return false;
    }
    for (const tier of TIERS) {
      if (tier.step === 0 || t < now - tier.keep) continue;
      this.addBucket.run(s.id, tier.step, t - (t % tier.step), 1, v, v, v);
    }
    this.pruneSometimes(s.id, now);
    return true;
  }

  /**
   * addHistory stores many past values of a gauge at once (times ascending),
   * as add would one by one, with each bucket summed in memory and written
   * once: a year of one-minute values takes seconds instead of minutes.
   */
  addHistory(host: string, key: string, field: string, t: readonly number[], v: readonly number[], now: number): void {
    const s = this.series(host, key, field, 'GAUGE');
    for (const tier of TIERS) {
      const since = now - tier.keep;
      if (tier.step === 0) {
        for (let i = 0; i < t.length; i++) if (t[i] >= since) this.insertRaw.run(s.id, Math.floor(t[i]), v[i], v[i], v[i]);
        continue;
      }
      let bucket = NaN;
      let n = 0;
      let sum = 0;
      let min = 0;
      let max = 0;
      const write = () => n > 0 && this.addBucket.run(s.id, tier.step, bucket, n, sum, min, max);
      for (let i = 0; i < t.length; i++) {
        const at = Math.floor(t[i]);
        if (at < since) continue;
        const b = at - (at % tier.step);
        if (b !== bucket) {
          write();
          [bucket, n, sum, min, max] = [b, 0, 0, v[i], v[i]];
        }
        n++;
        sum += v[i];
        if (v[i] < min) min = v[i];
        if (v[i] > max) max = v[i];
      }
      write();
    }
    this.pruneSometimes(s.id, now);
  }

  private pruneSometimes(id: number, now: number): void {
    const last = this.prunedAt.get(id);
    if (last !== undefined && now - last < PRUNE_EVERY) return;
    for (const tier of TIERS) this.prune.run(id, tier.step, now - tier.keep);
    this.prunedAt.set(id, now);
  }

  private series(host: string, key: string, field: string, kind: SeriesKind) {
    const name = `${host}\0${key}\0${field}`;
    let s = this.ids.get(name);
    if (!s) {
      const row = this.find.get(host, key, field) as { id: number; kind: SeriesKind; lastT: number | null; lastV: number | null } | undefined;
      s = row ?? { id: Number(this.create.run(host, key, field, kind).lastInsertRowid), kind, lastT: null, lastV: null };
      this.ids.set(name, s);
    }
    return s;
  }
}
