import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../runtime/pipeline-api.js';
import { decodeBody, encodeBody } from '../../../runtime/xmpp/wire.js';
import { ArchiveError, XmppLink, type Incoming, type LinkEvent, type TlsMode } from '../../../runtime/xmpp/link.js';
import { trustCaFor } from '../../../runtime/xmpp/tls-trust.js';
import { join } from 'node:path';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { daemonPool, memoryLog, queueMessages, startXmppServer, waitFor, wubotHome, xmppConfig, xmppServerKinds, type XmppServer } from '../../helpers.js';

/* A real server on 127.0.0.1, one of each kind for this file. */
for (const kind of xmppServerKinds()) describe(`XMPP link through ${kind}`, () => {
  let server: XmppServer;
  let port = 0;

  before(async () => {
    // no archive: a server that keeps one takes a message over the offline cap into it, bouncing nothing (Prosody)
    server = await startXmppServer(kind, ['alice', 'bob', 'carol', 'mallory'], { XMPP_OFFLINE_LIMIT: '50', XMPP_MAM: '0' });
    port = server.port;
  });

  after(() => server.stop());

  const link = (user: string, got: Incoming[]) =>
    new XmppLink(
      { host: '127.0.0.1', port, domain: 'localhost', username: user, password: `${user}-pw`, resource: 'wubot', log: memoryLog() },
      (m) => got.push(m),
    );

  it('carries messages in order, and keeps them for a bot that was offline', async () => {
    const bobGot: Incoming[] = [];
    const alice = link('alice', []);
    let bob = link('bob', bobGot);
    await alice.start();
    await bob.start();
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `m${from + i}`, to: 'bob@localhost', body: encodeBody({ n: from + i, subject: `é ${from + i}` }) }));
    assert.equal((await alice.sendBatch(batch(0, 200))).size, 0);
    assert.ok(await waitFor(() => bobGot.length >= 200, 30_000), `bob got ${bobGot.length} of 200`);
    await bob.stop();
    assert.equal((await alice.sendBatch(batch(200, 20))).size, 0);
    bob = link('bob', bobGot);
    await bob.start();
    assert.ok(await waitFor(() => bobGot.length >= 220, 30_000), `bob got ${bobGot.length} of 220`);
    const ns = bobGot.map((m) => (decodeBody(m.body) as Message).n);
    assert.deepEqual(ns, Array.from({ length: 220 }, (_, i) => i));
    assert.ok(bobGot.every((m) => m.from.startsWith('alice@localhost/')));
    assert.equal((decodeBody(bobGot[0].body) as Message).subject, 'é 0');
    await bob.stop();
    await alice.stop();
  });

  it('carries ids and bodies with XML\'s special characters as they were', async () => {
    const got: Incoming[] = [];
    const alice = link('alice', []);
    const bob = link('bob', got);
    try {
      await alice.start();
      await bob.start();
      // a relayed message's id is its first sender's own text; a body need not be base64
      const hostile = [
        { id: `a"b'c<d>e&f`, to: 'bob@localhost', body: `</body><body>x</body></message><message to="mallory@localhost">` },
        { id: '&amp;', to: 'bob@localhost', body: `&lt; ' " &` },
        { id: 'plain', to: 'bob@localhost', body: 'QUJD' },
      ];
      assert.equal((await alice.sendBatch(hostile)).size, 0);
      assert.ok(await waitFor(() => got.length >= 3, 30_000), `bob got ${got.length} of 3`);
      assert.deepEqual(got.map((m) => [m.receiptId, m.body]), hostile.map((m) => [m.id, m.body]));
    } finally {
      await Promise.all([alice.stop(), bob.stop()]);
    }
  });

  it('keeps nothing for error stanzas of anyone\'s making (3,000 from a peer)', async () => {
    const alice = link('alice', []);
    const mallory = link('mallory', []);
    await alice.start();
    await mallory.start();
    // a flood of bounces for ids alice never sent, and one for an id she is about to send
    const raw = mallory as unknown as { xmpp: { write(s: string): Promise<void> } };
    const forged = (id: string) => `<message type="error" to="alice@localhost/wubot" id="${id}"><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`;
    await raw.xmpp.write(Array.from({ length: 3000 }, (_, i) => forged(`flood${i}`)).join('') + forged('real0'));
    const got: Incoming[] = [];
    const bob = link('bob', got);
    try {
      await bob.start();
      const bounced = await alice.sendBatch([{ id: 'real0', to: 'bob@localhost', body: encodeBody({ n: 0 }) }]);
      assert.equal(bounced.size, 0, 'a bounce from a JID the message was not sent to counted');
      assert.equal((alice as unknown as { unconfirmed: Map<string, unknown> }).unconfirmed.size, 0, 'error stanzas left something behind');
      // the server handles the 3,000 error stanzas before bob's message, which takes a while on a loaded machine
      assert.ok(await waitFor(() => got.length >= 1, 60_000), `bob got nothing (alice online: ${alice.isOnline}, bob online: ${bob.isOnline})`);
      assert.equal(got.length, 1);
    } finally {
      // a failure here must not leave three links reconnecting, holding the file until its timeout
      await Promise.all([alice.stop(), mallory.stop(), bob.stop()]);
    }
  });

  it('reports the messages the server bounced, by id', async () => {
    const alice = link('alice', []);
    await alice.start();
    const msgs = Array.from({ length: 55 }, (_, i) => ({ id: `c${i}`, to: 'carol@localhost', body: encodeBody({ n: i }) }));
    const bounced = await alice.sendBatch(msgs);
    await alice.stop();
    assert.deepEqual([...bounced.keys()], ['c50', 'c51', 'c52', 'c53', 'c54']);
    // Prosody refuses a full offline store as unavailable, ejabberd as a constraint to wait on
    assert.match([...bounced.values()][0], kind === 'prosody' ? /service-unavailable/ : /resource-constraint/);
  });

  // the login of a connection cut in the middle of SCRAM was still listening, and answered the next connection's
  // challenge with its own nonce: the server refused that login ("doesn't match"), and the bot stayed without a
  // session until its keepalive gave up on it (after a restart, hundreds of bots at once)
  for (const cutAt of ['<challenge', '<response'] as const) {
    it(`logs in on the next connection after one cut mid-login (at ${cutAt})`, async () => {
      let connections = 0;
      const open = new Set<Socket>();
      const proxy = createServer((down) => {
        const n = ++connections;
        const up = connect(port, '127.0.0.1');
        for (const s of [down, up]) {
          open.add(s);
          s.on('error', () => {}).on('close', () => open.delete(s));
        }
        const cut = () => {
          down.destroy();
          up.destroy();
        };
        // the first connection is cut before the server's challenge reaches the bot, or before the bot's answer to it reaches the server
        down.on('data', (d: Buffer) => (n === 1 && cutAt === '<response' && d.toString().includes(cutAt) ? cut() : up.write(d)));
        up.on('data', (d: Buffer) => (n === 1 && cutAt === '<challenge' && d.toString().includes(cutAt) ? cut() : down.write(d)));
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const events: LinkEvent[] = [];
      const log = memoryLog();
      const carol = new XmppLink(
        { host: '127.0.0.1', port: (proxy.address() as AddressInfo).port, domain: 'localhost', username: 'carol', password: 'carol-pw', resource: 'wubot', log, minDelayMs: 50 },
        () => {},
        (e) => events.push(e),
      );
      try {
        // the keepalive (a minute) would start a third connection: the second one must log in
        await carol.start(20_000);
        assert.equal(connections, 2, `connections made: ${connections}\n${log.lines.join('\n')}`);
        assert.deepEqual(events.filter((e) => e.kind === 'error'), []);
      } finally {
        await carol.stop();
        for (const s of open) s.destroy();
        await new Promise((r) => proxy.close(r));
      }
    });
  }

  // a start that resolved once the presence was written let a message sent at once race the server's handling of
  // it: on a busy ejabberd the message went to the offline store after the store was emptied for this presence, and
  // waited there for the next session
  it('counts a session online only once the server has taken its presence', async () => {
    const open = new Set<Socket>();
    let held: Buffer[] | undefined;
    let release = () => {};
    const proxy = createServer((down) => {
      const up = connect(port, '127.0.0.1');
      for (const s of [down, up]) {
        open.add(s);
        s.on('error', () => {}).on('close', () => open.delete(s));
      }
      // what the bot says from its presence on waits until the test lets it through
      down.on('data', (d: Buffer) => {
        if (!held && d.toString().includes('<presence')) {
          held = [];
          release = () => {
            if (held) up.write(Buffer.concat(held));
            held = undefined;
          };
        }
        if (held) held.push(d);
        else up.write(d);
      });
      up.on('data', (d: Buffer) => down.write(d));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const got: Incoming[] = [];
    const bob = new XmppLink(
      { host: '127.0.0.1', port: (proxy.address() as AddressInfo).port, domain: 'localhost', username: 'bob', password: 'bob-pw', resource: 'wubot', log: memoryLog() },
      (m) => got.push(m),
    );
    const alice = link('alice', []);
    try {
      let started = false;
      const starting = bob.start().then(() => (started = true));
      assert.ok(await waitFor(() => held !== undefined, 20_000), 'the presence never came');
      // the bot's own write of the presence has finished by the time the proxy reads it: a few turns of the loop
      // give a start that waited only for it the time to resolve
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      assert.equal(started, false, 'the session counted online before the server saw its presence');
      assert.equal(bob.isOnline, false);
      release();
      await starting;
      assert.equal(bob.isOnline, true);
      await alice.start();
      assert.equal((await alice.sendBatch([{ id: 'live0', to: 'bob@localhost', body: encodeBody({ n: 0 }) }])).size, 0);
      assert.ok(await waitFor(() => got.length >= 1, 20_000), 'bob got nothing');
    } finally {
      release();
      await Promise.all([alice.stop(), bob.stop()]);
      for (const s of open) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  // a proxy that stops passing the server's words once the bot asks for its archive: for `pause` ms (a server busy
  // reading archive files, as Prosody's file storage after a restart), or for good (a link that died meanwhile)
  const stallingProxy = async (pause: number) => {
    const open = new Set<Socket>();
    let connections = 0;
    let stalled = false;
    const proxy = createServer((down) => {
      connections++;
      const up = connect(port, '127.0.0.1');
      for (const s of [down, up]) {
        open.add(s);
        s.on('error', () => {}).on('close', () => open.delete(s));
      }
      let held: Buffer[] | undefined;
      down.on('data', (d: Buffer) => {
        if (!held && !stalled && d.toString().includes('urn:xmpp:mam:2')) {
          stalled = true;
          held = [];
          if (Number.isFinite(pause)) setTimeout(() => { down.write(Buffer.concat(held!)); held = undefined; }, pause);
        }
        up.write(d);
      });
      up.on('data', (d: Buffer) => (held ? held.push(d) : down.write(d)));
      const end = () => { down.destroy(); up.destroy(); };
      down.on('close', end);
      up.on('close', end);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    return {
      port: (proxy.address() as AddressInfo).port,
      connections: () => connections,
      close: async () => {
        for (const s of open) s.destroy();
        await new Promise((r) => proxy.close(r));
      },
    };
  };
  const archiveLink = (proxyPort: number, events: LinkEvent[], log: ReturnType<typeof memoryLog>) =>
    new XmppLink(
      { host: '127.0.0.1', port: proxyPort, domain: 'localhost', username: 'carol', password: 'carol-pw', resource: 'wubot', log, keepaliveMs: 1500, archiveTimeoutMs: 8000, minDelayMs: 50 },
      () => {},
      (e) => events.push(e),
    );
  /** asked: the archive's answer, or the server's refusal (this server keeps no archive): either is an answer */
  const asked = (l: XmppLink) => l.archivePage({}, 10).then(() => 'answered', (e: Error) => (e instanceof ArchiveError ? 'answered' : `${e.name}: ${e.message}`));

  it('keeps a session whose archive query the server is slow to answer (the keepalive waits for the query)', async () => {
    const proxy = await stallingProxy(5000);
    const events: LinkEvent[] = [];
    const log = memoryLog();
    const l = archiveLink(proxy.port, events, log);
    try {
      await l.start(10_000);
      // silent for over three keepalives: a ping then would have gone unanswered and the session been dropped
      assert.equal(await asked(l), 'answered', log.lines.join('\n'));
      assert.deepEqual(events.filter((e) => e.kind === 'offline'), [], log.lines.join('\n'));
      assert.equal(proxy.connections(), 1);
    } finally {
      await l.stop();
      await proxy.close();
    }
  });

  it('drops and makes again a link on which an archive query is never answered', async () => {
    const proxy = await stallingProxy(Infinity);
    const events: LinkEvent[] = [];
    const log = memoryLog();
    const l = archiveLink(proxy.port, events, log);
    try {
      await l.start(10_000);
      assert.match(await asked(l), /^TimeoutError/);
      assert.ok(await waitFor(() => proxy.connections() === 2 && l.isOnline, 20_000), `no new session:\n${log.lines.join('\n')}`);
      assert.match(log.lines.join('\n'), /did not answer an archive query/);
    } finally {
      await l.stop();
      await proxy.close();
    }
  });

  it('comes back once after a server restart, and keeps that session', async () => {
    const events: LinkEvent['kind'][] = [];
    const story: string[] = [];
    const log = memoryLog();
    const t0 = Date.now();
    const alice = new XmppLink(
      { host: '127.0.0.1', port, domain: 'localhost', username: 'alice', password: 'alice-pw', resource: 'wubot', log },
      () => {},
      (e) => {
        events.push(e.kind);
        story.push(`${Date.now() - t0} ms ${JSON.stringify(e)}`);
      },
    );
    await alice.start();
    // the client is made at the first start
    (alice as unknown as { xmpp: { on(ev: string, f: (s: string) => void): void } }).xmpp.on('status', (st) => story.push(`${Date.now() - t0} ms status ${st}`));
    // ejabberd ends with a stream error and no stream footer: the client's close after it once ended the next session
    server.restart();
    assert.ok(await waitFor(() => events.includes('offline') && alice.isOnline, 60_000), 'the link did not come back');
    const offline = () => events.filter((k) => k === 'offline').length;
    // that close came 2 s after the stream error, about a second into the new session
    assert.equal(await waitFor(() => offline() > 1, 5000), false, `the link dropped the session it came back with:\n${[...story, ...log.lines].join('\n')}`);
    assert.equal((await alice.sendBatch([{ id: 'r0', to: 'bob@localhost', body: encodeBody({ n: 0 }) }])).size, 0);
    await alice.stop();
  });
});

/* TLS: a server with a certificate of its own making, which requires encryption. */
for (const kind of xmppServerKinds()) describe(`XMPP link over TLS with ${kind}`, () => {
  let tlsServer: XmppServer;
  let plainServer: XmppServer;

  before(async () => {
    tlsServer = await startXmppServer(kind, ['dave', 'erin'], { XMPP_TLS: '1', XMPP_TLS_PORT: 'free' });
    plainServer = await startXmppServer(kind, ['frank']);
  });

  after(() => {
    tlsServer.stop();
    plainServer.stop();
  });

  const open = async (user: string, port: number, tls: TlsMode, got: Incoming[] = []) => {
    const events: LinkEvent[] = [];
    const l = new XmppLink(
      { host: '127.0.0.1', port, tls, domain: 'localhost', username: user, password: `${user}-pw`, resource: 'wubot', log: memoryLog() },
      (m) => got.push(m),
      (e) => events.push(e),
    );
    const started = await l.start(5000).then(
      () => 'online',
      (e: Error) => e.message,
    );
    return { l, events, started };
  };

  it('refuses a certificate nobody vouched for', async () => {
    const { l, started } = await open('dave', tlsServer.port, 'starttls');
    await l.stop();
    assert.match(started, /self.signed|certificate/i);
  });

  it('logs in over STARTTLS and direct TLS once the CA is trusted, and carries messages', async () => {
    trustCaFor('localhost', join(tlsServer.dir, 'certs', 'localhost.crt'));
    const got: Incoming[] = [];
    const dave = await open('dave', tlsServer.port, 'required');
    const erin = await open('erin', tlsServer.tlsPort!, 'direct', got);
    assert.equal(dave.started, 'online');
    assert.equal(erin.started, 'online');
    assert.equal((await dave.l.sendBatch([{ id: 't1', to: 'erin@localhost', body: encodeBody({ subject: 'over TLS' }) }])).size, 0);
    assert.ok(await waitFor(() => got.length >= 1, 30_000), 'nothing came');
    assert.equal((decodeBody(got[0].body) as Message).subject, 'over TLS');
    await dave.l.stop();
    await erin.l.stop();
  });

  it('with tls: required, will not log in to a server that offers no TLS', async () => {
    const frank = await open('frank', plainServer.port, 'required');
    await frank.l.stop();
    assert.match(frank.started, /offers no TLS/);
    assert.ok(frank.events.some((e) => e.kind === 'error' && /tls: required/.test(e.message)));
    assert.ok(!frank.events.some((e) => e.kind === 'online'));
  });

  it('a `wubot monitor` with tls: required against a plain server says why once, and tries again less and less often', async () => {
    // a proxy in front of the server counts the monitor's connections
    const tries: number[] = [];
    const open = new Set<Socket>();
    const proxy = createServer((sock) => {
      tries.push(Date.now());
      open.add(sock);
      sock.on('close', () => open.delete(sock));
      const up = connect(plainServer.port, '127.0.0.1');
      sock.pipe(up).pipe(sock);
      up.on('error', () => sock.destroy());
      sock.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const home = wubotHome('frank', { 'plugins/XMPP/link.yaml': xmppConfig(proxyPort, 'frank', 'erin', { tls: 'required', delay: 0.1 }) });
    const daemons = daemonPool();
    try {
      const monitor = await daemons.start('monitor', home, 'frank');
      assert.ok(await waitFor(() => tries.length >= 3, 30_000), `only ${tries.length} connections`);
      // checks run every 0.1 s; sessions are tried after 1 s, then 2 s, …
      assert.ok(tries[1] - tries[0] >= 900 && tries[2] - tries[1] >= 1900, `tries ${tries.map((t) => t - tries[0]).join(', ')} ms apart`);
      // what it logged while it ran (a check cut short by the stop says so as it stops)
      const log = monitor.log;
      await daemons.stop(monitor);
      const lines = log.split('\n').filter((l) => l.includes('"level":"warn"') || l.includes('"level":"error"'));
      assert.equal(lines.length, 1, log);
      assert.match(lines[0], /cannot start a session.*offers no TLS and this bot's config says tls: required/);
      const errors = queueMessages(join(home, 'reactor')).filter((m) => /^XMPP: ERROR/.test(String(m.subject)));
      assert.deepEqual(errors.map((m) => m.subject), ["XMPP: ERROR: 127.0.0.1 offers no TLS and this bot's config says tls: required"]);
    } finally {
      await daemons.stopAll();
      for (const sock of open) sock.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });
  it('a `wubot monitor` whose server stops answering mid-login stops at once on SIGTERM, not when its session start times out', async () => {
    // a proxy passes the server's words until its SASL success, and holds that back: the session start waits for its timeout
    const open = new Set<Socket>();
    let held = false;
    const proxy = createServer((sock) => {
      const up = connect(plainServer.port, '127.0.0.1');
      for (const s of [sock, up]) {
        open.add(s);
        s.on('error', () => {});
      }
      sock.pipe(up);
      let said = '';
      up.on('data', (d: Buffer) => {
        if (held) return;
        said += d.toString();
        if (said.includes('<success')) held = true;
        else sock.write(d);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as AddressInfo).port;
    const home = wubotHome('frank', { 'plugins/XMPP/link.yaml': xmppConfig(port, 'frank', 'erin', { delay: 0.1 }) });
    const daemons = daemonPool();
    try {
      const monitor = await daemons.start('monitor', home, 'frank');
      assert.ok(await waitFor(() => held, 30_000), `the login never got to the server's success: ${monitor.log}`);
      const exited = new Promise<number | null>((r) => monitor.once('exit', (code) => r(code)));
      await daemons.stop(monitor);
      assert.equal(await exited, 0, monitor.log);
      // a start that ran into its timeout would have said so before the process could exit
      assert.doesNotMatch(monitor.log, /no session within|cannot start a session/, monitor.log);
      assert.match(monitor.log, /monitor stopped/);
    } finally {
      await daemons.stopAll();
      for (const s of open) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });
});

/* With stream management on, messages go through the client's send and middleware, which count them. */
if (xmppServerKinds().includes('ejabberd')) describe('XMPP link with stream management (ejabberd mod_stream_mgmt)', () => {
  let server: XmppServer;
  before(async () => {
    server = await startXmppServer('ejabberd', ['smx', 'smy'], { XMPP_SMACKS: '1', XMPP_MAM: '0' });
  });
  after(() => server.stop());

  it('carries messages in order, bodies and ids as they were, and the server counts what each side got', async () => {
    const got: Incoming[] = [];
    const make = (user: string, onMessage: (m: Incoming) => void) =>
      new XmppLink({ host: '127.0.0.1', port: server.port, domain: 'localhost', username: user, password: `${user}-pw`, resource: 'wubot', log: memoryLog() }, onMessage);
    const x = make('smx', () => {});
    const y = make('smy', (m) => got.push(m));
    const managed = (l: XmppLink) => (l as unknown as { streamManaged: boolean }).streamManaged;
    try {
      await x.start();
      await y.start();
      assert.ok(managed(x) && managed(y), 'the server offered no stream management: nothing here is tested');
      const batch = Array.from({ length: 50 }, (_, i) => ({ id: i === 7 ? `m<&"${i}` : `m${i}`, to: 'smy@localhost', body: encodeBody({ n: i }) }));
      assert.equal((await x.sendBatch(batch)).size, 0);
      assert.ok(await waitFor(() => got.length >= 50, 30_000), `got ${got.length} of 50`);
      assert.deepEqual(got.map((m) => [m.receiptId, (decodeBody(m.body) as Message).n]), batch.map((m, i) => [m.id, i]));
      // the receiver's count went through the middleware: it acknowledges all 50 (and the session stays up)
      const inbound = (l: XmppLink) => (l as unknown as { xmpp: { streamManagement: { inbound: number } } }).xmpp.streamManagement.inbound;
      assert.ok(inbound(y) >= 50, `stream management counted ${inbound(y)} stanzas in`);
      assert.ok(y.isOnline && x.isOnline);
    } finally {
      await Promise.all([x.stop(), y.stop()]);
    }
  });
});

/* A hostile server: it opens the stream and then offers nothing, so that no session ever starts. */
describe('XMPP link against a server that never offers a login', () => {
  it('gives up each start at its timeout and keeps no listener from it', async () => {
    const open = new Set<Socket>();
    const server = createServer((sock) => {
      open.add(sock);
      sock.on('error', () => {}).on('close', () => open.delete(sock));
      sock.on('data', (d: Buffer) => {
        const said = d.toString();
        if (said.includes('<stream:stream')) sock.write(`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s' from='localhost' version='1.0'>`);
        if (said.includes('</stream:stream>')) sock.end('</stream:stream>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const stray: unknown[] = [];
    const onStray = (e: unknown) => stray.push(e);
    process.on('unhandledRejection', onStray);
    const l = new XmppLink({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, domain: 'localhost', username: 'u', password: 'p', resource: 'wubot', log: memoryLog() }, () => {});
    const client = () => (l as unknown as { xmpp: { listenerCount(event: string): number } }).xmpp;
    const counts = () => ['online', 'error', 'disconnect', 'nonza', 'element'].map((ev) => `${ev} ${client().listenerCount(ev)}`).join(', ');
    try {
      await assert.rejects(l.start(200), /no session within 200 ms/);
      const first = counts();
      for (let i = 0; i < 5; i++) await assert.rejects(l.start(200), /no session within 200 ms/);
      assert.equal(counts(), first, 'listeners grew with failed starts');
      assert.deepEqual(stray, []);
    } finally {
      process.off('unhandledRejection', onStray);
      await l.stop();
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
