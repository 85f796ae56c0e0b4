import { html } from 'hono/html';
import { epochSeconds, formatAge } from '../../grammar/time-length.js';
import type { Filter, Item, Listing } from './inbox.js';
import { query, type Html } from './layout.js';

const COLOR = /^(?:[a-zA-Z]{1,20}|#[0-9a-fA-F]{3,8})$/;

/** cssColor is a message's `color` when it is a colour name or #hex, else undefined (it goes into a style). */
function cssColor(color: string | null): string | undefined {
  return color && COLOR.test(color) ? color : undefined;
}

function safeLink(link: string | null): string | undefined {
  return link && /^https?:\/\//i.test(link) ? link : undefined;
}

function hidden(values: Record<string, string | number | undefined>): Html {
  return html`${Object.entries(values).map(([k, v]) => (v === undefined || v === '' ? '' : html`<input type="hidden" name="${k}" value="${v}">`))}`;
}

function select(name: string, label: string, value: string | undefined, choices: string[]): Html {
  return html`<label>${label}
    <select name="${name}"><option value="">any</option>${choices.map((c) => html`<option${c === value ? html` selected` : ''}>${c}</option>`)}</select>
  </label>`;
}

function item(i: Item, now: number, back: Record<string, string | undefined>, postKey: string, upto: number): Html {
  const color = cssColor(i.color);
  const link = safeLink(i.link);
  // a peer's row may hold any lastupdate: a date as text is read, what is no time at all is shown as unknown
  const t = epochSeconds(i.lastupdate);
  const given = i.lastupdate !== null && i.lastupdate !== undefined && i.lastupdate !== '';
  const age = t !== undefined ? `${formatAge(Math.max(0, now - t))} ago` : given ? 'time unknown' : '';
  const when = t !== undefined ? new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : given ? `lastupdate: ${String(i.lastupdate).slice(0, 100)}` : '';
  return html`<li class="item${i.unseen === 0 ? ' seen' : ''}" data-id="${i.id}" data-count="${i.count}"${color ? html` style="--c: ${color}"` : ''}>
  <div class="subject">${link ? html`<a href="${link}" rel="noreferrer noopener">${i.subject}</a>` : i.subject}${i.count > 1 ? html` <span class="count" title="${i.count} alike">×${i.count}</span>` : ''}</div>
  <div class="meta">${[i.key, i.hostname].filter(Boolean).join(' · ')} <time title="${when}">${age}</time></div>
  ${i.unseen > 0
    ? html`<form method="post" action="/notify/seen" class="seen-one">${hidden({ csrf: postKey, id: i.id, upto, ...back })}<button type="submit" title="mark seen">✓</button></form>`
    : ''}
</li>`;
}

/** inboxPage shows the notifications grouped by mailbox, newest first. */
export function inboxPage(opts: { listing: Listing; filter: Filter; postKey: string; now: number; notice?: string; problem?: string }): Html {
  const { listing, filter, postKey, now } = opts;
  const back = { key: filter.key, host: filter.host, mailbox: filter.mailbox, all: filter.all ? '1' : undefined };
  const mailboxes = new Map<string, Item[]>();
  for (const i of listing.items) {
    const m = i.mailbox ?? '';
    if (!mailboxes.has(m)) mailboxes.set(m, []);
    mailboxes.get(m)!.push(i);
  }
  const total = listing.items.reduce((n, i) => n + i.unseen, 0);
  // one row that cannot be drawn is left out with a note; it never hides the others
  const drawn = new Map<Item, Html>();
  const failed: string[] = [];
  for (const i of listing.items) {
    try {
      drawn.set(i, item(i, now, back, postKey, listing.upto));
    } catch (e) {
      failed.push(`row ${String(i.id)}: ${(e as Error).message}`);
    }
  }
  return html`<h1>Notifications</h1>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
${opts.problem ? html`<p class="problem">${opts.problem}</p>` : ''}
${failed.length ? html`<p class="problem">${failed.length} notification${failed.length === 1 ? '' : 's'} could not be shown (${failed.slice(0, 3).join('; ')}).</p>` : ''}
<form method="get" action="/" class="filters">
  ${select('key', 'key', filter.key, listing.choices.key)}
  ${select('host', 'host', filter.host, listing.choices.host)}
  ${select('mailbox', 'mailbox', filter.mailbox, listing.choices.mailbox)}
  <label class="check"><input type="checkbox" name="all" value="1"${filter.all ? html` checked` : ''}> seen too</label>
  <button type="submit">Show</button>
  ${filter.key || filter.host || filter.mailbox || filter.all ? html`<a href="/">clear</a>` : ''}
</form>
${total > 0
  ? html`<form method="post" action="/notify/seen-all" class="seen-all">${hidden({ csrf: postKey, upto: listing.upto, ...back })}<button type="submit">Mark all ${listing.more > 0 || listing.page > 1 ? 'matching' : total} seen</button></form>`
  : ''}
${listing.items.length === 0 ? html`<p class="empty">${filter.all ? 'No notifications match.' : 'No unseen notifications.'}</p>` : ''}
${[...mailboxes].map(
  ([mailbox, items]) => html`<section class="mailbox">
  <h2><a href="/${query({ ...back, mailbox: mailbox || undefined })}">${mailbox || 'no mailbox'}</a> <small>${items.reduce((n, i) => n + i.count, 0)}</small></h2>
  <ul>${items.map((i) => drawn.get(i) ?? '')}</ul>
</section>`,
)}
${listing.page > 1 || listing.more > 0
  ? html`<nav class="pages">${listing.page > 1 ? html`<a href="/${query({ ...back, page: listing.page - 1, upto: listing.upto })}" rel="prev">← newer</a>` : ''}
  <span>page ${listing.page}</span>
  ${listing.more > 0 ? html`<a href="/${query({ ...back, page: listing.page + 1, upto: listing.upto })}" rel="next">older (${listing.more} more) →</a>` : ''}</nav>`
  : ''}`;
}

/** noTableHint tells how to fill the inbox when its table does not exist yet. */
export function noTableHint(file: string, table: string): string {
  return `No notifications yet: ${file} has no table ${table}. A reactor rule fills it, e.g. plugin: SQLite with config { file: sqlite/notifications.sql, tablename: ${table}, schema: { id: INTEGER PRIMARY KEY AUTOINCREMENT, key: TEXT, hostname: TEXT, mailbox: TEXT, subject: TEXT, link: TEXT, color: TEXT, lastupdate: INTEGER, seen: INTEGER } }.`;
}
