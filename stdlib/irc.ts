import type irc from 'irc-framework';
import { DeliveryError } from '../runtime/channels/outbox-item.js';
import { str } from '../grammar/perl-values.js';
import { defineChannel, type ChannelConfig } from './channel.js';
import { fillTemplate } from './template.js';

/** ircLibrary loads irc-framework at the first delivery: lint, the editor and every start without an IRC channel go without it. */
let loaded: Promise<{ default: typeof irc }> | undefined;
const ircLibrary = () => (loaded ??= import('irc-framework'));

interface Config extends ChannelConfig {
  host: string;
  port?: number;
  tls?: boolean;
  nick: string;
  password?: string;
  target: string;
  message?: string;
}

const TEXT = '{$hostname}: {$subject}';
/** numerics that say this target will never take the message */
const REFUSED = new Set(['no_such_nick', 'no_such_channel', 'cannot_send_to_channel', 'cannot_send_to_user', 'banned_from_channel', 'invite_only_channel', 'channel_is_full', 'bad_channel_key']);

interface Session {
  readonly client: InstanceType<typeof irc.Client>;
  readonly ready: Promise<void>;
  /** fail ends a wait for `ready` that a dropped session would leave waiting for good */
  readonly fail: (e: Error) => void;
}

/** QUIT_GRACE_MS: a session dropped says QUIT and waits this long for the server to close; then its socket is closed */
const QUIT_GRACE_MS = 1000;

export default defineChannel<Config>({
  name: 'IRC',
  summary: 'Say a notification in an IRC channel or to a nick.',
  docs: 'Connects to `host` (`port` default 6667, 6697 with `tls`) as `nick` (with the server `password` if one is needed), joins `target` when it is a channel, and sends `message` (a `{$field}` template, default `{$hostname}: {$subject}`, one line) as a PRIVMSG. IRC has no receipt for a message: a PING sent right after it is answered only once the server handled the message, so the PONG delivers, and an error numeric before it (no such nick, cannot send to channel) is a permanent refusal. One connection is kept open.',
  properties: {
    host: { type: 'string', description: 'the IRC server' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'its port (default 6667, 6697 with tls)' },
    tls: { type: 'boolean', description: 'connect with TLS' },
    nick: { type: 'string', pattern: '^[A-Za-z\\[\\]\\\\`_^{|}][A-Za-z0-9\\[\\]\\\\`_^{|}-]{0,29}$', description: 'the bot\'s nick' },
    password: { type: 'string', description: 'the server password' },
    target: { type: 'string', pattern: '^[#&]?[^\\s,]+$', description: 'a channel (`#ops`) or a nick' },
    message: { type: 'string', description: `the line's template (default \`${TEXT}\`)` },
  },
  required: ['host', 'nick', 'target'],
  templates: ['message'],
  examples: [{ title: 'to the operations channel', config: { host: 'irc.example.org', nick: 'wubot', target: '#ops' }, input: { key: 'disk', subject: 'disk full', hostname: 'web1' } }],
  render: (c, m) => ({ text: fillTemplate(c.message ?? TEXT, m).replace(/[\r\n]+/g, ' ') }),
  sender(c) {
    let session: Session | undefined;
    const isChannel = /^[#&]/.test(c.target);
    const drop = () => {
      if (!session) return;
      const { client, fail } = session;
      session = undefined;
      fail(new DeliveryError(`IRC: the session with ${c.host} was closed`, false));
      client.removeAllListeners();
      client.quit('bye');
      // a server that does not answer the QUIT (or never took the login) would hold the socket, and the process, open
      setTimeout(() => (client as unknown as { connection?: { end(data: null, hadError: boolean): void } }).connection?.end(null, true), QUIT_GRACE_MS);
    };
    const open = async (): Promise<Session> => {
      const { default: library } = await ircLibrary();
      const client = new library.Client({ auto_reconnect: false, ping_interval: 30, ping_timeout: 60 });
      let fail: (e: Error) => void = () => {};
      const ready = new Promise<void>((resolve, reject) => {
        fail = reject;
        client.once('registered', () => {
          if (!isChannel) return resolve();
          client.join(c.target);
        });
        client.on('join', (e: { nick: string; channel: string }) => {
          if (e.nick === c.nick && e.channel.toLowerCase() === c.target.toLowerCase()) resolve();
        });
        client.once('close', () => reject(new DeliveryError(`IRC: the connection to ${c.host} closed`, false)));
        client.once('socket close', () => reject(new DeliveryError(`IRC: the connection to ${c.host} closed`, false)));
        client.on('irc error', (e: { error: string; reason?: string }) => reject(new DeliveryError(`IRC: ${e.error}: ${e.reason ?? ''}`, REFUSED.has(e.error))));
      });
      ready.catch(() => undefined);
      client.on('close', () => {
        if (session?.client === client) session = undefined;
      });
      client.connect({ host: c.host, port: c.port ?? (c.tls ? 6697 : 6667), tls: c.tls ?? false, nick: c.nick, username: c.nick, gecos: 'wubot', password: c.password });
      return (session = { client, ready, fail });
    };
    return {
      async send({ items, idempotencyKey, signal }) {
        const s = session ?? (await open());
        signal.addEventListener('abort', drop, { once: true });
        try {
          await s.ready;
          await new Promise<void>((resolve, reject) => {
            const token = `wubot-${idempotencyKey}`;
            const onPong = (e: { message: string }) => {
              if (e.message === token) finish();
            };
            const onError = (e: { error: string; reason?: string }) => finish(new DeliveryError(`IRC: ${e.error}: ${e.reason ?? ''}`, REFUSED.has(e.error)));
            const onClose = () => finish(new DeliveryError('IRC: the connection closed before the server confirmed', false));
            const finish = (err?: Error) => {
              s.client.off('pong', onPong);
              s.client.off('irc error', onError);
              s.client.off('close', onClose);
              if (err) reject(err);
              else resolve();
            };
            s.client.on('pong', onPong);
            s.client.on('irc error', onError);
            s.client.on('close', onClose);
            s.client.say(c.target, str(items[0].payload.text));
            s.client.ping(token);
          });
        } catch (e) {
          if (!(e instanceof DeliveryError) || !e.permanent) drop();
          throw e instanceof DeliveryError ? e : new DeliveryError(`IRC: ${(e as Error).message}`, false);
        } finally {
          signal.removeEventListener('abort', drop);
        }
      },
      close: drop,
    };
  },
});
