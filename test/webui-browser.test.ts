import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { loadPipeline } from '../apps/wubot/load-pipeline.js';
import type { Message } from '../runtime/pipeline-api.js';
import { artifactDir, launchChromium } from './browser.js';
import { daemonUrl, repoRoot, startDaemon, stopChild, tempDir } from './helpers.js';

/*
 * The web UI in a real browser, over data that the seed's real rules stored:
 * the central host's reactor.yaml.central run over messages from the servers
 * (Graph keeps load and idle, SQLite keeps the CRITICAL ones for the inbox).
 */

const NOW = Math.floor(Date.now() / 1000);
const shots = artifactDir('webui');

/** runRules runs the seed's central rule tree over messages, in a wubot home, as the reactor would. */
async function runRules(home: string, messages: Message[]): Promise<void> {
  const loaded = await loadPipeline(join(home, 'config', 'reactor.yaml.central'), { hostname: 'central', home, cacheDir: join(home, 'cache') });
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.report);
  for (const m of messages) loaded.pipeline(m);
  loaded.runtime.flush();
  loaded.runtime.close();
}

function critical(host: string, key: string, subject: string, t: number, more: Message = {}): Message {
  return { key, hostname: host, status: 'CRITICAL', subject, lastupdate: t, noforward: 1, ...more };
}

