import type { XMLParser } from 'fast-xml-parser';
import { requireLater } from '../../runtime/require-later.js';
import type { Message } from '../../runtime/pipeline-api.js';
import { redactUrl } from '../../runtime/secrets.js';
import { defineMonitor } from '../monitor-plugin.js';
import { basicAuth, checkProxy, proxyFetch } from './http-proxy.js';

interface Config {
  url: string;
  max_items?: number;
  max_bytes?: number;
  user?: string;
  pass?: string;
  proxy?: string;
  tags?: unknown;
  agent?: string;
}

const SEEN_DAYS = 7;
/** MAX_BYTES is the default cap on what one fetch reads: a feed is rarely over a few MB, and the whole is parsed in memory. */
export const MAX_BYTES = 16 * 1024 * 1024;

/**
 * request is what fetch takes for a feed URL: `user` and `pass` (both, as
 * the original wants them) or credentials in the URL (`user:pass@`, which
 * fetch refuses) go into an Authorization header.
 */
function request(url: string, c: Config): { href: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'user-agent': c.agent || 'wubot' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { href: url, headers };
  }
  if (u.username || u.password) {
    headers.authorization = basicAuth(decodeURIComponent(u.username), decodeURIComponent(u.password));
    u.username = '';
    u.password = '';
  }
  if (c.user && c.pass) headers.authorization = basicAuth(String(c.user), String(c.pass));
  return { href: u.href, headers };
}

/** get fetches a feed, through `proxy` when one is configured. */
function get(c: Config, signal: AbortSignal): Promise<Response> {
  const { href, headers } = request(c.url, c);
  return c.proxy ? proxyFetch(href, c.proxy, headers, signal) : fetch(href, { signal, headers });
}

/** readCapped reads a response body as text, failing as soon as it passes `max` bytes, before holding more. */
async function readCapped(res: Response, max: number, what: string): Promise<string> {
  const tooBig = () => new Error(`${what}: the feed is larger than ${max} bytes (max_bytes); not read`);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw tooBig();
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooBig();
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// the parser is loaded by the first feed read: `wubotc lint` reads this plugin's definition and parses no feed
const xmlParser = requireLater<typeof import('fast-xml-parser')>('fast-xml-parser');
let parser: XMLParser | undefined;
const feedParser = (): XMLParser =>
  (parser ??= new (xmlParser().XMLParser)({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    htmlEntities: true,
    isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
  }));

/** own reads a parsed element's own child: the parser's output is plain objects and strings, whose inherited members (String.prototype.link…) are no children. */
function own(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object') return text(own(v, '#text'));
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
  const doc = feedParser().parse(xml) as unknown;
  const rss = own(own(doc, 'rss'), 'channel');
  const rdf = own(doc, 'rdf:RDF');
  const channel = rss ?? own(rdf, 'channel') ?? own(doc, 'feed');
  if (channel === undefined) throw new Error('not an RSS or Atom feed');
  const raw = list(own(rss, 'item') ?? own(rdf, 'item') ?? own(channel, 'entry'));
  const items = raw.map((it) => {
    const links = list(own(it, 'link'));
    const link = links.map((l) => (typeof l === 'object' && l !== null ? own(l, '@_href') : l)).map(text).find((l) => l);
    const title = text(own(it, 'title'));
    const author = own(it, 'author');
    return {
      id: text(own(it, 'guid')) ?? text(own(it, 'id')) ?? link ?? title ?? JSON.stringify(it),
      title,
      link,
      body: text(own(it, 'description')) ?? text(own(it, 'content:encoded')) ?? text(own(it, 'summary')) ?? text(own(it, 'content')),
      author: text(author) ?? text(own(author, 'name')) ?? text(own(it, 'dc:creator')),
    };
  });
  return { title: text(own(channel, 'title')), items };
}

export default defineMonitor<Config>({
  name: 'RSS',
  summary: 'New items of an RSS or Atom feed.',
  docs: 'Fetches `url` and sends one message per item not seen in the last week: `title`, `link`, `body` (the description or content, as HTML; use HTMLStrip for text), `username` (the author), `subject` (the title) and `mailbox` (the feed\'s title). At most `max_items` (default 100) per check. `user` and `pass` log in with HTTP basic auth; `proxy` fetches through an HTTP proxy (`http://host:port`, a CONNECT tunnel for https feeds) or a SOCKS 5 proxy (`socks://host:port`); `tags`, like every instance key, reaches each message as `config.tags`.',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^https?://', description: 'the feed' },
      max_items: { type: 'integer', minimum: 1, description: 'most items sent per check (default 100)' },
      max_bytes: { type: 'integer', minimum: 1, description: `most bytes one fetch reads (default ${MAX_BYTES}); a larger feed is a CRITICAL message` },
      user: { type: 'string', description: 'user for HTTP basic auth (with `pass`)' },
      pass: { type: 'string', description: 'password for HTTP basic auth (with `user`)' },
      proxy: { type: 'string', description: 'a proxy: http://host:port or socks://host:port (SOCKS 5); user:pass@ to log in' },
      tags: { description: 'tags for the items: copied onto each message as `config.tags`, for rules to use' },
      agent: { type: 'string', description: 'the User-Agent header (default wubot)' },
      decompress: { description: 'accepted as in the original; compressed feeds are always accepted' },
    },
    required: ['url'],
  },
  check: (c) => {
    const why = typeof c.proxy === 'string' ? checkProxy(c.proxy) : undefined;
    return why ? [{ path: ['proxy'], message: why }] : [];
  },
  create(c) {
    return {
      async check(cache, signal) {
        // the URL may carry credentials (?token=, user:pass@): what is said about it names it without them
        const where = redactUrl(c.url);
        let res: Response;
        try {
          res = await get(c, signal);
        } catch (e) {
          const cause = (e as { cause?: { code?: string; message?: string } }).cause;
          throw new Error(`${where}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
        }
        if (!res.ok) {
          await res.body?.cancel();
          throw new Error(`${where}: HTTP ${res.status}`);
        }
        const feed = parseFeed(await readCapped(res, c.max_bytes ?? MAX_BYTES, where));
        const now = Math.floor(Date.now() / 1000);
        // ids come from the feed: a Map, so that an item whose guid is `constructor` or `__proto__` is an item like any other
        const seen = new Map<string, number>();
        const before = cache.seen;
        if (before !== null && typeof before === 'object') {
          for (const [id, at] of Object.entries(before)) if (typeof at === 'number' && at >= now - SEEN_DAYS * 86400) seen.set(id, at);
        }
        const react: Message[] = [];
        for (const item of feed.items) {
          if (seen.has(item.id) || react.length >= (c.max_items ?? 100)) continue;
          seen.set(item.id, now);
          react.push({
            subject: item.title ?? item.link ?? '',
            ...(item.title !== undefined ? { title: item.title } : {}),
            ...(item.link !== undefined ? { link: item.link } : {}),
            ...(item.body !== undefined ? { body: item.body } : {}),
            ...(item.author !== undefined ? { username: item.author } : {}),
            ...(feed.title !== undefined ? { mailbox: feed.title } : {}),
          });
        }
        return { react, cache: { seen: Object.fromEntries(seen) } };
      },
    };
  },
});
