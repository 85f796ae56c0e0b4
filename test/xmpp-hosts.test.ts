import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { XmppLink } from '../runtime/xmpp/link.js';
import { decodeBody, encodeBody } from '../runtime/xmpp/wire.js';
import type { Message } from '../runtime/pipeline-api.js';
import { memoryLog, queueMessages, repoRoot, sleep, startDaemon, startXmppServer, stopChild, waitFor, wubotHome, xmppServerKinds, type XmppServer } from './helpers.js';

/* Real wubot processes on two hosts, talking through a real XMPP server on 127.0.0.1, of each kind. */
const rows = (dir: string): Message[] => queueMessages(dir);

const home = wubotHome;

/** Bodies exactly as original Perl hosts send them: no wubot_path, no wubot_id (shared/reference/wire-format.md). */
const perlBodies = readFileSync(join(repoRoot, 'test', 'fixtures', 'wire-samples.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { body: string; message: Message }));

/** deadLetters are the errors of the messages kept back in a queue's dead-letter table. */
function deadLetters(dir: string): string[] {
  const file = join(dir, 'queue.sqlite');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  const r = db.prepare('SELECT error FROM message_queue_dead').all() as { error: string }[];
  db.close();
  return r.map((x) => x.error);
}

for (const kind of xmppServerKinds()) describe(`two hosts over XMPP through ${kind}`, () => {
  let server: XmppServer;
  let port = 0;
  const procs: ChildProcess[] = [];

  before(async () => {
    server = await startXmppServer(kind, ['web1', 'central', 'stranger', 'perlhost', 'relay']);
    port = server.port;
  });

  after(async () => {
    await Promise.all(procs.map((p) => stopChild(p)));
    server.stop();
  });

  const xmpp = (me: string, to: string) =>
    `account: ${me}@localhost\npassword: ${me}-pw\nhost: 127.0.0.1\nport: ${port}\ndirectory: forward\nuser: ${to}@localhost\ndelay: 0.2\n`;
  // a host that relays what it receives straight back: the loop guard must stop it
  const relay = 'rules:\n  - name: relay\n    plugin: DeleteField\n    config: { field: noforward }\n  - name: back\n    plugin: MessageQueue\n    config: { directory: forward }\n';

  it('forwards what the rules queue, in order, marked noforward, with the origin kept; a relay back is stopped by the loop guard', async () => {
    const forward = 'rules:\n  - name: forward\n    condition: noforward is false\n    plugin: MessageQueue\n    config: { directory: forward }\n';
    const web1 = home('web1', { 'reactor.yaml': forward, 'plugins/XMPP/link.yaml': xmpp('web1', 'central') });
    const central = home('central', { 'reactor.yaml': relay, 'plugins/XMPP/link.yaml': xmpp('central', 'web1') });
    procs.push(await startDaemon('monitor', web1, 'web1'), await startDaemon('reactor', web1, 'web1'));
    procs.push(await startDaemon('monitor', central, 'central'), await startDaemon('reactor', central, 'central'));
    const w = QueueWriter.open(join(web1, 'reactor'), { hostname: 'web1' });
    w.append(Array.from({ length: 100 }, (_, i) => ({ n: i, subject: `load ${i}`, key: 'Uptime-web1', lastupdate: 1764300000 + i })));
    w.close();
    const got = () => rows(join(central, 'reactor')).filter((m) => m.key === 'Uptime-web1');
    for (let t = 0; got().length < 100 && t < 300; t++) await sleep(100);
    const received = got();
    assert.deepEqual(received.map((m) => m.n), Array.from({ length: 100 }, (_, i) => i));
    assert.ok(received.every((m) => m.noforward === 1 && m.hostname === 'web1'));
    assert.equal(received[5].lastupdate, 1764300005);
    assert.deepEqual(received[0].wubot_path, ['web1@localhost']);
    const ready = rows(join(web1, 'reactor')).filter((m) => m.subject === 'XMPP: session ready' && m.hostname === 'web1');
    assert.equal(ready.length, 1);
    assert.equal(ready[0].noforward, 1);
    assert.equal(ready[0].key, 'XMPP-link');
    // central's relay would send them back to web1, which is on their path: the guard keeps them as dead letters
    const dead = () => deadLetters(join(central, 'forward'));
    for (let t = 0; dead().length < 100 && t < 300; t++) await sleep(100);
    assert.equal(dead().length, 100);
    assert.match(dead()[0], /routing loop: web1@localhost is already on the path web1@localhost/);
    assert.equal(rows(join(web1, 'reactor')).filter((m) => m.key === 'Uptime-web1' && Array.isArray(m.wubot_path)).length, 0);
    // passwords reach neither logs nor messages, here or there
    const everything = [...procs.map((p) => (p as ChildProcess & { log: string }).log), ...[web1, central].flatMap((h) => rows(join(h, 'reactor')).map((m) => JSON.stringify(m)))].join('\n');
    assert.ok(!everything.includes('web1-pw') && !everything.includes('central-pw'));
  });

  it('puts an original Perl host, which keeps no path, on the path of what it sends, so relaying it back is stopped', async () => {
    const h = home('relay', { 'reactor.yaml': relay, 'plugins/XMPP/link.yaml': xmpp('relay', 'perlhost') });
    const monitor = await startDaemon('monitor', h, 'relay');
    procs.push(monitor, await startDaemon('reactor', h, 'relay'));
    assert.ok(await waitFor(() => rows(join(h, 'reactor')).some((m) => m.subject === 'XMPP: session ready')), monitor.log);
    const back: string[] = [];
    const perl = new XmppLink({ host: '127.0.0.1', port, domain: 'localhost', username: 'perlhost', password: 'perlhost-pw', resource: 'perl', log: memoryLog() }, (m) => back.push(m.body));
    await perl.start();
    await perl.sendBatch(perlBodies.map((s, i) => ({ id: `perl${i}`, to: 'relay@localhost', body: s.body })));
    const keys = perlBodies.map((s) => s.message.key);
    const got = () => rows(join(h, 'reactor')).filter((m) => keys.includes(m.key));
    assert.ok(await waitFor(() => got().length === keys.length));
    for (const m of got()) {
      assert.deepEqual(m.wubot_path, ['perlhost@localhost']);
      assert.equal(m.noforward, 1);
    }
    const dead = () => deadLetters(join(h, 'forward'));
    assert.ok(await waitFor(() => dead().length === keys.length), dead().join('\n'));
    assert.ok(dead().every((e) => /routing loop: perlhost@localhost is already on the path perlhost@localhost/.test(e)));
    await perl.stop();
    // the relay's own messages (its session ready) may come; none of the Perl host's
    assert.deepEqual(back.map((b) => decodeBody(b).key).filter((k) => keys.includes(k)), []);
  });

  it('drops undecodable bodies, YAML bombs and messages from JIDs not allowed, and keeps running', async () => {
    const h = home('laptop', {
      'plugins/XMPP/link.yaml': `account: central@localhost\npassword: central-pw\nhost: 127.0.0.1\nport: ${port}\ndirectory: forward\nuser: web1@localhost\nresource: other\ndelay: 0.2\nmax_body: 50000\n`,
    });
    const child = await startDaemon('monitor', h, 'laptop');
    procs.push(child);
    const ready = () => rows(join(h, 'reactor')).some((m) => m.subject === 'XMPP: session ready');
    for (let t = 0; !ready() && t < 100; t++) await sleep(100);
    assert.ok(ready(), child.log);
    const send = async (user: string, bodies: string[]) => {
      const link = new XmppLink(
        { host: '127.0.0.1', port, domain: 'localhost', username: user, password: `${user}-pw`, resource: 'test', log: memoryLog() },
        () => {},
      );
      await link.start();
      await link.sendBatch(bodies.map((body, i) => ({ id: `${user}${i}`, to: 'central@localhost/other', body })));
      await link.stop();
    };
    const bomb = Buffer.from('a: &a [x,x,x,x,x,x,x,x,x]\n' + 'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill('*' + 'abcdefgh'[i]).join(',')}]`).join('\n')).toString('base64');
    await send('stranger', [encodeBody({ subject: 'let me in' })]);
    const huge = encodeBody({ subject: 'x'.repeat(60_000), key: 'Test-huge' });
    await send('web1', ['%%% not base64 %%%', bomb, Buffer.from('- a list').toString('base64'), huge, encodeBody({ subject: 'fine', key: 'Test-ok' })]);
    const got = () => rows(join(h, 'reactor')).filter((m) => m.key === 'Test-ok');
    for (let t = 0; got().length < 1 && t < 100; t++) await sleep(100);
    assert.equal(got().length, 1);
    assert.equal(rows(join(h, 'reactor')).filter((m) => m.subject === 'let me in').length, 0);
    const log = child.log;
    assert.match(log, /dropped a message from a JID that is not allowed.*stranger@localhost/);
    assert.equal((log.match(/dropped a message that cannot be decoded/g) ?? []).length, 4);
    assert.match(log, /larger than 50000/);
    assert.equal(rows(join(h, 'reactor')).filter((m) => m.key === 'Test-huge').length, 0);
    assert.equal(child.exitCode, null);
  });
});