describe('wubot webui in Chromium', () => {
  const home = tempDir('wubot-webui-');
  let webui: ChildProcess & { log: string };
  let url = '';
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const notifications = (where = '1') => {
    const db = new Database(join(home, 'sqlite', 'notifications.sql'), { readonly: true });
    try {
      return db.prepare(`SELECT subject, seen FROM notifications WHERE ${where} ORDER BY id`).all() as { subject: string; seen: number | null }[];
    } finally {
      db.close();
    }
  };

  before(async () => {
    cpSync(join(repoRoot, 'examples', 'seed', 'config'), join(home, 'config'), { recursive: true });
    const messages: Message[] = [];
    // fifty minutes of load from two servers, a value a minute, and the laptop's idle time
    for (let i = 50; i > 0; i--) {
      const t = NOW - i * 60;
      messages.push({ key: 'Uptime-load', hostname: 'web1', load01: 1 + (i % 5) / 10, lastupdate: t });
      messages.push({ key: 'Uptime-load', hostname: 'web2', load01: 3 + (i % 7) / 10, lastupdate: t + 7 });
      messages.push({ key: 'Idle-laptop', hostname: 'laptop', idle_sec: (i % 10) * 60, lastupdate: t + 20 });
    }
    // three alike from web1, one newer from web2, two in another mailbox from web3
    for (const t of [NOW - 300, NOW - 200, NOW - 100]) messages.push(critical('web1', 'Uptime-load', 'web1 load is 17', t, { color: 'red', mailbox: 'alerts' }));
    messages.push(critical('web2', 'Disk-root', 'web2 disk is full', NOW - 50, { color: 'orange', mailbox: 'alerts' }));
    messages.push(critical('web3', 'RSS-status', 'status page: outage', NOW - 1000, { color: 'blue', mailbox: 'news', link: 'https://status.invalid/1' }));
    messages.push(critical('web3', 'RSS-status', 'status page: resolved', NOW - 900, { color: 'blue', mailbox: 'news' }));
    // not CRITICAL: not for the inbox
    messages.push({ key: 'Disk-root', hostname: 'web2', status: 'OK', subject: 'web2 disk is fine', lastupdate: NOW - 10 });
    await runRules(home, messages);

    webui = await startDaemon('webui', home, 'central', ['--port', '0']);
    url = daemonUrl(webui);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    // thrown in the page, they fail the test that was running (an assert in the event handler would only crash the file)
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'the page threw');
  });

  after(async () => {
    await browser?.close();
    if (webui) await stopChild(webui);
  });

  it('shows the inbox newest first, grouped by mailbox, repeats collapsed, coloured', async () => {
    await page.goto(url);
    const sections = await page.$$eval('section.mailbox', (ss) =>
      ss.map((s) => ({
        mailbox: s.querySelector('h2 a')!.textContent,
        items: [...s.querySelectorAll('li.item')].map((li) => ({
          subject: li.querySelector('.subject')!.childNodes[0].textContent!.trim(),
          count: Number((li as HTMLElement).dataset.count),
          bar: getComputedStyle(li).borderLeftColor,
        })),
      })),
    );
    assert.deepEqual(sections, [
      {
        mailbox: 'alerts',
        items: [
          { subject: 'web2 disk is full', count: 1, bar: 'rgb(255, 165, 0)' },
          { subject: 'web1 load is 17', count: 3, bar: 'rgb(255, 0, 0)' },
        ],
      },
      {
        mailbox: 'news',
        items: [
          { subject: 'status page: resolved', count: 1, bar: 'rgb(0, 0, 255)' },
          { subject: 'status page: outage', count: 1, bar: 'rgb(0, 0, 255)' },
        ],
      },
    ]);
    assert.equal(await page.getAttribute('li.item a[href^="https://status.invalid"]', 'rel'), 'noreferrer noopener');
    await page.screenshot({ path: join(shots, 'inbox.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, 'inbox-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });

    // filters: by host
    await page.selectOption('select[name=host]', 'web3');
    await Promise.all([page.waitForURL(/host=web3/), page.click('form.filters button[type=submit]')]);
    assert.deepEqual(await page.$$eval('li.item .meta', (ms) => ms.map((m) => m.textContent!.split(' · ')[1].split(' ')[0])), ['web3', 'web3']);
  });

  it('marks one item seen, and then all that match a filter, with POSTs', async () => {
    await page.goto(url);
    const before = notifications();
    await Promise.all([page.waitForURL(/marked=3/), page.click('li.item[data-count="3"] form.seen-one button')]);
    assert.equal(await page.textContent('.notice'), 'Marked 3 notifications seen.');
    assert.deepEqual(await page.$$eval('li.item .subject', (s) => s.map((x) => x.textContent!.trim())), ['web2 disk is full', 'status page: resolved', 'status page: outage']);
    const after1 = notifications();
    assert.deepEqual(
      after1.map((r) => [r.subject, r.seen !== null]),
      before.map((r) => [r.subject, r.subject === 'web1 load is 17']),
    );

    await page.selectOption('select[name=mailbox]', 'news');
    await Promise.all([page.waitForURL(/mailbox=news/), page.click('form.filters button[type=submit]')]);
    await Promise.all([page.waitForURL(/marked=2/), page.click('form.seen-all button')]);
    assert.equal(await page.textContent('.notice'), 'Marked 2 notifications seen.');
    assert.deepEqual(notifications('seen IS NULL').map((r) => r.subject), ['web2 disk is full']);

    // seen ones come back, dimmed, when asked for
    await page.goto(`${url}?all=1`);
    assert.equal(await page.$$eval('li.item.seen', (l) => l.length), 3);
  });

  it('draws each host\'s stored load and idle values as the chart\'s points', async () => {
    await page.goto(`${url}graphs?range=1h`);
    await page.waitForSelector('body[data-charts-drawn="2"]');
    await page.screenshot({ path: join(shots, 'graphs.png'), fullPage: true });

    const drawn = await page.evaluate(() => {
      type U = { data: (number | null | undefined)[][]; series: { label: string; stroke: () => string }[]; valToPos(v: number, s: string, c: boolean): number; ctx: CanvasRenderingContext2D };
      const charts = (window as unknown as { wubotCharts: { field: string; hosts: string[]; u: U }[] }).wubotCharts;
      const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
      return charts.map((c) => {
        const [xs, ...ys] = c.u.data;
        const img = c.u.ctx;
        return {
          field: c.field,
          hosts: c.hosts.map((host, s) => {
            const color = hex(c.u.series[s + 1].stroke() as unknown as string);
            const points: [number, number][] = [];
            let inked = 0;
            xs.forEach((x, i) => {
              const y = ys[s][i];
              if (y === null || y === undefined) return;
              points.push([x as number, y]);
              // the series' colour must be on the canvas where this point lies
              const px = Math.round(c.u.valToPos(x as number, 'x', true));
              const py = Math.round(c.u.valToPos(y, 'y', true));
              const d = img.getImageData(px - 3, py - 3, 7, 7).data;
              for (let k = 0; k < d.length; k += 4) {
                if (Math.abs(d[k] - color[0]) + Math.abs(d[k + 1] - color[1]) + Math.abs(d[k + 2] - color[2]) < 60 && d[k + 3] > 200) {
                  inked++;
                  break;
                }
              }
            });
            return { host, points, inked };
          }),
        };
      });
    });

    const db = new Database(join(home, 'sqlite', 'series.sql'), { readonly: true });
    const stored = (host: string, field: string) =>
      (db.prepare('SELECT p.t, p.sum FROM series s JOIN series_points p ON p.series = s.id WHERE s.host = ? AND s.field = ? AND p.step = 0 AND p.t >= ? ORDER BY p.t').all(host, field, NOW - 3600 - 5) as { t: number; sum: number }[]).map(
        (r) => [r.t, r.sum],
      );
    try {
      assert.deepEqual(drawn.map((c) => [c.field, c.hosts.map((h) => h.host)]), [['idle_sec', ['laptop']], ['load01', ['web1', 'web2']]]);
      for (const c of drawn) {
        for (const h of c.hosts) {
          assert.equal(h.points.length, 50, `${h.host} ${c.field}`);
          assert.deepEqual(h.points, stored(h.host, c.field), `${h.host} ${c.field}: drawn points are the stored values`);
          assert.equal(h.inked, h.points.length, `${h.host} ${c.field}: every point is drawn in the host's colour`);
        }
      }
    } finally {
      db.close();
    }

    // a week: bucket averages, shaded from each bucket's least to greatest value
    await page.goto(`${url}graphs?range=7d&host=web1`);
    await page.waitForSelector('body[data-charts-drawn="1"]');
    const week = await page.evaluate(() => {
      const c = (window as unknown as { wubotCharts: { step: number[]; bands: { lo: number[]; hi: number[] }[]; u: { data: number[][] } }[] }).wubotCharts[0];
      const nums = (a: unknown[]) => a.filter((x): x is number => typeof x === 'number');
      return { step: c.step[0], v: nums(c.u.data[1]), lo: nums(c.bands[0].lo), hi: nums(c.bands[0].hi) };
    });
    assert.ok(week.step >= 300, `bucketed (${week.step} s)`);
    assert.equal(Math.max(...week.hi), 1.4, 'the greatest stored value shows');
    assert.equal(Math.min(...week.lo), 1, 'the least stored value shows');
    // a bucket at either end may hold a single value (where the hour falls on the clock decides), whose average is itself
    assert.equal(week.v.length, week.lo.length);
    assert.ok(week.v.every((v, i) => v >= week.lo[i] && v <= week.hi[i]), 'each bucket\'s line lies within its shade');
    assert.ok(week.v.some((v, i) => v > week.lo[i] && v < week.hi[i]), 'while the line is of averages');
    await page.screenshot({ path: join(shots, 'graphs-week.png'), fullPage: true });

    // a phone: the chart fits the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}graphs?range=1h&host=web1`);
    await page.waitForSelector('body[data-charts-drawn="1"]');
    const width = await page.$eval('section.chart canvas', (c) => c.getBoundingClientRect().width);
    assert.ok(width <= 390 && width > 250, `chart ${width} px wide on a 390 px screen`);
    await page.screenshot({ path: join(shots, 'graphs-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('draws the host network, and marks a loop once the config has one', async () => {
    await page.goto(`${url}network`);
    const svgText = await page.$eval('figure svg', (s) => s.textContent ?? '');
    for (const h of ['central', 'laptop', 'web1', 'web2', 'web3']) assert.ok(svgText.includes(h), `${h} in the picture`);
    assert.equal(await page.textContent('.ok'), 'No routing loops.');
    assert.equal(await page.$$eval('figure svg [stroke="red"]', (e) => e.length), 0);

    // the laptop forgets to forward only its own data: central relays CRITICAL messages back to it
    const laptop = join(home, 'config', 'reactor.yaml.laptop');
    writeFileSync(laptop, readFileSync(laptop, 'utf8').replace('        condition: noforward is false\n', ''));
    await page.reload();
    assert.match((await page.textContent('.bad')) ?? '', /1 routing loop/);
    assert.ok((await page.$$eval('figure svg [stroke="red"]', (e) => e.length)) > 0, 'loop hops drawn in red');
    assert.match((await page.textContent('.loops')) ?? '', /central → laptop → central/);
    await page.screenshot({ path: join(shots, 'network.png'), fullPage: true });
  });
});
