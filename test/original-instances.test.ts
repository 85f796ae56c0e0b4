import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compile } from '../compiler/compile.js';
import { hasErrors } from '../grammar/diagnostics/diagnostic.js';
import { renderText } from '../compiler/diagnostics/render.js';
import type { Logger, Message } from '../runtime/pipeline-api.js';
import { monitorPlugins } from '../stdlib/monitors/index.js';
import { tempDir } from './helpers.js';

/*
 * Instance keys the original's monitor plugins read (Uptime and DiskSpace
 * `command`, DiskSpace `skip`, FileTail `ignore`, RSS `user`/`pass`/`proxy`/
 * `tags`), and the keys it ignored, as its example configs use them.
 */

const log: Logger = { info() {}, warn() {}, error() {} };
const never = new AbortController().signal;
const ctx = (key: string) => ({ hostname: 'h', home: tempDir(), key, log, emit() {} });
const monitor = (name: string, config: Record<string, unknown>, key = `${name}-test`) => monitorPlugins.get(name)!.create(config, ctx(key));

function lintInstance(plugin: string, text: string) {
  const dir = tempDir('wubot-instance-');
  const path = join(dir, `${plugin}-x.yaml`);
  writeFileSync(path, text);
  const c = compile(path, { instanceOf: plugin, until: 'check' });
  return { errors: hasErrors(c.diagnostics), text: renderText(c.diagnostics) };
}

