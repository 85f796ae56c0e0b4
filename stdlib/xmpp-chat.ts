import { DeliveryError } from '../runtime/channels/outbox-item.js';
import { configPath } from '../runtime/paths.js';
import { str } from '../grammar/perl-values.js';
import { XmppLink } from '../runtime/xmpp/link.js';
import { trustCaFor } from '../runtime/xmpp/tls-trust.js';
import { defineChannel, type ChannelConfig } from './channel.js';
import { fillTemplate } from './template.js';
import { xmppAccountKeys, type XmppAccount } from './xmpp-account.js';

interface Config extends ChannelConfig, XmppAccount {
  resource?: string;
  to: string;
  message?: string;
}

const TEXT = '{$hostname}: {$subject}';

export default defineChannel<Config>({
  name: 'XMPPChat',
  summary: 'Send a notification as a plain chat message to a person\'s XMPP address (a phone\'s or desktop\'s XMPP client).',
  docs: 'Logs in as `account` (with `password`; `host`, `port`, `tls` and `tls_ca` as for the XMPP monitor, whose link code it uses) and sends `message` (a `{$field}` template, default `{$hostname}: {$subject}`) as a chat message to `to`. The server\'s answer to a ping sent after the message delivers it; a bounce (the person\'s server refused it, or keeps no more for an offline account) is tried again later. One session is kept open and comes back by itself after a drop. Use an account of its own, not one an XMPP monitor instance logs in with.',
  properties: {
    ...xmppAccountKeys,
    resource: { type: 'string', description: 'the resource of this channel\'s session (default wubot-notify)' },
    to: { type: 'string', pattern: '^[^@/\\s]+@[^@/\\s]+(/.*)?$', description: 'the person\'s JID' },
    message: { type: 'string', description: `the message's template (default \`${TEXT}\`)` },
  },
  required: ['account', 'password', 'to'],
  templates: ['message'],
  examples: [{ title: 'to a phone', config: { account: 'alerts@example.org', password: 'secret', host: 'xmpp.example.org', to: 'me@example.org' }, input: { key: 'disk', subject: 'disk full', hostname: 'web1' } }],
  render: (c, m) => ({ text: fillTemplate(c.message ?? TEXT, m) }),
  sender(c, ctx) {
    const [username, domain] = c.account.split('@');
    if (c.tls_ca) trustCaFor(domain, configPath(c.tls_ca, ctx.home));
    let link: XmppLink | undefined;
    let starting: Promise<XmppLink> | undefined;
    /** made: the link, from the start of its first session on (close stops it, started or not) */
    let made: XmppLink | undefined;
    // the first delivery starts the session; after a drop the link reconnects by itself
    const online = async (): Promise<XmppLink> => {
      if (link) {
        if (!link.isOnline) throw new DeliveryError(`XMPP: not connected to ${c.host ?? '127.0.0.1'} (reconnecting)`, false);
        return link;
      }
      starting ??= (async () => {
        const l = new XmppLink({ host: c.host ?? '127.0.0.1', port: c.port, tls: c.tls, domain, username, password: c.password, resource: c.resource ?? 'wubot-notify', log: ctx.log }, () => {});
        made = l;
        try {
          await l.start();
        } catch (e) {
          throw new DeliveryError(`XMPP: cannot start a session: ${(e as Error).message}`, false);
        }
        return (link = l);
      })().finally(() => (starting = undefined));
      return starting;
    };
    return {
      async send({ items, idempotencyKey }) {
        const l = await online();
        const id = `wubot-notify-${idempotencyKey}`;
        let bounced: Map<string, string>;
        try {
          bounced = await (await l.send([{ id, to: c.to, body: str(items[0].payload.text) }])).confirmed;
        } catch (e) {
          throw new DeliveryError(`XMPP: the server did not confirm: ${(e as Error).message}`, false);
        }
        const why = bounced.get(id);
        if (why !== undefined) throw new DeliveryError(`XMPP: the server bounced it: ${why}`, false);
      },
      close() {
        // a session still starting is given up too: its start would hold the process until it timed out
        void made?.stop();
        made = link = undefined;
      },
    };
  },
});
