import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Logger, Message } from '../../../runtime/pipeline-api.js';
import { monitorPlugins } from '../../../stdlib/monitors/index.js';
import { parseFeed } from '../../../stdlib/monitors/rss.js';
import { tempDir } from '../../helpers.js';

const log: Logger = { info() {}, warn() {}, error() {} };
const never = new AbortController().signal;
const ctx = (key: string) => ({ hostname: 'h', home: tempDir(), key, log, emit() {} });

const RSS = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>USGS M5</title>
<item><title>M 6.1 &amp; aftershocks</title><link>http://127.0.0.1/eq/1</link><guid>eq1</guid><description><![CDATA[<p>near the coast</p>]]></description></item>
<item><title>M 5.2</title><link>http://127.0.0.1/eq/2</link><author>usgs</author></item>
</channel></rss>`;

const ATOM = `<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title>Only entry</title><id>urn:1</id><link href="http://127.0.0.1/p/1"/><summary>s</summary><author><name>Alex</name></author></entry></feed>`;

describe('RSS', () => {
  it('reads RSS and Atom items', () => {
    const rss = parseFeed(RSS);
    assert.equal(rss.title, 'USGS M5');
    assert.deepEqual(rss.items.map((i) => [i.id, i.title, i.link]), [
      ['eq1', 'M 6.1 & aftershocks', 'http://127.0.0.1/eq/1'],
      ['http://127.0.0.1/eq/2', 'M 5.2', 'http://127.0.0.1/eq/2'],
    ]);
    const atom = parseFeed(ATOM);
    assert.deepEqual(atom.items.map((i) => [i.id, i.link, i.body, i.author]), [['urn:1', 'http://127.0.0.1/p/1', 's', 'Alex']]);
    assert.throws(() => parseFeed('<html></html>'), /not an RSS or Atom feed/);
  });

  it('fetches a feed served on 127.0.0.1 and sends only new items', async () => {
    let body = RSS;
    let status = 200;
    const server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/rss+xml' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
    try {
      const rss = monitorPlugins.get('RSS')!.create({ url }, ctx('RSS-usgs'));
      const first = await rss.check({}, never);
      const msgs = first.react as Message[];
      assert.deepEqual(msgs.map((m) => m.subject), ['M 6.1 & aftershocks', 'M 5.2']);
      assert.equal(msgs[0].body, '<p>near the coast</p>');
      assert.equal(msgs[0].mailbox, 'USGS M5');
      assert.equal(msgs[1].username, 'usgs');
      body = RSS.replace('<item><title>M 5.2', '<item><title>M 7.0</title><guid>eq3</guid></item><item><title>M 5.2');
      const second = await rss.check(first.cache!, never);
      assert.deepEqual((second.react as Message[]).map((m) => m.subject), ['M 7.0']);
      status = 503;
      await assert.rejects(async () => rss.check(second.cache!, never), /HTTP 503/);
    } finally {
      server.close();
    }
  });
});

describe('Directory and Idle', () => {
  it('Directory learns what is there, then reports new files', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'old.txt'), 'x');
    const d = monitorPlugins.get('Directory')!.create({ path: dir }, ctx('Directory-in'));
    const first = await d.check({}, never);
    assert.deepEqual(first.react, []);
    writeFileSync(join(dir, 'new.txt'), 'hello');
    const second = await d.check(first.cache!, never);
    assert.deepEqual((second.react as Message[]).map((m) => [m.subject, m.size]), [['new file: new.txt', 5]]);
  });

  it('Idle follows terminal input and says when the state changes', async () => {
    const tty = join(tempDir(), 'pts0');
    writeFileSync(tty, '');
    const now = Date.now() / 1000;
    utimesSync(tty, now - 3600, now - 3600);
    const idle = monitorPlugins.get('Idle')!.create({ terminals: [tty], idle_threshold: '10m' }, ctx('Idle-laptop'));
    const first = await idle.check({ state: 'active', idle_sec: 5 }, never);
    const m = first.react as Message;
    assert.equal(m.idle_state, 'idle');
    assert.equal(m.idle_min, 60);
    assert.equal(m.subject, 'idle after 60m');
    utimesSync(tty, now, now);
    const back = (await idle.check(first.cache!, never)).react as Message;
    assert.equal(back.idle_state, 'active');
    assert.equal(back.subject, 'active after 60m idle');
  });
});
