import { client, xml, type Client } from '@xmpp/client';
import type { Logger } from '../pipeline-api.js';
import { checkDirectTlsAs } from './tls-trust.js';

/**
 * TlsMode: `starttls` upgrades when the server offers it (the default);
 * `required` also refuses to log in over a connection that stays plain;
 * `direct` speaks TLS from the first byte (xmpps://, port 5223).
 */
export type TlsMode = 'starttls' | 'required' | 'direct';

/** LinkOptions say which account a bot uses on which server. */
export interface LinkOptions {
  readonly host: string;
  readonly port?: number;
  readonly tls?: TlsMode;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  /** resource is fixed per bot, so a restarted bot takes over its own session. */
  readonly resource: string;
  readonly log: Logger;
  /** reconnect waits this long after a first disconnect, doubling up to maxDelayMs (default 1 s, 60 s). */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
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
  private stopping = false;
  private readonly onlineWaiters: (() => void)[] = [];
  private failStart: ((e: Error) => void) | undefined;

  constructor(
    private readonly opts: LinkOptions,
    onMessage: (m: Incoming) => void,
    onEvent: (e: LinkEvent) => void = () => {},
  ) {
    const direct = opts.tls === 'direct';
    const port = opts.port ?? (direct ? 5223 : 5222);
    if (direct) checkDirectTlsAs(opts.host, port, opts.domain);
    this.xmpp = client({
      service: `${direct ? 'xmpps' : 'xmpp'}://${opts.host}:${port}`,
      domain: opts.domain,
      username: opts.username,
      password: opts.password,
      resource: opts.resource,
    });
    if (opts.tls === 'required') {
      // before any authentication: a server that offers no STARTTLS on a plain connection is refused
      this.xmpp.prependListener('element', (el) => {
        if (el.is('features', 'http://etherx.jabber.org/streams') && !this.xmpp.isSecure() && !el.getChild('starttls')) {
          const message = `${opts.host} offers no TLS and this bot's config says tls: required`;
          void this.xmpp.disconnect().catch(() => {});
          this.failStart?.(new Error(message));
          onEvent({ kind: 'error', message });
        }
      });
    }
    // reconnect with backoff: the client's own reconnect waits a fixed delay, set here before each wait
    const minDelay = opts.minDelayMs ?? 1000;
    const maxDelay = opts.maxDelayMs ?? 60_000;
    let delay = minDelay;
    this.xmpp.prependListener('disconnect', () => {
      this.xmpp.reconnect.delay = Math.round(delay * (0.8 + Math.random() * 0.4));
      delay = Math.min(maxDelay, delay * 2);
    });
    this.xmpp.on('online', () => {
      delay = minDelay;
    });
    // small stanzas go out at once: Nagle's algorithm would hold them back for the server's delayed ACK
    this.xmpp.on('connect', () => (this.xmpp.socket as unknown as { setNoDelay?: (on: boolean) => void } | null)?.setNoDelay?.(true));
    this.xmpp.on('error', (e: Error) => {
      this.failStart?.(e);
      opts.log.warn('xmpp error', { error: e.message });
      onEvent({ kind: 'error', message: e.message });
    });
    this.xmpp.on('offline', () => {
      // a stop asked for is not an outage
      if (this.online && !this.stopping) onEvent({ kind: 'offline' });
      this.online = false;
    });
    this.xmpp.on('online', async () => {
      await this.xmpp.send(xml('presence'));
      this.online = true;
      for (const wake of this.onlineWaiters.splice(0)) wake();
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

  /**
   * start connects and resolves once the bot is online with its presence
   * sent. It rejects with the reason (a refused certificate, a server
   * without TLS when it is required, a wrong password, no answer within
   * `timeoutMs`) and leaves the link stopped, ready for another start.
   */
  async start(timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      this.failStart = reject;
      timer = setTimeout(() => reject(new Error(`no session within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.xmpp.start(), failure]);
      await Promise.race([this.whenOnline(), failure]);
    } catch (e) {
      this.xmpp.reconnect.stop();
      await this.xmpp.stop().catch(() => {});
      this.xmpp.reconnect.start();
      throw e;
    } finally {
      clearTimeout(timer);
      this.failStart = undefined;
    }
  }

  /** whenOnline resolves once presence is sent (at once when it was). */
  private whenOnline(): Promise<void> {
    return this.online ? Promise.resolve() : new Promise((r) => this.onlineWaiters.push(r));
  }

  /**
   * sendBatch sends chat messages in order, then waits for the server to
   * answer a ping: the server handles a stream in order, so by then it has
   * accepted (or bounced) every message before it. It returns the ids the
   * server bounced, with why.
   */
  async sendBatch(messages: readonly Outgoing[]): Promise<Map<string, string>> {
    return (await this.send(messages)).confirmed;
  }

  /**
   * send writes chat messages in order and returns once they are written,
   * with `confirmed`: the server's answer to a ping sent after them (see
   * sendBatch). A caller may send more batches while earlier ones wait for
   * their confirmation; `confirmed` never rejects unhandled.
   */
  async send(messages: readonly Outgoing[]): Promise<{ confirmed: Promise<Map<string, string>> }> {
    for (const m of messages) this.bounced.delete(m.id);
    const stanzas = messages.map((m) => xml('message', { type: 'chat', to: m.to, id: m.id }, xml('body', {}, m.body)));
    const entity = this.xmpp as unknown as { streamManagement?: { enabled?: boolean }; write(s: string): Promise<void> };
    if (entity.streamManagement?.enabled) {
      // stream management counts what goes through send
      for (const s of stanzas) await this.xmpp.send(s);
    } else {
      // one write for the batch: the same bytes in the same order, without a promise and an event each
      await entity.write(stanzas.map((s) => s.toString()).join(''));
    }
    const confirmed = this.confirm(messages);
    confirmed.catch(() => {});
    return { confirmed };
  }

  private async confirm(messages: readonly Outgoing[]): Promise<Map<string, string>> {
    // a connection that drops before the answer fails the batch at once, not after the timeout
    let dropped: () => void = () => {};
    const drop = new Promise<never>((_, reject) => {
      dropped = () => reject(new Error('the connection dropped before the server confirmed the batch'));
      this.xmpp.once('disconnect', dropped);
    });
    try {
      const ping = this.xmpp.iqCaller.request(xml('iq', { type: 'get', to: this.opts.domain }, xml('ping', 'urn:xmpp:ping')), 30_000);
      ping.catch(() => {}); // when the drop wins, the ping's own failure comes later and means nothing more
      await Promise.race([ping, drop]);
    } finally {
      this.xmpp.removeListener('disconnect', dropped);
    }
    const out = new Map<string, string>();
    for (const m of messages) {
      const why = this.bounced.get(m.id);
      if (why !== undefined) out.set(m.id, why);
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.xmpp.reconnect.stop();
    await this.xmpp.stop();
  }
}