async function listen(server: ReturnType<typeof createServer> | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>one</title><guid>1</guid></item></channel></rss>';

describe('Uptime and DiskSpace read a command, as the original', () => {
  it('Uptime reads the load averages from the command output, and says when it cannot', async () => {
    const up = monitor('Uptime', { command: "echo '12:06  up 4 days, 14:03, 15 users, load averages: 0.80 0.81 0.67'", warning_load: 0.5, critical_load: 3 });
    const m = (await up.check({}, never)).react as Message;
    assert.deepEqual([m.load01, m.load05, m.load15, m.status], [0.8, 0.81, 0.67, 'WARNING']);
    assert.equal(m.subject, 'warning: load over last 1 minute is 0.8 ', "the original's subject, trailing space and all");
    const calm = (await monitor('Uptime', { command: "echo 'load average: 0.50, 0.20, 0.10'", warning_load: 0.5 }).check({}, never)).react as Message;
    assert.deepEqual([calm.status, 'subject' in calm], ['OK', false], 'at the threshold is OK, and an OK load has no subject');
    const linux = monitor('Uptime', { command: "echo ' 10:00:01 up 3 days,  2:10,  1 user,  load average: 1.50, 1.20, 0.90'" });
    assert.equal(((await linux.check({}, never)).react as Message).load01, 1.5);
    const bad = monitor('Uptime', { command: 'echo nothing here; echo noise >&2' }, 'Uptime-bad');
    assert.deepEqual((await bad.check({}, never)).react, { subject: 'Uptime-bad: ERROR: unable to parse uptime output: nothing here' });
  });

  it('DiskSpace parses df output, skips mounts by regex, and reports a mount again only when its use changed', async () => {
    const dir = tempDir('wubot-df-');
    const df = join(dir, 'df.txt');
    const write = (var_: number) =>
      writeFileSync(
        df,
        [
          'Filesystem 1024-blocks Used Available Capacity Mounted on',
          '/dev/sda1 100 97 3 97% /',
          `/dev/sda2 100 ${var_} ${100 - var_} ${var_}% /var`,
          'devfs 1 1 0 100% /dev',
          'df: /private: Permission denied 50% /private',
        ].join('\n') + '\n',
      );
    write(50);
    const disk = monitor('DiskSpace', { command: `cat ${df}`, warning_percent: 90, critical_percent: 95, skip: { '/dev': 1 } });
    const first = await disk.check({}, never);
    assert.deepEqual(first.react, [
      { filesystem: '/', percent: 97, status: 'CRITICAL', subject: 'critical: disk use on / is 97' },
      { filesystem: '/var', percent: 50, status: 'OK', subject: '' },
    ]);
    const again = await disk.check(first.cache!, never);
    assert.deepEqual(again.react, []);
    write(92);
    const changed = await disk.check(again.cache!, never);
    assert.deepEqual(changed.react, [{ filesystem: '/var', percent: 92, status: 'WARNING', subject: 'warning: disk use on /var is 92' }]);
  });

  it('lint takes the original example configs of Uptime and DiskSpace, warning about the keys it ignores', () => {
    const uptime = lintInstance('Uptime', '---\nenable: 1\ncommand: /usr/bin/uptime\nwarning_load: 2.0\ncritical_load: 3.0\ndelay: 1m\n');
    assert.equal(uptime.errors, false, uptime.text);
    assert.match(uptime.text, /:2:1: warning WB1010: `enable` is not a key of the Uptime instance: ignored, as the original ignores it/);
    assert.match(uptime.text, /did you mean `enabled`\?/);
    const disk = lintInstance('DiskSpace', "---\ncommand: df -k\ncritical_percent: 95\nwarning_percent: 90\n\nskip:\n  '/dev': 1\n\ndelay: 900\n");
    assert.equal(disk.text, '');
    const badSkip = lintInstance('DiskSpace', "skip:\n  '(': 1\n");
    assert.equal(badSkip.errors, true, badSkip.text);
    assert.match(badSkip.text, /:2:\d+: error .*skip pattern `\(`/);
  });
});

describe('Command field', () => {
  it('puts the output into the field named by field, as the original', async () => {
    const r = (await monitor('Command', { command: 'echo hello', field: 'greeting' }).check({}, never)).react as Message;
    assert.equal(r.greeting, 'hello\n');
    assert.equal(r.command_output, undefined);
  });
});

describe('delay as the original reads it', () => {
  it('lint takes the forms the original reads and refuses the rest', () => {
    for (const delay of ['30', '+1m', '1H', '1H0M', '1D', '1W', "'12h 1m'", '1h30m', '1M', '0', "''"]) {
      const r = lintInstance('Uptime', `delay: ${delay}\n`);
      assert.equal(r.text, '', delay);
    }
    for (const delay of ['-1m', '1x', 'soon', '1.5.m x']) assert.ok(lintInstance('Uptime', `delay: ${delay}\n`).errors, delay);
  });

  it('warns where the original read units as a bare number (timeout, rand)', () => {
    const r = lintInstance('Uptime', 'timeout: 5m\nrand: 90\n');
    assert.equal(r.errors, false);
    assert.match(r.text, /:1:10: warning WB1011: `timeout: 5m` is 300 seconds here; the original read units only in `delay` and took 5 seconds/);
    assert.doesNotMatch(r.text, /rand/);
  });
});

describe('FileTail ignore', () => {
  it('drops lines matching one of the ignore regexes', async () => {
    const dir = tempDir('wubot-tail-');
    const path = join(dir, 'messages');
    writeFileSync(path, 'kept 1\nsaw my.ignore.string here\nsome regexp42 line\nsome regexp line kept\n');
    const tail = monitor('FileTail', { path, ignore: ['my.ignore.string', 'some\\sregexp\\d+'] });
    const r = await tail.check({}, never);
    assert.deepEqual((r.react as Message[]).map((m) => m.subject), ['kept 1', 'some regexp line kept']);
    writeFileSync(path, 'kept 1\nsaw my.ignore.string here\nsome regexp42 line\nsome regexp line kept\nlast\n');
    assert.deepEqual(((await tail.check(r.cache!, never)).react as Message[]).map((m) => m.subject), ['last']);
    const lint = lintInstance('FileTail', 'path: /var/log/messages\ndelay: 30\nignore:\n  - my.ignore.string\n  - some\\sregexp\\d+\n');
    assert.equal(lint.text, '');
    assert.ok(lintInstance('FileTail', 'path: /x\nignore: [ "a(" ]\n').errors);
  });
});

describe('RSS user, pass, proxy and tags', () => {
  it('logs in with HTTP basic auth from user and pass', async () => {
    const seen: (string | undefined)[] = [];
    const agents: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      agents.push(req.headers['user-agent']);
      if (req.headers.authorization !== `Basic ${Buffer.from('dude:lebowski').toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
    });
    const port = await listen(server);
    try {
      const url = `http://127.0.0.1:${port}/feed`;
      const ok = await monitor('RSS', { url, user: 'dude', pass: 'lebowski', agent: 'Mozilla/6.0' }).check({}, never);
      assert.equal(agents[0], 'Mozilla/6.0');
      assert.deepEqual((ok.react as Message[]).map((m) => m.subject), ['one']);
      await assert.rejects(async () => monitor('RSS', { url, user: 'dude' }).check({}, never), /HTTP 401/);
      assert.equal(seen[1], undefined, 'a user without pass sends no credentials, as the original');
    } finally {
      server.close();
    }
  });

  it('fetches through an HTTP proxy on 127.0.0.1, with proxy auth, and tunnels https with CONNECT', async () => {
    const feed = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED));
    const feedPort = await listen(feed);
    const asked: { method: string; url: string; auth?: string }[] = [];
    const proxy = createServer((req, res) => {
      asked.push({ method: req.method!, url: req.url!, auth: req.headers['proxy-authorization'] });
      const target = new URL(req.url!);
      const upstream = request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: { authorization: req.headers.authorization ?? '' } }, (up: IncomingMessage) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      });
      upstream.end();
    });
    const tlsBytes: number[] = [];
    const sink = createTcpServer((s: Socket) => s.once('data', (d: Buffer) => (tlsBytes.push(d[0]), s.destroy())));
    const sinkPort = await listen(sink);
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      asked.push({ method: 'CONNECT', url: req.url! });
      const [host, port] = req.url!.split(':');
      const up = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        up.pipe(client);
        client.pipe(up);
      });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    const proxyPort = await listen(proxy);
    try {
      const url = `http://127.0.0.1:${feedPort}/feed.xml`;
      const r = await monitor('RSS', { url, proxy: `http://pu:pp@127.0.0.1:${proxyPort}`, tags: 'news' }).check({}, never);
      assert.deepEqual((r.react as Message[]).map((m) => m.subject), ['one']);
      assert.deepEqual(asked[0], { method: 'GET', url, auth: `Basic ${Buffer.from('pu:pp').toString('base64')}` });
      await assert.rejects(async () => monitor('RSS', { url: `https://127.0.0.1:${sinkPort}/feed`, proxy: `http://127.0.0.1:${proxyPort}` }).check({}, never));
      assert.deepEqual(asked[1], { method: 'CONNECT', url: `127.0.0.1:${sinkPort}` });
      assert.deepEqual(tlsBytes, [0x16], 'a TLS handshake went through the tunnel');
    } finally {
      for (const s of [feed, proxy, sink]) s.close();
    }
  });

  it('fetches through a SOCKS 5 proxy on 127.0.0.1, with its login', async () => {
    const feed = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED));
    const feedPort = await listen(feed);
    const asked: string[] = [];
    // a SOCKS 5 server of a few lines (RFC 1928, and RFC 1929 for the login): enough to see what the plugin asks
    const socks = createTcpServer((client: Socket) => {
      let buf = Buffer.alloc(0);
      let stage = 'greeting';
      const onData = (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (stage === 'greeting' && buf.length >= 2 && buf.length >= 2 + buf[1]) {
          const methods = [...buf.subarray(2, 2 + buf[1])];
          buf = buf.subarray(2 + methods.length);
          stage = methods.includes(2) ? 'login' : 'request';
          client.write(Buffer.from([5, methods.includes(2) ? 2 : 0]));
        }
        if (stage === 'login' && buf.length >= 2 && buf.length >= 3 + buf[1] && buf.length >= 3 + buf[1] + buf[2 + buf[1]]) {
          const u = buf.subarray(2, 2 + buf[1]).toString();
          const p = buf.subarray(3 + buf[1], 3 + buf[1] + buf[2 + buf[1]]).toString();
          buf = buf.subarray(3 + buf[1] + buf[2 + buf[1]]);
          asked.push(`login ${u}:${p}`);
          client.write(Buffer.from([1, 0]));
          stage = 'request';
        }
        if (stage === 'request' && buf.length >= 5 && buf[3] === 3 && buf.length >= 7 + buf[4]) {
          const host = buf.subarray(5, 5 + buf[4]).toString();
          const port = buf.readUInt16BE(5 + buf[4]);
          asked.push(`connect ${host}:${port}`);
          stage = 'relay';
          client.off('data', onData);
          const up = connect(port, '127.0.0.1', () => {
            client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
            up.pipe(client);
            client.pipe(up);
          });
          up.on('error', () => client.destroy());
        }
      };
      client.on('data', onData);
      client.on('error', () => {});
    });
    const socksPort = await listen(socks);
    try {
      const r = await monitor('RSS', { url: `http://localhost:${feedPort}/feed.xml`, proxy: `socks://me:secret@127.0.0.1:${socksPort}` }).check({}, never);
      assert.deepEqual((r.react as Message[]).map((m) => m.subject), ['one']);
      assert.deepEqual(asked, ['login me:secret', `connect localhost:${feedPort}`]);
    } finally {
      feed.close();
      socks.close();
    }
  });

  it('lint takes user, pass, proxy and tags as the original docs write them, and refuses another kind of proxy', () => {
    const ok = lintInstance('RSS', '---\nurl: http://www.xyz.com/rss\ndelay: 1h\nuser: dude\npass: lebowski\nproxy: socks://localhost:2080\ntags: news\nagent: Mozilla/6.0\ndecompress: 1\n');
    assert.equal(ok.text, '');
    const ftp = lintInstance('RSS', 'url: http://www.xyz.com/rss\nproxy: ftp://localhost:2080\n');
    assert.equal(ftp.errors, true);
    assert.match(ftp.text, /:2:8: error .*a proxy is http:\/\/host:port or socks:\/\/host:port \(SOCKS 5\), not ftp/);
  });

  it('a rule with plugin: False names an unknown plugin', () => {
    const r = lintInstance('RSS', 'url: http://x/rss\nreact:\n  - name: has percent\n    plugin: False\n    config: { field: percent }\n');
    assert.match(r.text, /:4:13: error WB3001: unknown plugin `False`/);
    assert.doesNotMatch(r.text, /must be a string/);
  });

  it('names a rule of react: as a rule in a diagnostic', () => {
    const r = lintInstance('RSS', 'url: http://x/rss\nreact:\n  - name: body to subject\n    conditions: contains body\n');
    assert.match(r.text, /:4:5: error WB1004: unknown key `conditions` in this rule/);
  });
});
