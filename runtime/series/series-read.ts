import type Database from 'better-sqlite3';
import { hasSeriesTables, TIERS, type SeriesInfo } from './series-db.js';

/** Points are one series over a time range: times (epoch seconds) and values, null where there is a gap. */
export interface Points {
  /** step is the bucket width in seconds, 0 when the values are the stored ones. */
  readonly step: number;
  readonly t: number[];
  readonly v: (number | null)[];
  /** lo and hi are the least and greatest value in each bucket (only when step > 0) */
  readonly lo?: (number | null)[];
  readonly hi?: (number | null)[];
}

interface Row {
  t: number;
  v: number;
  lo?: number;
  hi?: number;
}

/** listSeries lists every stored series, by key, field and host. */
export function listSeries(db: Database.Database): SeriesInfo[] {
  if (!hasSeriesTables(db)) return [];
  return db.prepare('SELECT id, host, key, field, kind FROM series ORDER BY key, field, host').all() as SeriesInfo[];
}

/** tierFor is the finest tier whose points still reach back to `from`. */
function tierFor(from: number, now: number): number {
  return (TIERS.find((t) => from >= now - t.keep) ?? TIERS[TIERS.length - 1]).step;
}

/**
 * readPoints reads a series between from and to (epoch seconds, to
 * excluded), at most about `max` points: the stored values when they are few
 * enough, else averages over buckets of equal width, and with `bands`
 * each bucket's least and greatest value (a spike an average hides). A gap (an empty
 * bucket, or three times the usual spacing of stored values) gets a null, so
 * a chart breaks its line there instead of drawing across a time without data.
 */
export function readPoints(db: Database.Database, series: number, from: number, to: number, max: number, now: number, bands = false): Points {
  const step = tierFor(from, now);
  let width = Math.max(step, Math.ceil((to - from) / Math.max(1, max)));
  if (step > 0) width = Math.ceil(width / step) * step;
  let rows: Row[];
  if (step === 0 && (db.prepare('SELECT COUNT(*) AS n FROM series_points WHERE series = ? AND step = 0 AND t >= ? AND t < ?').get(series, from, to) as { n: number }).n <= max) {
    rows = db.prepare('SELECT t, sum AS v FROM series_points WHERE series = ? AND step = 0 AND t >= ? AND t < ? ORDER BY t').all(series, from, to) as typeof rows;
    width = 0;
  } else {
    // the width is an integer written into the SQL: bound, it would be a REAL and t / width would not round
    const w = String(Math.trunc(width));
    rows = db
      .prepare(`SELECT (t / ${w}) * ${w} AS t, SUM(sum) / SUM(n) AS v${bands ? ', MIN(min) AS lo, MAX(max) AS hi' : ''} FROM series_points WHERE series = ? AND step = ? AND t >= ? AND t < ? GROUP BY t / ${w} ORDER BY 1`)
      .all(series, step, from - (from % width), to) as typeof rows;
  }
  return withGaps(rows, width, bands);
}

function withGaps(rows: Row[], width: number, bands: boolean): Points {
  // a missing bucket is a gap; a stored value may come late once or twice before it is one
  const spacing = Math.max(width, medianSpacing(rows));
  const gap = (width > 0 ? 1.5 : 3) * spacing;
  const t: number[] = [];
  const v: (number | null)[] = [];
  const lo: (number | null)[] = [];
  const hi: (number | null)[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && rows[i].t - rows[i - 1].t > gap) {
      t.push(rows[i - 1].t + spacing);
      v.push(null);
      lo.push(null);
      hi.push(null);
    }
    t.push(rows[i].t);
    // an average's seventeenth digit is noise that only makes the page heavier
    v.push(width > 0 ? Number(rows[i].v.toPrecision(7)) : rows[i].v);
    lo.push(rows[i].lo ?? null);
    hi.push(rows[i].hi ?? null);
  }
  return width > 0 && bands ? { step: width, t, v, lo, hi } : { step: width, t, v };
}

function medianSpacing(rows: { t: number }[]): number {
  if (rows.length < 2) return 0;
  const d = rows.slice(1).map((r, i) => r.t - rows[i].t).sort((a, b) => a - b);
  return d[d.length >> 1];
}
