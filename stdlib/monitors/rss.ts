import { XMLParser } from 'fast-xml-parser';
import type { Message } from '../../runtime/pipeline-api.js';
import { defineMonitor } from '../monitor-plugin.js';

interface Config {
  url: string;
  max_items?: number;
}

const SEEN_DAYS = 7;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  htmlEntities: true,
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
});

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return text((v as Record<string, unknown>)['#text']);
  return String(v);
}

/** FeedItem is one item of an RSS or Atom feed. */
export interface FeedItem {
  readonly id: string;
  readonly title?: string;
  readonly link?: string;
  readonly body?: string;
  readonly author?: string;
}

/** parseFeed reads the items of an RSS 2.0, RSS 1.0 or Atom document. */
export function parseFeed(xml: string): { title?: string; items: FeedItem[] } {
  const doc = parser.parse(xml) as Record<string, Record<string, unknown>>;
  const channel = (doc.rss?.channel ?? doc['rdf:RDF']?.channel ?? doc.feed) as Record<string, unknown> | undefined;
  if (!channel) throw new Error('not an RSS or Atom feed');
  const raw = (doc.rss?.channel as Record<string, unknown> | undefined)?.item ?? doc['rdf:RDF']?.item ?? (channel.entry as unknown) ?? [];
  const items = (raw as Record<string, unknown>[]).map((it) => {
    const links = (it.link as unknown[] | undefined) ?? [];
    const link = links.map((l) => (typeof l === 'object' && l !== null ? (l as Record<string, unknown>)['@_href'] : l)).map(text).find((l) => l);
    const title = text(it.title);
    return {
      id: text(it.guid) ?? text(it.id) ?? link ?? title ?? JSON.stringify(it),
      title,
      link,
      body: text(it.description) ?? text(it['content:encoded']) ?? text(it.summary) ?? text(it.content),
      author: text(it.author) ?? text((it.author as Record<string, unknown> | undefined)?.name) ?? text(it['dc:creator']),
    };
  });
  return { title: text(channel.title), items };
}

export default defineMonitor<Config>({
  name: 'RSS',
  summary: 'New items of an RSS or Atom feed.',
  docs: 'Fetches `url` and sends one message per item not seen in the last week: `title`, `link`, `body` (the description or content, as HTML; use HTMLStrip for text), `username` (the author), `subject` (the title) and `mailbox` (the feed\'s title). At most `max_items` (default 100) per check.',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^https?://', description: 'the feed' },
      max_items: { type: 'integer', minimum: 1, description: 'most items sent per check (default 100)' },
    },
    required: ['url'],
  },
  create(c) {
    return {
      async check(cache, signal) {
        const res = await fetch(c.url, { signal, headers: { 'user-agent': 'wubot' } });
        if (!res.ok) throw new Error(`${c.url}: HTTP ${res.status}`);
        const feed = parseFeed(await res.text());
        const now = Math.floor(Date.now() / 1000);
        const seen = { ...((cache.seen as Record<string, number> | undefined) ?? {}) };
        for (const [id, at] of Object.entries(seen)) if (at < now - SEEN_DAYS * 86400) delete seen[id];
        const react: Message[] = [];
        for (const item of feed.items) {
          if (item.id in seen || react.length >= (c.max_items ?? 100)) continue;
          seen[item.id] = now;
          react.push({
            subject: item.title ?? item.link ?? '',
            ...(item.title !== undefined ? { title: item.title } : {}),
            ...(item.link !== undefined ? { link: item.link } : {}),
            ...(item.body !== undefined ? { body: item.body } : {}),
            ...(item.author !== undefined ? { username: item.author } : {}),
            ...(feed.title !== undefined ? { mailbox: feed.title } : {}),
          });
        }
        return { react, cache: { seen } };
      },
    };
  },
});
