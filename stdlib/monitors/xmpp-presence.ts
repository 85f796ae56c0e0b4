import { configPath } from '../../runtime/paths.js';
import { bareJid } from '../../runtime/xmpp/jid.js';
import { XmppLink, type LinkEvent } from '../../runtime/xmpp/link.js';
import { trustCaFor } from '../../runtime/xmpp/tls-trust.js';
import { defineMonitor } from '../monitor-plugin.js';
import { XMPP_PRESENCE } from '../presence.js';
import { xmppAccountKeys, type XmppAccount } from '../xmpp-account.js';

/** PRESENT: the states of a client, the most present first: with several clients, the person is as present as the most present one. */
const PRESENT = ['chat', 'available', 'away', 'dnd', 'xa'];

interface Config extends XmppAccount {
  resource?: string;
  person: string;
}

export default defineMonitor<Config>({
  name: 'XMPPPresence',
  summary: 'Report the XMPP presence of a person\'s own clients (available, away, xa, dnd), for the Presence plugin.',
  docs: `Logs in as \`account\` (an account of its own; \`host\`, \`port\`, \`tls\`, \`tls_ca\` as for the XMPP monitor, whose link code it uses) and subscribes to the presence of \`person\`, whose client must approve it once (most ask). Each change of the person's presence becomes a message with \`${XMPP_PRESENCE}\` (\`available\`, \`chat\`, \`away\`, \`xa\`, \`dnd\` or \`unavailable\`), \`xmpp_jid\` and \`noforward\`; the Presence plugin uses it where no Idle report is fresh. With several clients of the person, the most present one counts (\`chat\`, \`available\`, \`away\`, \`dnd\`, \`xa\`, in that order): a phone left \`away\` does not hide the desktop in use. A \`show\` outside those names counts as \`available\`.`,
  decorateConfig: false,
  schema: {
    type: 'object',
    properties: {
      ...xmppAccountKeys,
      resource: { type: 'string', description: 'this session\'s resource (default wubot-presence)' },
      person: { type: 'string', pattern: '^[^@/\\s]+@[^@/\\s]+$', description: 'the person\'s JID, whose clients\' presence is reported' },
    },
    required: ['account', 'password', 'person'],
  },
  create(c, ctx) {
    const [username, domain] = c.account.split('@');
    const person = bareJid(c.person);
    if (c.tls_ca) trustCaFor(domain, configPath(c.tls_ca, ctx.home));
    let last: string | undefined;
    /** each client's state, by resource */
    const clients = new Map<string, string>();
    const onEvent = (e: LinkEvent): void => {
      // a new session gets every client's presence again, before it counts as online
      if (e.kind === 'session') clients.clear();
      if (e.kind !== 'peer' || e.jid !== person) return;
      if (!e.available && e.resource === '') clients.clear();
      else if (!e.available) clients.delete(e.resource);
      // a `show` outside the four RFC 6121 names is a client's mistake: it is there all the same
      else clients.set(e.resource, e.show && PRESENT.includes(e.show) ? e.show : 'available');
      const state = [...clients.values()].sort((a, b) => PRESENT.indexOf(a) - PRESENT.indexOf(b))[0] ?? 'unavailable';
      if (state === last) return;
      last = state;
      ctx.emit([{ subject: `${person} is ${state}`, [XMPP_PRESENCE]: state, xmpp_jid: person, noforward: 1 }]);
    };
    const link = new XmppLink({ host: c.host ?? '127.0.0.1', port: c.port, tls: c.tls, domain, username, password: c.password, resource: c.resource ?? 'wubot-presence', log: ctx.log, peers: [person] }, () => {}, onEvent);
    let started = false;
    return {
      // the first check starts the session; after a drop the link reconnects by itself
      async check() {
        if (started) return {};
        try {
          await link.start();
          started = true;
          return {};
        } catch (e) {
          return { react: { subject: `XMPPPresence: cannot start a session: ${(e as Error).message}`, status: 'CRITICAL', noforward: 1 } };
        }
      },
      async close() {
        await link.stop().catch(() => {});
      },
    };
  },
});
