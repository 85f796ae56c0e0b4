import { client, xml, type Client } from '@xmpp/client';
import type { Logger } from '../pipeline-api.js';

/** LinkOptions say which account a bot uses on which server. */
export interface LinkOptions {
  /** service: `xmpp://host:port`. */
  readonly service: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  /** resource is fixed per bot, so a restarted bot takes over its own session. */
  readonly resource: string;
  readonly log: Logger;
}

/** Incoming is a chat message that reached this bot. */
export interface Incoming {
  readonly from: string;
  readonly body: string;
}

/** LinkEvent is a change of the connection: online (presence sent), offline, or an error. */
export type LinkEvent = { kind: 'online' } | { kind: 'offline' } | { kind: 'error'; message: string };

/** Outgoing is a chat message to send, with the id the server echoes in a bounce. */
export interface Outgoing {
  readonly id: string;
  readonly to: string;
  readonly body: string;
}

/**
 * XmppLink is one bot's connection to the XMPP server: it announces
 * presence (so the server delivers what it stored while the bot was
 * offline), hands incoming chat bodies to a callback, and sends batches
 * whose acceptance by the server it confirms.
 */
export class XmppLink {
  private readonly xmpp: Client;
  private readonly bounced = new Map<string, string>();
  private online = false;

  constructor(
    private readonly opts: LinkOptions,
    onMessage: (m: Incoming) => void,
    onEvent: (e: LinkEvent) => void = () => {},
  ) {
    this.xmpp = client({
      service: opts.service,
      domain: opts.domain,
      username: opts.username,
      password: opts.password,
      resource: opts.resource,
    });
    this.xmpp.on('error', (e: Error) => {
      opts.log.warn('xmpp error', { error: e.message });
      onEvent({ kind: 'error', message: e.message });
    });
    this.xmpp.on('offline', () => {
      if (this.online) onEvent({ kind: 'offline' });
      this.online = false;
    });
    this.xmpp.on('online', async () => {
      await this.xmpp.send(xml('presence'));
      this.online = true;
      onEvent({ kind: 'online' });
    });
    this.xmpp.on('stanza', (stanza) => {
      if (!stanza.is('message')) return;
      const type = stanza.attrs.type as string | undefined;
      if (type === 'error') {
        const id = stanza.attrs.id as string | undefined;
        const condition = stanza.getChild('error')?.children.map((c) => (typeof c === 'string' ? c : c.name)).join(' ') ?? 'error';
        if (id) this.bounced.set(id, condition);
        return;
      }
      const body = stanza.getChildText('body');
      if (body !== null && body !== undefined) onMessage({ from: String(stanza.attrs.from ?? ''), body });
    });
  }

  /** isOnline tells whether the bot is connected with its presence sent. */
  get isOnline(): boolean {
    return this.online;
  }

  /** start connects and resolves once the bot is online with its presence sent. */
  async start(): Promise<void> {
    await this.xmpp.start();
    while (!this.online) await new Promise((r) => setTimeout(r, 5));
  }

  /**
   * sendBatch sends chat messages in order, then waits for the server to
   * answer a ping: the server handles a stream in order, so by then it has
   * accepted (or bounced) every message before it. It returns the ids the
   * server bounced, with why.
   */
  async sendBatch(messages: readonly Outgoing[]): Promise<Map<string, string>> {
    for (const m of messages) this.bounced.delete(m.id);
    for (const m of messages) await this.xmpp.send(xml('message', { type: 'chat', to: m.to, id: m.id }, xml('body', {}, m.body)));
    await this.xmpp.iqCaller.request(xml('iq', { type: 'get', to: this.opts.domain }, xml('ping', 'urn:xmpp:ping')), 30_000);
    const out = new Map<string, string>();
    for (const m of messages) {
      const why = this.bounced.get(m.id);
      if (why !== undefined) out.set(m.id, why);
    }
    return out;
  }

  async stop(): Promise<void> {
    this.xmpp.reconnect.stop();
    await this.xmpp.stop();
  }
}
