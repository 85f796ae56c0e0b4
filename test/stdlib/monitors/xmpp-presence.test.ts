import assert from 'node:assert/strict';
import { client, xml, type Client } from '@xmpp/client';
import { after, before, describe, it } from 'node:test';
import { createRuntime } from '../../../apps/wubot/host.js';
import type { Message } from '../../../runtime/pipeline-api.js';
import { monitorPlugins } from '../../../stdlib/monitors/index.js';
import { memoryLog, startXmppServer, tempDir, waitFor, xmppServerKinds, type XmppServer } from '../../helpers.js';

/* XMPPPresence against the project's real servers: the person's own client (`me`) goes away, and Presence follows. */

for (const kind of xmppServerKinds()) describe(`XMPP presence through ${kind}`, () => {
  let server: XmppServer;
  before(async () => {
    server = await startXmppServer(kind, ['watcher', 'me']);
  });
  after(() => server.stop());

  /** personClient is the person's own XMPP client: it approves the watcher's subscription, as clients ask their user to. */
  const personClient = async (resource = 'desktop', show?: string): Promise<Client> => {
    const c = client({ service: `xmpp://127.0.0.1:${server.port}`, domain: 'localhost', username: 'me', password: 'me-pw', resource });
    // @xmpp/client gives the server 2 s to open the stream, which a busy machine can take (seen under stress-ng)
    (c as unknown as { timeout: number }).timeout = 30_000;
    c.on('error', () => {});
    c.on('stanza', (s) => {
      if (s.is('presence') && s.attrs.type === 'subscribe') void c.send(xml('presence', { type: 'subscribed', to: String(s.attrs.from) }));
    });
    c.on('online', () => void c.send(xml('presence', {}, ...(show ? [xml('show', {}, show)] : []))));
    await c.start();
    return c;
  };

  it('reports the person\'s presence as it changes, and Presence routes by it where no Idle report is fresh', async () => {
    const home = tempDir('wubot-presence-');
    const emitted: Message[] = [];
    const monitor = monitorPlugins.get('XMPPPresence')!.create(
      { account: 'watcher@localhost', password: 'watcher-pw', host: '127.0.0.1', port: server.port, person: 'me@localhost' },
      { hostname: 'laptop', home, key: 'XMPPPresence-me', log: memoryLog(), emit: (ms) => void emitted.push(...ms) },
    );
    const rt = createRuntime({ hostname: 'laptop', home });
    const presence = rt.plugin('Presence', {}, 'presence');
    const fields = (m: Message) => {
      presence.react(m);
      return [m.presence, m.presence_xmpp];
    };
    const person = await personClient();
    try {
      assert.deepEqual(await monitor.check({}, new AbortController().signal), {});
      const last = () => emitted.at(-1)?.xmpp_presence;
      assert.ok(await waitFor(() => last() === 'available', 30_000), JSON.stringify(emitted));
      assert.deepEqual(fields(emitted.at(-1)!), ['active', 'available']);
      await person.send(xml('presence', {}, xml('show', {}, 'away')));
      assert.ok(await waitFor(() => last() === 'away', 30_000), JSON.stringify(emitted));
      assert.deepEqual(fields(emitted.at(-1)!), ['idle', 'away']);
      assert.equal(emitted.at(-1)!.subject, 'me@localhost is away');
      assert.equal(emitted.at(-1)!.noforward, 1);
      // any later message gets the person's state
      assert.deepEqual(fields({ key: 'disk', subject: 'disk full' }), ['idle', 'away']);
      // a fresh Idle report (the keyboard is in use) decides over the XMPP presence
      assert.deepEqual(fields({ key: 'Idle-laptop', idle_state: 'active' }), ['active', 'away']);
      await person.send(xml('presence', {}, xml('show', {}, 'dnd')));
      assert.ok(await waitFor(() => last() === 'dnd', 30_000), JSON.stringify(emitted));
      await person.stop();
      assert.ok(await waitFor(() => last() === 'unavailable', 30_000), JSON.stringify(emitted));
      // what Presence learnt is kept: a new instance (a restarted reactor) knows it
      presence.react(emitted.at(-1)!);
      rt.flush();
      const again = createRuntime({ hostname: 'laptop', home }).plugin('Presence', { stale_after: 0 }, 'presence');
      const m: Message = { key: 'disk', subject: 'disk full', lastupdate: Math.floor(Date.now() / 1000) + 5 };
      again.react(m);
      assert.deepEqual([m.presence, m.presence_xmpp], ['away', 'unavailable']);
    } finally {
      await person.stop().catch(() => {});
      await monitor.close?.();
      rt.close();
    }
  });

  it('with several clients of the person, reports the most present one; a made-up show counts as available', async () => {
    const emitted: Message[] = [];
    const monitor = monitorPlugins.get('XMPPPresence')!.create(
      { account: 'watcher@localhost', password: 'watcher-pw', host: '127.0.0.1', port: server.port, person: 'me@localhost', resource: 'second' },
      { hostname: 'laptop', home: tempDir('wubot-presence-'), key: 'XMPPPresence-me', log: memoryLog(), emit: (ms) => void emitted.push(...ms) },
    );
    const states = () => emitted.map((m) => m.xmpp_presence);
    const desktop = await personClient('desktop');
    let phone: Client | undefined;
    try {
      await monitor.check({}, new AbortController().signal);
      assert.ok(await waitFor(() => states().at(-1) === 'available', 30_000), JSON.stringify(states()));
      // the phone in a pocket says away: the desktop is still in use
      phone = await personClient('phone', 'away');
      await desktop.send(xml('presence', {}, xml('show', {}, 'chat')));
      assert.ok(await waitFor(() => states().at(-1) === 'chat', 30_000), JSON.stringify(states()));
      assert.ok(!states().includes('away'), JSON.stringify(states()));
      // the desktop goes xa: the phone's away is the most present now
      await desktop.send(xml('presence', {}, xml('show', {}, 'xa')));
      assert.ok(await waitFor(() => states().at(-1) === 'away', 30_000), JSON.stringify(states()));
      await phone.stop();
      assert.ok(await waitFor(() => states().at(-1) === 'xa', 30_000), JSON.stringify(states()));
      // Prosody passes a show of anyone's making on; ejabberd refuses such a presence
      const madeUp = kind === 'prosody';
      if (madeUp) {
        await desktop.send(xml('presence', {}, xml('show', {}, 'sleeping')));
        assert.ok(await waitFor(() => states().at(-1) === 'available', 30_000), JSON.stringify(states()));
      }
      await desktop.stop();
      assert.ok(await waitFor(() => states().at(-1) === 'unavailable', 30_000), JSON.stringify(states()));
      assert.deepEqual(states(), ['available', 'chat', 'away', 'xa', ...(madeUp ? ['available'] : []), 'unavailable']);
    } finally {
      await phone?.stop().catch(() => {});
      await desktop.stop().catch(() => {});
      await monitor.close?.();
    }
  });
});
