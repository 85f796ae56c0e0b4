import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { daemonUrl, repoRoot, startDaemon, stopChild, wubotHome } from '../../helpers.js';

const TOKEN = 'correct-horse-battery-staple';

function wubot(args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubot.js'), ...args], { encoding: 'utf8', timeout: 20_000 });
}

/** inboxHome is a wubot home with three unseen notifications, stored as a SQLite rule would. */
function inboxHome(files: Record<string, string>): string {
  const home = wubotHome('webui', files);
  mkdirSync(join(home, 'sqlite'), { recursive: true });
  const db = new Database(join(home, 'sqlite', 'notifications.sql'));
  db.exec('CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT, hostname TEXT, subject TEXT, lastupdate INTEGER, seen INTEGER)');
  for (const s of ['one', 'two', 'three']) db.prepare('INSERT INTO notifications (key, hostname, subject, lastupdate) VALUES (?, ?, ?, ?)').run('k', 'h', s, 1764300000);
  db.close();
  return home;
}

function unseen(home: string): number {
  const db = new Database(join(home, 'sqlite', 'notifications.sql'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM notifications WHERE seen IS NULL').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const form = (values: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(values), redirect: 'manual' as const });
const csrfIn = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)![1];

/** rawGet sends a GET with a Host header of our choosing (fetch does not let one set it). */
function rawGet(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('wubot webui access', () => {
  it('refuses to listen beyond this machine without a token, saying where to set one', () => {
    const home = wubotHome('webui', {});
    const r = wubot(['webui', '--home', home, '--listen', '0.0.0.0']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /listen on 0\.0\.0\.0.*without a password: set `token`.*webui\.yaml/);
  });

  it('points at a wrong key of webui.yaml with its line and a suggestion', () => {
    const home = wubotHome('webui', { 'webui.yaml': 'listen: 127.0.0.1\nprot: 8080\n' });
    const r = wubot(['webui', '--home', home]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /webui\.yaml:2:1: error WB\d+: unknown key `prot`/);
    assert.match(r.stderr, /did you mean `port`\?/);
    // lint (and so the editor) says the same of the file
    const lint = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), 'lint', join(home, 'config')], { encoding: 'utf8' });
    assert.equal(lint.status, 1);
    assert.match(lint.stdout, /webui\.yaml:2:1: error WB\d+: unknown key `prot`/);
  });

  it('lint reports a listen address beyond this machine without a token', () => {
    const home = wubotHome('webui', { 'webui.yaml.central': 'listen: 0.0.0.0\n' });
    const lint = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubotc.js'), 'lint', join(home, 'config', 'webui.yaml.central')], { encoding: 'utf8' });
    assert.equal(lint.status, 1);
    assert.match(lint.stdout, /webui\.yaml\.central:1:9: error WB\d+: listening on 0\.0\.0\.0 lets other machines reach the pages: set `token`/);
  });

  describe('with a token', () => {
    let home: string;
    let child: ChildProcess & { log: string };
    let url: string;
    before(async () => {
      home = inboxHome({ 'webui.yaml': `token: ${TOKEN}\n` });
      child = await startDaemon('webui', home, 'h', ['--port', '0']);
      url = daemonUrl(child);
    });
    after(async () => child && (await stopChild(child)));

    it('asks for the token before any page, and keeps a cookie once given', async () => {
      for (const path of ['', 'graphs', 'network', 'api/series?key=k&field=f']) {
        const r = await fetch(url + path);
        assert.equal(r.status, 401, path);
        assert.match(await r.text(), /Sign in/);
      }
      const wrong = await fetch(`${url}login`, form({ token: 'not-the-token-at-all', next: '/' }));
      assert.equal(wrong.status, 401);
      assert.match(await wrong.text(), /not the token/);

      const right = await fetch(`${url}login`, form({ token: TOKEN, next: '/graphs' }));
      assert.equal(right.status, 303);
      assert.equal(right.headers.get('location'), '/graphs');
      const cookie = right.headers.get('set-cookie')!.split(';')[0];
      assert.match(right.headers.get('set-cookie')!, /HttpOnly/i);
      assert.match(right.headers.get('set-cookie')!, /SameSite=Strict/i);
      assert.doesNotMatch(cookie, new RegExp(TOKEN), 'the cookie is not the token itself');
      const page = await fetch(url, { headers: { cookie } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Notifications/);
      assert.equal((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);

      // an offsite `next` is not followed
      for (const next of ['//evil.invalid/', '/\\evil.invalid/', 'https://evil.invalid/']) {
        const offsite = await fetch(`${url}login`, form({ token: TOKEN, next }));
        assert.equal(offsite.headers.get('location'), '/', next);
      }
    });

    it('writes only on a POST that carries the key derived from the token', async () => {
      const login = await fetch(`${url}login`, form({ token: TOKEN, next: '/' }));
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const csrf = csrfIn(await (await fetch(url, { headers: { cookie } })).text());
      assert.equal(unseen(home), 3);

      const noKey = await fetch(`${url}notify/seen-all`, { ...form({ upto: '99' }), headers: { cookie } });
      assert.equal(noKey.status, 403);
      const noCookie = await fetch(`${url}notify/seen-all`, form({ upto: '99', csrf }));
      assert.equal(noCookie.status, 401);
      const get = await fetch(`${url}notify/seen-all?upto=99&csrf=${csrf}`, { headers: { cookie } });
      assert.equal(get.status, 404);
      assert.equal(unseen(home), 3, 'nothing written yet');

      const ok = await fetch(`${url}notify/seen-all`, { ...form({ upto: '99', csrf }), headers: { cookie } });
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.get('location'), '/?marked=3');
      assert.equal(unseen(home), 0);
    });
  });

  describe('without a token, on 127.0.0.1', () => {
    let home: string;
    let child: ChildProcess & { log: string };
    let url: string;
    before(async () => {
      home = inboxHome({});
      child = await startDaemon('webui', home, 'h', ['--port', '0']);
      url = daemonUrl(child);
    });
    after(async () => child && (await stopChild(child)));

    it('listens on 127.0.0.1 and answers only to loopback names (no DNS rebinding)', async () => {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(await rawGet(url, new URL(url).host), 200);
      assert.equal(await rawGet(url, `localhost:${new URL(url).port}`), 200);
      assert.equal(await rawGet(url, `rebound.invalid:${new URL(url).port}`), 403);
    });

    it('still needs the page\'s key to write, so another site cannot post to it', async () => {
      const seen1 = await fetch(`${url}notify/seen`, form({ id: '1', upto: '99' }));
      assert.equal(seen1.status, 403);
      assert.equal(unseen(home), 3);
      const csrf = csrfIn(await (await fetch(url)).text());
      const ok = await fetch(`${url}notify/seen`, form({ id: '1', upto: '99', csrf }));
      assert.equal(ok.status, 303);
      assert.equal(unseen(home), 2);
    });

    it('answers a chart request with from after to with a 400 that says so', async () => {
      const r = await fetch(`${url}api/series?key=k&field=f&from=2000&to=1000`);
      assert.equal(r.status, 400);
      assert.match(((await r.json()) as { error: string }).error, /from \(2000\) must come before to \(1000\)/);
    });

    it('sets headers that keep pages from being framed or loading scripts from elsewhere', async () => {
      const r = await fetch(url);
      assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    });

    it('says the port is taken instead of failing obscurely', () => {
      const r = wubot(['webui', '--home', home, '--port', new URL(url).port]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: the port is taken/);
    });
  });

  it('shows an empty inbox with what to do when no rule has stored notifications yet', async () => {
    const home = wubotHome('webui', { 'reactor.yaml': 'rules: []\n' });
    const child = await startDaemon('webui', home, 'h', ['--port', '0']);
    try {
      const text = await (await fetch(daemonUrl(child))).text();
      assert.match(text, /No notifications yet: .*notifications\.sql has no table notifications/);
      const graphs = await (await fetch(`${daemonUrl(child)}graphs`)).text();
      assert.match(graphs, /No series yet/);
    } finally {
      await stopChild(child);
    }
  });

  it('says which file it cannot read, and leaves a damaged file as it is', async () => {
    const home = wubotHome('webui', { 'reactor.yaml': 'rules: []\n' });
    mkdirSync(join(home, 'sqlite'));
    const junk = Buffer.from('this is not a database, whatever its name says\n'.repeat(100));
    writeFileSync(join(home, 'sqlite', 'notifications.sql'), junk);
    writeFileSync(join(home, 'sqlite', 'series.sql'), junk);
    const child = await startDaemon('webui', home, 'h', ['--port', '0']);
    try {
      const inbox = await fetch(daemonUrl(child));
      assert.equal(inbox.status, 200);
      assert.match(await inbox.text(), /cannot read the notifications in .*notifications\.sql: file is not a database/);
      assert.match(await (await fetch(`${daemonUrl(child)}graphs`)).text(), /cannot read the series in .*series\.sql: file is not a database/);
      const api = await fetch(`${daemonUrl(child)}api/series?key=k&field=f`);
      assert.equal(api.status, 500);
      assert.match(((await api.json()) as { error: string }).error, /series\.sql: file is not a database/);
    } finally {
      await stopChild(child);
    }
    assert.deepEqual(readFileSync(join(home, 'sqlite', 'notifications.sql')), junk);
    assert.deepEqual(readFileSync(join(home, 'sqlite', 'series.sql')), junk);
  });

  it('serves HTTPS with the certificate and key named in webui.yaml, the cookie for HTTPS only', async () => {
    const home = wubotHome('webui', { 'webui.yaml': `token: ${TOKEN}\ntls: { cert: tls/web.crt, key: tls/web.key }\n` });
    mkdirSync(join(home, 'tls'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(home, 'tls', 'web.key'), '-out', join(home, 'tls', 'web.crt')], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const ca = readFileSync(join(home, 'tls', 'web.crt'));
    const child = await startDaemon('webui', home, 'h', ['--port', '0']);
    try {
      const url = daemonUrl(child);
      assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      const get = (path: string, method = 'GET', body = '', headers: Record<string, string> = {}) =>
        new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
          const req = httpsRequest(url + path, { method, ca, headers }, (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, headers: res.headers });
          });
          req.on('error', reject);
          req.end(body);
        });
      assert.equal((await get('', 'GET', '', { authorization: `Bearer ${TOKEN}` })).status, 200);
      const login = await get('login', 'POST', new URLSearchParams({ token: TOKEN, next: '/' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(login.status, 303);
      assert.match(String(login.headers['set-cookie']), /; Secure/i);
      // plain HTTP gets no page
      const plain = await fetch(url.replace('https:', 'http:')).then((r) => r.status, () => 0);
      assert.notEqual(plain, 200);
    } finally {
      await stopChild(child);
    }
  });

  it('says which TLS file it cannot read', () => {
    const home = wubotHome('webui', { 'webui.yaml': `tls: { cert: tls/missing.crt, key: tls/missing.key }\n` });
    const r = wubot(['webui', '--home', home]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /tls\.cert in .*webui\.yaml: cannot read .*missing\.crt/);
  });

  it('says on the network page which config files the loop check could not read', async () => {
    const home = wubotHome('webui', { 'reactor.yaml': 'rules:\n  - name: x\n    condition: key matches (x\n    plugin: MessageQueue\n    config: { directory: forward }\n' });
    const child = await startDaemon('webui', home, 'h', ['--port', '0']);
    try {
      const text = await (await fetch(`${daemonUrl(child)}network`)).text();
      assert.match(text, /1 config file could not be read and is left out/);
      assert.match(text, /reactor\.yaml:3:28: error WB3002: regex `\(x` does not compile/);
      assert.doesNotMatch(text, />No routing loops\.</);
    } finally {
      await stopChild(child);
    }
  });

  it('pages through more groups than one page shows, as of the first page', async () => {
    const home = inboxHome({});
    const db = new Database(join(home, 'sqlite', 'notifications.sql'));
    const ins = db.prepare('INSERT INTO notifications (key, hostname, subject, lastupdate) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < 205; i++) ins.run('k', 'h', `problem ${i}`, 1764400000 + i);
    db.close();
    const child = await startDaemon('webui', home, 'h', ['--port', '0']);
    try {
      const first = await (await fetch(daemonUrl(child))).text();
      assert.equal(first.match(/<li class="item/g)?.length, 200);
      assert.match(first, /problem 204</);
      const older = /href="(\/\?page=2[^"]*)" rel="next">older \(8 more\)/.exec(first.replaceAll('&amp;', '&'));
      assert.ok(older, 'a link to the older page');
      // one arrives meanwhile: the second page is still the first page's continuation
      const late = new Database(join(home, 'sqlite', 'notifications.sql'));
      late.prepare('INSERT INTO notifications (key, hostname, subject, lastupdate) VALUES (?, ?, ?, ?)').run('k', 'h', 'late', 1764500000);
      late.close();
      const second = await (await fetch(new URL(older[1], daemonUrl(child)))).text();
      assert.equal(second.match(/<li class="item/g)?.length, 8);
      assert.match(second, /rel="prev">← newer/);
      assert.doesNotMatch(second, /late</);
    } finally {
      await stopChild(child);
    }
  });
});
