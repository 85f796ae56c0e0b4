import { html } from 'hono/html';
import type { SeriesInfo } from '../../runtime/series/series-db.js';
import { query, type Html } from './layout.js';
import { BadRequest, oneOf, time, type Params } from './params.js';

/** RANGES are the time ranges offered as one click, in seconds. */
const RANGES: Record<string, number> = { '1h': 3600, '6h': 6 * 3600, '1d': 86400, '7d': 7 * 86400, '30d': 30 * 86400, '1y': 365 * 86400 };
const DEFAULT_RANGE = '1d';

/** TimeRange is the time a page shows: a named range ending now, or from–to. */
export interface TimeRange {
  readonly name?: string;
  readonly from: number;
  readonly to: number;
}

/** timeRange reads `range`, or `from` (and `to`, default now), falling back to the last day. */
export function timeRange(q: Params, now: number): TimeRange {
  const from = time(q, 'from');
  const to = time(q, 'to') ?? now;
  const name = oneOf(q, 'range', Object.keys(RANGES));
  if (from === undefined) return { name: name ?? DEFAULT_RANGE, from: now - RANGES[name ?? DEFAULT_RANGE], to: now };
  if (!(from < to)) throw new BadRequest(`from (${q.from}) must come before to (${q.to ?? 'now'})`);
  return { from, to };
}

/** Chart is one graph: a field of a key, one line per host. */
export interface Chart {
  readonly key: string;
  readonly field: string;
  readonly hosts: string[];
}

/** charts groups series into graphs, keeping the chosen hosts. */
export function charts(series: SeriesInfo[], chosen: ReadonlySet<string> | undefined): Chart[] {
  const byName = new Map<string, Chart>();
  for (const s of series) {
    if (chosen && !chosen.has(s.host)) continue;
    const name = `${s.key}\0${s.field}`;
    if (!byName.has(name)) byName.set(name, { key: s.key, field: s.field, hosts: [] });
    byName.get(name)!.hosts.push(s.host);
  }
  return [...byName.values()];
}

const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 16);

/** graphsPage shows the chosen hosts' series over a time range; the charts draw themselves from /api/series. */
export function graphsPage(opts: { hosts: string[]; chosen: ReadonlySet<string> | undefined; range: TimeRange; charts: Chart[]; problem?: string }): Html {
  const { hosts, chosen, range } = opts;
  const hostArgs = chosen ? [...chosen] : [];
  const link = (name: string) => `/graphs${query({ range: name })}${hostArgs.map((h) => `&host=${encodeURIComponent(h)}`).join('')}`;
  return html`<h1>Graphs</h1>
${opts.problem ? html`<p class="problem">${opts.problem}</p>` : ''}
<form method="get" action="/graphs" class="filters" id="graph-form"${range.name ? html` data-range="${range.name}"` : ''}>
  <div class="ranges">${Object.keys(RANGES).map((r) => html`<a href="${link(r)}"${range.name === r ? html` aria-current="true"` : ''}>${r}</a>`)}</div>
  <fieldset class="hosts"><legend>hosts</legend>
    ${hosts.map((h) => html`<label class="check"><input type="checkbox" name="host" value="${h}"${!chosen || chosen.has(h) ? html` checked` : ''}> ${h}</label>`)}
  </fieldset>
  <span class="when">
    <label>from <input type="datetime-local" id="from" name="from" value="${iso(range.from)}" data-epoch="${range.from}"></label>
    <label>to <input type="datetime-local" id="to" name="to" value="${iso(range.to)}" data-epoch="${range.to}"></label>
    <button type="submit">Show</button>
  </span>
</form>
${opts.charts.length === 0 && !opts.problem ? html`<p class="empty">No series${chosen ? ' for these hosts' : ''} yet. A reactor rule with <code>plugin: Graph</code> stores them, e.g. <code>config: { fields: [load01, idle_sec] }</code>.</p>` : ''}
${opts.charts.map(
  (c) => html`<section class="chart" data-key="${c.key}" data-field="${c.field}" data-hosts="${c.hosts.join(' ')}" data-from="${range.from}" data-to="${range.to}">
  <h2>${c.field} <small>${c.key}</small></h2>
  <div class="plot"></div>
</section>`,
)}`;
}
