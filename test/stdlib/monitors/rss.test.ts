import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createLogger } from '../../../runtime/log.js';
import { Monitor } from '../../../apps/wubot/monitor.js';
import type { Message } from '../../../runtime/pipeline-api.js';
import { consoleColor } from '../../../stdlib/console.js';
import { monitorPlugins } from '../../../stdlib/monitors/index.js';
import { parseFeed } from '../../../stdlib/monitors/rss.js';
import { memoryLog, queueMessages, tempDir, waitFor, wubotHome } from '../../helpers.js';

const feed = (guids: string[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${guids.map((g) => `<item><title>item ${g}</title><guid>${g}</guid></item>`).join('')}</channel></rss>`;

let base = '';
const auth = new Map<string, string | undefined>();
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const path = new URL(req.url!, 'http://x').pathname;
  auth.set(path, req.headers.authorization);
  if (path === '/broken') return res.writeHead(500).end('no');
  if (path === '/proto') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'plain']));
  if (path === '/huge') {
    // 20 MB without a length, in pieces, as a slow big feed comes
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    const chunk = Buffer.alloc(1 << 16, 'x');
    let sent = 0;
    const more = () => {
      while (sent < 20 << 20) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('error', () => {});
    return more();
  }
  if (path === '/declared') return res.writeHead(200, { 'content-length': String(30 << 20) }).end();
  res.writeHead(200).end(feed(['a']));
});

const never = new AbortController().signal;
const rss = (config: Record<string, unknown>) => monitorPlugins.get('RSS')!.create(config, { hostname: 'h', home: tempDir(), key: 'RSS-t', log: memoryLog(), emit() {} });

describe('RSS against hostile feeds and secret-bearing URLs', () => {
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('never shows a URL\'s credentials: not in the log, the CRITICAL message, its link, or config.url on items', async () => {
    const home = wubotHome('h1', {
      'plugins/RSS/broken.yaml': `url: http://${base}/broken?token=S3cret-tok&lang=en\ndelay: 1h\n`,
      'plugins/RSS/auth.yaml': `url: http://reader:S3cret-pw@${base}/ok?api_key=S3cret-key\ndelay: 1h\n`,
    });
    const lines: string[] = [];
    const log = createLogger({ write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream, false);
    const monitor = new Monitor({ home, hostname: 'h1', log });
    await monitor.start();
    assert.ok(await waitFor(() => queueMessages(join(home, 'reactor')).length >= 2));
    await monitor.stop();
    const queued = queueMessages(join(home, 'reactor'));
    const critical = queued.find((m) => m.status === 'CRITICAL')!;
    assert.match(String(critical.subject), /CRITICAL: http:\/\/127\.0\.0\.1:\d+\/broken\?token=\[redacted\]&lang=en: HTTP 500/);
    assert.equal(critical.link, `http://${base}/broken?token=[redacted]&lang=en`);
    const item = queued.find((m) => m.subject === 'item a')!;
    assert.equal(item['config.url'], `http://[redacted]@${base}/ok?api_key=[redacted]`);
    // the credentials were used, in a header
    assert.equal(auth.get('/ok'), `Basic ${Buffer.from('reader:S3cret-pw').toString('base64')}`);
    assert.doesNotMatch(JSON.stringify(queued) + lines.join(''), /S3cret/);
    assert.match(lines.join(''), /check failed/);
  });

  it('reports items whose guid is constructor, toString or __proto__, once, across a cache written and read back', async () => {
    const home = wubotHome('h1', { 'plugins/RSS/proto.yaml': `url: http://${base}/proto\ndelay: 0.05\n` });
    const monitor = new Monitor({ home, hostname: 'h1', log: memoryLog() });
    await monitor.start();
    assert.ok(await waitFor(() => monitor.checks >= 3));
    await monitor.stop();
    assert.deepEqual(
      queueMessages(join(home, 'reactor')).map((m: Message) => m.subject),
      ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'plain'].map((g) => `item ${g}`),
    );
  });

  it('a colour named like an Object member is no colour (Console)', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'valueOf']) assert.equal(consoleColor(name, false), 'white', name);
  });

  it('stops reading a feed past max_bytes, with or without a declared length, and says so', async () => {
    for (const path of ['huge', 'declared']) {
      await assert.rejects(Promise.resolve(rss({ url: `http://${base}/${path}`, max_bytes: 1_000_000 }).check({}, never)), /the feed is larger than 1000000 bytes \(max_bytes\)/);
    }
  });

  it('never crashes on feed contents, whatever they are (fuzzed)', () => {
    const xmlish = fc.oneof(
      fc.string(),
      fc.array(fc.constantFrom('<rss>', '</rss>', '<channel>', '</channel>', '<item>', '</item>', '<guid>', '</guid>', '<title>', '</title>', '<link href="x"/>', '__proto__', 'constructor', '&amp;', '&#0;', '<![CDATA[', ']]>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '<feed>', '<entry>', '<id>', '<rdf:RDF>', 'text'), { maxLength: 40 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(xmlish, (xml) => {
        try {
          const f = parseFeed(xml);
          for (const i of f.items) assert.equal(typeof i.id, 'string');
        } catch (e) {
          assert.ok(e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError), String(e));
        }
      }),
      { numRuns: 500 },
    );
  });
});
