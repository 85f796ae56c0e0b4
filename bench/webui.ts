import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SeriesWriter } from '../runtime/series/series-db.js';
import { startWebui } from '../apps/webui/server.js';
import { webuiConfig } from '../apps/webui/webui-config.js';
import { median } from './median.js';

/*
 * The web UI over a year of one-minute load and idle values from 20 hosts
 * (21 million values, as the Graph plugin keeps them) and an inbox of
 * 100,000 notifications: how long the server takes for each page and chart,
 * and how long Chromium takes to show the graphs page.
 */

const DAY = 86400;
const HOSTS = 20;

export interface WebuiFigures {
  readonly values: number;
  readonly rows: number;
  readonly fileMb: number;
  readonly buildMs: number;
  readonly addPerSec: number;
  /** server time per request, median of 7, in ms */
  readonly server: { name: string; ms: number; kb: number }[];
  /** the graphs page in Chromium until all charts are drawn, median of 3, in ms (undefined without Chromium) */
  readonly browser: { name: string; ms: number }[] | undefined;
}

/** yearOfSeries fills a series file with a year of one-minute values for each host's load01 and idle_sec. */
function yearOfSeries(file: string, now: number): { values: number; ms: number } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const w = new SeriesWriter(db);
  const t0 = performance.now();
  let values = 0;
  const start = now - 365 * DAY;
  const n = 365 * 24 * 60;
  const t = new Array<number>(n);
  for (let i = 0; i < n; i++) t[i] = start + i * 60;
  for (let h = 0; h < HOSTS; h++) {
    const host = `host${String(h + 1).padStart(2, '0')}`;
    const load = t.map((x) => Math.max(0, 1 + Math.sin(x / 7200 + h) + ((x * 7919 + h) % 100) / 200));
    const idle = t.map((x) => (x + h * 600) % 5400);
    db.transaction(() => {
      w.addHistory(host, 'Uptime-load', 'load01', t, load, now);
      w.addHistory(host, 'Idle-desk', 'idle_sec', t, idle, now);
    })();
    values += 2 * n;
  }
  const ms = performance.now() - t0;
  db.close();
  return { values, ms };
}

/** addRate is how many values a second the Graph plugin's writer stores one by one (one transaction per 500, as reactor batches). */
function addRate(file: string, now: number): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const w = new SeriesWriter(db);
  const n = 100_000;
  const t0 = performance.now();
  for (let b = 0; b < n; b += 500) {
    db.transaction(() => {
      for (let i = b; i < b + 500; i++) w.add(`h${i % 20}`, 'Uptime-load', 'load01', 'GAUGE', now - n + i, i % 7, now);
    })();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

function inbox(file: string, now: number): void {
  const db = new Database(file);
  db.exec('CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT, hostname TEXT, mailbox TEXT, subject TEXT, link TEXT, color TEXT, lastupdate INTEGER, seen INTEGER)');
  const ins = db.prepare('INSERT INTO notifications (key, hostname, mailbox, subject, color, lastupdate, seen) VALUES (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 100_000; i++) {
      // 90% already seen; the unseen tenth in a few hundred groups of repeats
      ins.run(`Check-${i % 37}`, `host${String((i % HOSTS) + 1).padStart(2, '0')}`, ['alerts', 'news', 'mail'][i % 3], `problem ${i % 500}`, ['red', 'orange', 'blue'][i % 3], now - (100_000 - i) * 30, i % 10 === 0 ? null : now);
    }
  })();
  db.close();
}

async function timeGet(url: string, reps = 7): Promise<{ ms: number; kb: number }> {
  const times: number[] = [];
  let size = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    size = body.byteLength;
  }
  return { ms: median(times), kb: size / 1024 };
}

async function browserTimes(base: string): Promise<{ name: string; ms: number }[] | undefined> {
  if (!existsSync('/usr/bin/chromium')) return undefined;
  // playwright-core is a development dependency: a benchmark may use it, the web UI does not
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const out: { name: string; ms: number }[] = [];
  try {
    for (const [name, path, width] of [
      ['graphs, 1 year, 20 hosts, desktop', 'graphs?range=1y', 1280],
      ['graphs, 1 day, 20 hosts, desktop', 'graphs?range=1d', 1280],
      ['graphs, 1 year, 20 hosts, phone', 'graphs?range=1y', 390],
      ['inbox, 100,000 notifications, desktop', '', 1280],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        await page.goto(base + path);
        if (path.startsWith('graphs')) await page.waitForSelector('body[data-charts-drawn]', { timeout: 60_000 });
        times.push(performance.now() - t0);
      }
      out.push({ name, ms: median(times) });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** webuiFigures builds the year of data in `work` and measures the pages. */
export async function webuiFigures(root: string, work: string): Promise<WebuiFigures> {
  const home = join(work, 'webui-home');
  mkdirSync(join(home, 'sqlite'), { recursive: true });
  cpSync(join(root, 'examples', 'seed', 'config'), join(home, 'config'), { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  const seriesFile = join(home, 'sqlite', 'series.sql');
  const built = yearOfSeries(seriesFile, now);
  const rows = (() => {
    const db = new Database(seriesFile, { readonly: true });
    const n = (db.prepare('SELECT COUNT(*) AS n FROM series_points').get() as { n: number }).n;
    db.close();
    return n;
  })();
  const fileMb = statSync(seriesFile).size / 1024 / 1024;
  const addPerSec = addRate(join(work, 'add-rate.sql'), now);
  inbox(join(home, 'sqlite', 'notifications.sql'), now);

  const webui = await startWebui(webuiConfig(home, 'central', { port: '0' }), 'central', { info() {}, warn() {}, error() {} });
  try {
    const base = webui.url;
    const hosts = Array.from({ length: HOSTS }, (_, h) => `&host=host${String(h + 1).padStart(2, '0')}`).join('');
    const server: WebuiFigures['server'] = [];
    for (const [name, path] of [
      ['inbox page (100,000 rows, 10,000 unseen)', ''],
      ['graphs page', 'graphs?range=1y'],
      ['network page (seed, after the first)', 'network'],
      ['chart data, load01, 20 hosts, 1 hour', `api/series?key=Uptime-load&field=load01&points=1200&from=${now - 3600}&to=${now}${hosts}`],
      ['chart data, load01, 20 hosts, 1 day', `api/series?key=Uptime-load&field=load01&points=1200&from=${now - DAY}&to=${now}${hosts}`],
      ['chart data, load01, 20 hosts, 30 days', `api/series?key=Uptime-load&field=load01&points=1200&from=${now - 30 * DAY}&to=${now}${hosts}`],
      ['chart data, load01, 20 hosts, 1 year', `api/series?key=Uptime-load&field=load01&points=1200&from=${now - 365 * DAY}&to=${now}${hosts}`],
    ] as const) {
      server.push({ name, ...(await timeGet(base + path)) });
    }
    const browser = await browserTimes(base);
    return { values: built.values, rows, fileMb, buildMs: built.ms, addPerSec, server, browser };
  } finally {
    await webui.close();
  }
}
