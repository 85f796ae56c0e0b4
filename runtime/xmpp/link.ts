import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@xmpp/client';
import type { Logger } from '../pipeline-api.js';
import { bareJid } from './jid.js';
import { checkDirectTlsAs } from './tls-trust.js';

/** how long a stopping link waits for the server to close the stream */
const STOP_WAIT_MS = 2000;
/** how long a new session waits for the server to answer the ping after its presence before it counts as online anyway */
const PRESENCE_ANSWER_MS = 30_000;

/** MAX_PATIENCE: a keepalive ping waits at most this many keepalives for its answer (see XmppLink.patience) */
const MAX_PATIENCE = 16;

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
  /**
   * peers are the bots this one exchanges messages with: their presence is
   * subscribed to (and their subscription requests approved), so a sender
   * knows when a recipient comes back.
   */
  readonly peers?: readonly string[];
  /**
   * keepaliveMs: a connection that brought nothing for this long is pinged,
   * and dropped (to reconnect) when the ping is not answered as long; a
   * connection attempt that takes this long is given up (default 60 s). A
   * dead link (a laptop that moved networks) is noticed this way.
   */
  readonly keepaliveMs?: number;
  /**
   * archiveTimeoutMs: an archive query unanswered this long means a dead
   * link, which is dropped to reconnect (default six keepalives, at most a
   * minute). While a query waits, the keepalive does not ping: a server
   * reading big archives answers nothing else meanwhile.
   */
  readonly archiveTimeoutMs?: number;
  /** receipts: the owner sends delivery receipts (sendReceipts) for what it stores, and this link's presence says so */
  readonly receipts?: boolean;
}

/**
 * Incoming is a chat message that reached this bot, live or from the
 * server's archive. `archiveId` is the id the server's archive (XEP-0313)
 * gave it, as the server itself stamped it (XEP-0359); absent where the
 * server keeps no archive.
 */
export interface Incoming {
  readonly from: string;
  readonly body: string;
  readonly archiveId?: string;
  /** stamp: when the server archived it (ISO date), for a message read from the archive */
  readonly stamp?: string;
  /** receiptId: the sender asked for a delivery receipt (XEP-0184) of its message with this id */
  readonly receiptId?: string;
}

/** Receipt is a delivery receipt (XEP-0184) to send: `to` stored the message with id `id`. */
export interface Receipt {
  readonly to: string;
  readonly id: string;
}

/**
 * LinkEvent is a change of the connection: a session begun (its presence
 * about to be sent; the server sends each peer's presence anew after it),
 * online (the server took the presence), offline,
 * an error, or a peer (a JID in `peers`) becoming available (with its
 * presence's `show`: away, xa, dnd, chat) or unavailable, from one of its
 * clients (`resource`, empty for the account as a whole).
 */
export type LinkEvent =
  | { kind: 'session' }
  | { kind: 'online' }
  | { kind: 'offline' }
  | { kind: 'error'; message: string }
  | { kind: 'peer'; jid: string; resource: string; available: boolean; receipts: boolean; show?: string }
  | { kind: 'receipt'; jid: string; id: string };

/** ArchivePage is one page of a catch-up query: the messages after the one asked for, in the archive's order. */
export interface ArchivePage {
  readonly messages: Incoming[];
  /** last is the archive id of the page's last message, from which the next page starts */
  readonly last?: string;
  /** complete: the archive holds nothing after this page */
  readonly complete: boolean;
}

/** ArchiveError is the server's refusal of an archive query; `condition` is the XMPP error condition (`item-not-found` when the id asked for is gone). */
export class ArchiveError extends Error {
  constructor(readonly condition: string) {
    super(`the server's archive refused the query: ${condition}`);
  }
}

type XmppLibrary = typeof import('@xmpp/client');
/** Element is a stanza or a part of one. */
type Element = ReturnType<XmppLibrary['xml']>;

// the client library is loaded by the first link that starts: `wubotc lint` reads this plugin's definition and
// never connects (its 70 modules were a tenth of a lint's start-up)
let library: XmppLibrary | undefined;
const loadLibrary = async (): Promise<XmppLibrary> => (library ??= await import('@xmpp/client'));
/** xml builds a stanza; only a started link (its library loaded) builds any */
const xml: XmppLibrary['xml'] = (...args) => library!.xml(...args);

const MAM = 'urn:xmpp:mam:2';
const RSM = 'http://jabber.org/protocol/rsm';
const STANZA_ID = 'urn:xmpp:sid:0';
const FORWARD = 'urn:xmpp:forward:0';
const RECEIPTS = 'urn:xmpp:receipts';
const HINTS = 'urn:xmpp:hints';
/**
 * RECEIPT_LIST: wubot's own receipt element, for a peer that is a wubot bot:
 * the ids of many stored messages as one JSON array of strings, one text
 * node where XEP-0184 has an element per id, which the server parses and
 * writes one by one (with 20 to a stanza, Prosody spent 31-45 µs per
 * message on element receipts and 7-25 µs on a list, over 100-120 µs for
 * the message itself).
 */
const RECEIPT_LIST = 'https://wubot.invalid/receipts';
/** RECEIPTS_PER_STANZA: receipts sent together to a wubot peer, at most (about 80 bytes each) */
const RECEIPTS_PER_STANZA = 200;
const CAPS = 'http://jabber.org/protocol/caps';
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const CAPS_NODE = 'https://wubot.invalid/caps';
/** features a link has: receipts (XEP-0184 and wubot's list) only where its owner sends them */
const features = (receipts: boolean): string[] => [CAPS, DISCO_INFO, 'urn:xmpp:ping', ...(receipts ? [RECEIPTS, RECEIPT_LIST] : [])].sort();
/** capsVer is the entity capabilities hash (XEP-0115) over wubot's identity and those features. */
const capsVer = (receipts: boolean): string => createHash('sha1').update(`client/bot//wubot<${features(receipts).map((f) => `${f}<`).join('')}`).digest('base64');
/**
 * RECEIPTS_VER: a peer whose presence carries this hash is a wubot bot that
 * sends delivery receipts (no disco query needed), and that reads them as
 * RECEIPT_LIST: the server routes one small stanza per read, not one per
 * message. Any other peer (an older wubot too) gets XEP-0184's, one each.
 */
const RECEIPTS_VER = capsVer(true);

/** receiptList reads the ids of a RECEIPT_LIST element; anything but a JSON array of strings gives none. */
function receiptList(text: string): string[] {
  try {
    const ids: unknown = JSON.parse(text);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && id !== '') : [];
  } catch {
    return [];
  }
}

/** receiptOf is what a message's sender asked for: a receipt of its id, when it has one and asked. */
function receiptOf(message: Element): { receiptId?: string } {
  const id = message.attrs.id;
  return id && message.getChild('request', RECEIPTS) ? { receiptId: String(id) } : {};
}

/** XML_SPECIAL: what text needs escaped in XML; ids and base64 bodies, most of what a link sends, have none of it. */
const XML_SPECIAL = /[&<>"']/;

/** escaped is text as an XML attribute value or text node holds it. */
function escaped(text: string): string {
  return XML_SPECIAL.test(text) ? (library!.xml as unknown as { escapeXML(s: string): string }).escapeXML(text) : text;
}

/** chatStanza is a chat message that asks for a receipt (XEP-0184), as the client's elements would write it. */
function chatStanza(m: Outgoing): string {
  return `<message type="chat" to="${escaped(m.to)}" id="${escaped(m.id)}"><body>${escaped(m.body)}</body><request xmlns="${RECEIPTS}"/></message>`;
}

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
  /** xmpp is the client, made at the first start (see loadLibrary) */
  private xmpp!: Client;
  /** messages sent and not yet confirmed, by id, with their recipient: only their bounces count */
  private readonly unconfirmed = new Map<string, { to: string; bounce?: string }>();
  /** what waits for the server's confirmation fails at once when the connection drops */
  private readonly onDrop = new Set<(e: Error) => void>();
  /** archive queries under way, by query id, collecting their results */
  private readonly queries = new Map<string, Incoming[]>();
  private readonly me: string;
  private readonly peers: Set<string>;
  /** peers whose last presence says they are wubot bots that send receipts (and read them several to a stanza) */
  private readonly receiptPeers = new Set<string>();
  private online = false;
  private stopping = false;
  private readonly onlineWaiters = new Set<() => void>();
  private failStart: ((e: Error) => void) | undefined;
  private lastHeard = 0;
  private lastStatus = { status: 'offline', at: 0 };
  private pinging = false;
  /**
   * patience: how long a keepalive ping may wait for its answer: the
   * keepalive, doubled (up to MAX_PATIENCE keepalives) each time a session
   * was dropped for an unanswered ping, and back to the keepalive once a
   * ping is answered within it. A dead link is still dropped at the first
   * unanswered ping; a server that is only slow (Prosody after its restart,
   * reading the archive files of every bot that came back) is given time,
   * not a new session, which would only ask it for the same work again.
   */
  private patience = 0;
  /** refusedTls: this start found a server without TLS where it is required (what fails after that is its consequence) */
  private refusedTls = false;
  private watchdog: NodeJS.Timeout | undefined;
  /** onMessageStanza handles a message stanza: a bounce, an archive result, receipts or a body (set up with the client) */
  private onMessageStanza: (stanza: Element) => void = () => {};

  constructor(
    private readonly opts: LinkOptions,
    private readonly onMessage: (m: Incoming) => void,
    private readonly report: (e: LinkEvent) => void = () => {},
  ) {
    this.me = bareJid(`${opts.username}@${opts.domain}`);
    this.peers = new Set((opts.peers ?? []).map(bareJid));
    if (opts.tls === 'direct') checkDirectTlsAs(opts.host, opts.port ?? 5223, opts.domain);
  }

  /** setup makes the client and wires its events, once, at the first start. */
  private setup({ client }: XmppLibrary): void {
    const { opts, onMessage } = this;
    // once a stop is asked for, what the closing connection does is no news (its owner may be gone)
    const onEvent = (e: LinkEvent) => {
      if (!this.stopping) this.report(e);
    };
    const direct = opts.tls === 'direct';
    const port = opts.port ?? (direct ? 5223 : 5222);
    this.xmpp = client({
      service: `${direct ? 'xmpps' : 'xmpp'}://${opts.host}:${port}`,
      domain: opts.domain,
      username: opts.username,
      password: opts.password,
      resource: opts.resource,
    });
    // bytes that come after the stream was closed (the parser is gone) would crash @xmpp/connection's
    // data handler, and with it the process; they mean nothing more, the socket closes next
    const conn = this.xmpp as unknown as { _onData(data: Buffer): void; parser: unknown };
    const onData = conn._onData.bind(conn);
    conn._onData = (data) => {
      if (conn.parser) onData(data);
    };
    // a message is this link's alone: the client's middleware, which serves IQs, would parse its JIDs and compose
    // its handlers for each one (about 40 µs a message, half a receiver's time in a burst) and do nothing with it.
    // Stream management counts every stanza through the middleware: while it is on, messages go that way too.
    const parsed = this.xmpp as unknown as { _onElement(el: Element): void };
    const onElement = parsed._onElement.bind(parsed);
    parsed._onElement = (el) => {
      if (el.name !== 'message' || this.streamManaged) return onElement(el);
      this.lastHeard = Date.now();
      this.onMessageStanza(el);
    };
    // after a stream error the client closes its stream and waits up to 2 s for the server's footer before it
    // closes the socket; ejabberd sends none and closes the socket itself, the client reconnects meanwhile, and
    // the late close ended the new connection (a second reconnect). The socket is closed at once instead.
    const entity = this.xmpp as unknown as { disconnect(): Promise<unknown>; _closeSocket(): Promise<void> };
    const disconnect = entity.disconnect.bind(entity);
    let streamError = false;
    this.xmpp.prependListener('element', (el) => {
      if (el.is('error', 'http://etherx.jabber.org/streams')) streamError = true;
    });
    entity.disconnect = () => {
      if (!streamError) return disconnect();
      streamError = false;
      return entity._closeSocket().catch(() => {});
    };
    if (opts.tls === 'required') {
      // before any authentication: a server that offers no STARTTLS on a plain connection is refused
      this.xmpp.prependListener('element', (el) => {
        if (el.is('features', 'http://etherx.jabber.org/streams') && !this.xmpp.isSecure() && !el.getChild('starttls')) {
          const message = `${opts.host} offers no TLS and this bot's config says tls: required`;
          // the client's own handlers still see these features and fail writing to the closed socket: that is no news
          this.refusedTls = true;
          void this.xmpp.disconnect().catch(() => {});
          this.failStart?.(new Error(message));
          onEvent({ kind: 'error', message });
        }
      });
    }
    // reconnect with backoff: the client's own reconnect waits a fixed delay, set here before each wait
    const minDelay = opts.minDelayMs ?? 1000;
    const maxDelay = opts.maxDelayMs ?? 60_000;
    const keepalive = opts.keepaliveMs ?? 60_000;
    let delay = minDelay;
    // the backoff starts again only once a session outlived a keepalive round (silence, then an unanswered ping,
    // at the patience of the time) with time to spare: a server busy with what all its bots asked for when they
    // came back at once (after its restart, Prosody reading each one's archive) answered none of it in time,
    // and tries every second made it busier
    let stable: NodeJS.Timeout | undefined;
    this.xmpp.prependListener('disconnect', () => {
      clearTimeout(stable);
      // a login still under way on the connection that dropped listens on (@xmpp/sasl's procedure waits for SASL
      // elements, with no end but success or failure): it would answer the next connection's SCRAM challenge with
      // its own nonce, and the server refuse that login. Only logins listen for nonzas; the dead one is let go.
      this.xmpp.removeAllListeners('nonza');
      this.xmpp.reconnect.delay = Math.round(delay * (0.8 + Math.random() * 0.4));
      delay = Math.min(maxDelay, delay * 2);
      const dropped = new Error('the connection dropped before the server answered');
      for (const fail of this.onDrop) fail(dropped);
      // the client reconnects by itself; until then this bot is offline (a stop asked for is not an outage)
      if (this.online) onEvent({ kind: 'offline' });
      this.online = false;
    });
    this.xmpp.on('online', () => {
      clearTimeout(stable);
      stable = setTimeout(() => (delay = minDelay), 3 * Math.max(keepalive, this.patience));
      stable.unref();
    });
    this.xmpp.on('element', () => (this.lastHeard = Date.now()));
    this.xmpp.on('status', (status: string) => (this.lastStatus = { status, at: Date.now() }));
    this.watchdog = setInterval(() => this.checkAlive(keepalive), Math.max(100, keepalive / 4));
    this.watchdog.unref();
    // small stanzas go out at once: Nagle's algorithm would hold them back for the server's delayed ACK
    this.xmpp.on('connect', () => (this.xmpp.socket as unknown as { setNoDelay?: (on: boolean) => void } | null)?.setNoDelay?.(true));
    this.xmpp.on('error', (e: Error) => {
      if (this.refusedTls) return;
      this.failStart?.(e);
      opts.log.warn('xmpp error', { error: e.message });
      onEvent({ kind: 'error', message: e.message });
    });
    this.xmpp.on('online', async () => {
      // each peer's presence, so that a sender knows when its recipient is back (the server skips what is already subscribed)
      const stanzas = [xml('presence', {}, xml('c', { xmlns: CAPS, hash: 'sha-1', node: CAPS_NODE, ver: capsVer(opts.receipts === true) })), ...[...this.peers].map((to) => xml('presence', { type: 'subscribe', to }))];
      // online means the server has taken the presence, not only that it was written: a message sent to this bot
      // before the server handled it goes to the offline store, and one that gets there after the store was
      // emptied for this presence waits in it for the next session (ejabberd, a busy server). The server answers
      // a ping in stream order, after the presence; an error answer says as much, a timeout is the watchdog's.
      const drop = this.untilDrop();
      // peers' presences come after this bot's, before the ping's answer: what was known of them goes now
      onEvent({ kind: 'session' });
      try {
        await Promise.race([this.xmpp.write(stanzas.map((st) => st.toString()).join('')), drop.dropped]);
        await Promise.race([this.ping(PRESENCE_ANSWER_MS).catch(() => {}), drop.dropped]);
      } catch {
        return; // the connection dropped: the next session announces itself again
      } finally {
        drop.cancel();
      }
      this.online = true;
      for (const wake of this.onlineWaiters) wake();
      this.onlineWaiters.clear();
      onEvent({ kind: 'online' });
    });
    // what a peer's disco query about this bot's capabilities gets (the hash in its presence stands for this)
    this.xmpp.iqCallee.get(DISCO_INFO, 'query', ({ element }: { element: Element }) => {
      const node = element.attrs.node as string | undefined;
      return xml('query', { xmlns: DISCO_INFO, ...(node ? { node } : {}) }, xml('identity', { category: 'client', type: 'bot', name: 'wubot' }), ...features(opts.receipts === true).map((f) => xml('feature', { var: f })));
    });
    this.onMessageStanza = (stanza) => {
      const from = String(stanza.attrs.from ?? '');
      const type = stanza.attrs.type as string | undefined;
      if (type === 'error') return this.onBounce(stanza, from);
      const result = stanza.getChild('result', MAM);
      if (result) return this.onArchived(result, from);
      const list = stanza.getChild('receipts', RECEIPT_LIST);
      const received = stanza.getChildren('received', RECEIPTS);
      if (list || received.length) {
        const jid = bareJid(from);
        for (const id of list ? receiptList(list.text()) : []) onEvent({ kind: 'receipt', jid, id });
        for (const r of received) if (r.attrs.id) onEvent({ kind: 'receipt', jid, id: String(r.attrs.id) });
        return;
      }
      const body = stanza.getChildText('body');
      if (body === null || body === undefined) return;
      // only the server's own stamp counts: it strips any that claims to be by this account before delivering
      const sid = stanza.getChildren('stanza-id', STANZA_ID).find((el) => bareJid(String(el.attrs.by ?? '')) === this.me);
      onMessage({ from, body, ...(sid?.attrs.id ? { archiveId: String(sid.attrs.id) } : {}), ...receiptOf(stanza) });
    };
    this.xmpp.on('stanza', (stanza) => {
      if (stanza.is('presence')) return this.onPresence(stanza, onEvent);
      if (stanza.is('message')) this.onMessageStanza(stanza);
    });
  }

  /** streamManaged: stream management (XEP-0198) is on, and counts the stanzas that go through the client's send and middleware. */
  private get streamManaged(): boolean {
    return (this.xmpp as unknown as { streamManagement?: { enabled?: boolean } }).streamManagement?.enabled === true;
  }

  /** socket is the client's current TCP socket (@xmpp/client types do not name it). */
  private get socket(): { destroy(): void } | null | undefined {
    return (this.xmpp as unknown as { socket?: { destroy(): void } | null } | undefined)?.socket;
  }

  /**
   * checkAlive drops a connection that stopped answering, or an attempt
   * that never got through, so that the client reconnects: TCP alone
   * notices a dead link only after many minutes, and the server meanwhile
   * counts what it writes into it as delivered.
   */
  private checkAlive(keepalive: number): void {
    const now = Date.now();
    const { status, at } = this.lastStatus;
    const socket = this.socket;
    if (this.stopping || !socket) return;
    if (status !== 'online') {
      if (status !== 'offline' && status !== 'disconnect' && now - at > keepalive) {
        this.opts.log.warn('no XMPP session after a while; trying again', { status, seconds: Math.round((now - at) / 1000) });
        socket.destroy();
      }
      return;
    }
    // while an archive query waits for its answer the server may be slow to answer anything (Prosody reads an
    // account's whole archive file for each query, in its one thread): the query's own timeout says when the
    // link is dead. Dropping the session would only ask for the same work again at the next session.
    if (this.pinging || this.queries.size > 0 || now - this.lastHeard < keepalive) return;
    this.pinging = true;
    const patience = Math.max(keepalive, this.patience);
    const sent = Date.now();
    const ping = this.ping(patience);
    ping.then(
      () => {
        this.pinging = false;
        if (Date.now() - sent < keepalive) this.patience = keepalive;
      },
      (e: Error) => {
        this.pinging = false;
        if (e.name !== 'TimeoutError' || this.socket !== socket || this.queries.size > 0) return;
        this.opts.log.warn('the XMPP server stopped answering; reconnecting', { seconds: Math.round(patience / 1000) });
        this.patience = Math.min(patience * 2, MAX_PATIENCE * keepalive);
        socket.destroy();
      },
    );
  }

  /** onBounce notes the server's refusal of a message this bot sent and has not seen confirmed; any other error stanza is ignored. */
  private onBounce(stanza: Element, from: string): void {
    const sent = this.unconfirmed.get(String(stanza.attrs.id ?? ''));
    if (!sent || sent.bounce !== undefined) return;
    const who = bareJid(from);
    if (who !== bareJid(sent.to) && who !== this.opts.domain.toLowerCase()) return;
    sent.bounce = stanza.getChild('error')?.children.map((c: string | Element) => (typeof c === 'string' ? c : c.name)).join(' ') || 'error';
  }

  /** onArchived collects a result of an archive query this bot made; results of unknown queries or from elsewhere are ignored. */
  private onArchived(result: Element, from: string): void {
    const got = this.queries.get(String(result.attrs.queryid ?? ''));
    if (!got || (from !== '' && bareJid(from) !== this.me)) return;
    const inner = result.getChild('forwarded', FORWARD)?.getChild('message');
    const body = inner?.getChildText('body');
    if (!inner || body === null || body === undefined || inner.attrs.type === 'error') return;
    const stamp = result.getChild('forwarded', FORWARD)?.getChild('delay', 'urn:xmpp:delay')?.attrs.stamp;
    got.push({ from: String(inner.attrs.from ?? ''), body, archiveId: String(result.attrs.id ?? ''), ...(stamp ? { stamp: String(stamp) } : {}), ...receiptOf(inner) });
  }

  /** onPresence approves peers' subscription requests and reports when a peer comes and goes; other JIDs are ignored. */
  private onPresence(stanza: Element, onEvent: (e: LinkEvent) => void): void {
    const from = String(stanza.attrs.from ?? '');
    const jid = bareJid(from);
    if (!this.peers.has(jid)) return;
    const type = stanza.attrs.type as string | undefined;
    if (type === 'subscribe') void this.xmpp.send(xml('presence', { type: 'subscribed', to: jid })).catch(() => {});
    else if (type === undefined || type === 'unavailable') {
      const receipts = stanza.getChild('c', CAPS)?.attrs.ver === RECEIPTS_VER;
      if (type === undefined) this.receiptPeers[receipts ? 'add' : 'delete'](jid);
      const show = stanza.getChildText('show');
      const slash = from.indexOf('/');
      onEvent({ kind: 'peer', jid, resource: slash < 0 ? '' : from.slice(slash + 1), available: type === undefined, receipts, ...(show ? { show } : {}) });
    }
  }

  /**
   * sendReceipts tells peers that their messages are stored (XEP-0184), in
   * one write. Receipts that a dropped connection loses cost only a resend,
   * which the receiver drops as a duplicate; so the server is asked to keep
   * none for an offline peer (XEP-0334), where they would fill its offline store.
   */
  sendReceipts(receipts: readonly Receipt[]): void {
    if (!this.online || receipts.length === 0) return;
    const receipt = (to: string, ids: readonly string[]) =>
      xml('message', { to, id: randomUUID() }, ...ids.map((id) => xml('received', { xmlns: RECEIPTS, id })), xml('no-store', { xmlns: HINTS })).toString();
    const listed = (to: string, ids: readonly string[]) => xml('message', { to, id: randomUUID() }, xml('receipts', { xmlns: RECEIPT_LIST }, JSON.stringify(ids)), xml('no-store', { xmlns: HINTS })).toString();
    // a wubot peer gets its receipts together; anyone else one stanza each, as XEP-0184 has it
    const together = new Map<string, string[]>();
    const stanzas: string[] = [];
    for (const r of receipts) {
      if (!this.receiptPeers.has(bareJid(r.to))) stanzas.push(receipt(r.to, [r.id]));
      else if (together.has(r.to)) together.get(r.to)!.push(r.id);
      else together.set(r.to, [r.id]);
    }
    // a few hundred to a stanza: well under the smallest stanza size limit servers set (ejabberd's 64 KiB)
    for (const [to, ids] of together) for (let i = 0; i < ids.length; i += RECEIPTS_PER_STANZA) stanzas.push(listed(to, ids.slice(i, i + RECEIPTS_PER_STANZA)));
    void (this.xmpp as unknown as { write(s: string): Promise<void> }).write(stanzas.join('')).catch(() => {});
  }

  /**
   * archivePage asks the server's archive (XEP-0313) for up to `max`
   * messages after the one with archive id `after` (from the archive's
   * start when absent; from the time `start`, an ISO date, when given). It rejects with ArchiveError when the server
   * refuses (no archive, or `after` no longer in it), and at once when the
   * connection drops.
   */
  async archivePage(from: { after?: string; start?: string }, max: number): Promise<ArchivePage> {
    const queryid = randomUUID();
    const fields = from.start
      ? [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MAM)), xml('field', { var: 'start' }, xml('value', {}, from.start))]
      : [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MAM))];
    const set = xml('set', RSM, xml('max', {}, String(max)), ...(from.after ? [xml('after', {}, from.after)] : []));
    const query = xml('iq', { type: 'set' }, xml('query', { xmlns: MAM, queryid }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...fields), set));
    const messages: Incoming[] = [];
    this.queries.set(queryid, messages);
    const drop = this.untilDrop();
    const socket = this.socket;
    const timeoutMs = this.opts.archiveTimeoutMs ?? Math.min(60_000, 6 * (this.opts.keepaliveMs ?? 60_000));
    try {
      const request = this.xmpp.iqCaller.request(query, timeoutMs);
      request.catch(() => {});
      const reply = await Promise.race([request, drop.dropped]);
      const fin = reply.getChild('fin', MAM);
      const last = fin?.getChild('set', RSM)?.getChildText('last') ?? messages.at(-1)?.archiveId;
      return { messages, ...(last ? { last } : {}), complete: fin?.attrs.complete === 'true' || fin?.attrs.complete === '1' || messages.length === 0 };
    } catch (e) {
      // no answer at all: the link is dead (the keepalive does not ping while a query waits), and is made again
      if ((e as Error).name === 'TimeoutError' && socket && this.socket === socket && !this.stopping) {
        this.opts.log.warn('the XMPP server did not answer an archive query; reconnecting', { seconds: timeoutMs / 1000 });
        socket.destroy();
      }
      const condition = (e as { condition?: unknown }).condition;
      throw typeof condition === 'string' ? new ArchiveError(condition) : e;
    } finally {
      drop.cancel();
      this.queries.delete(queryid);
    }
  }

  /** isOnline tells whether the bot is connected with its presence taken by the server. */
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
    if (this.stopping) throw new Error('the XMPP link stopped');
    if (!this.xmpp) {
      const lib = await loadLibrary();
      if (this.stopping) throw new Error('the XMPP link stopped');
      if (!this.xmpp) this.setup(lib);
    }
    this.refusedTls = false;
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      this.failStart = reject;
      timer = setTimeout(() => reject(new Error(`no session within ${timeoutMs} ms`)), timeoutMs);
    });
    const online = this.whenOnline();
    try {
      // connect and open as the client's reconnect does: its start() would also wait for `online` with a listener
      // that outlives a failed start (one more each time, until the next error or session)
      const { service, domain, lang } = this.xmpp.options as { service: string; domain: string; lang?: string };
      await Promise.race([this.xmpp.connect(service).then(() => this.xmpp.open({ domain, lang })), failure]);
      await Promise.race([online.reached, failure]);
    } catch (e) {
      this.xmpp.reconnect.stop();
      await this.xmpp.stop().catch(() => {});
      if (!this.stopping) this.xmpp.reconnect.start();
      throw e;
    } finally {
      online.cancel();
      clearTimeout(timer);
      this.failStart = undefined;
    }
  }

  /** whenOnline resolves once the server took the presence (at once when it was), until cancelled. */
  private whenOnline(): { reached: Promise<void>; cancel(): void } {
    if (this.online) return { reached: Promise.resolve(), cancel: () => {} };
    let wake: () => void = () => {};
    const reached = new Promise<void>((r) => this.onlineWaiters.add((wake = r)));
    return { reached, cancel: () => this.onlineWaiters.delete(wake) };
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
    for (const m of messages) this.unconfirmed.set(m.id, { to: m.to });
    // every message asks for a receipt; only a recipient known to answer (by its capabilities) is waited for
    const entity = this.xmpp as unknown as { write(s: string): Promise<void> };
    if (this.streamManaged) {
      // stream management counts what goes through send
      for (const m of messages) await this.xmpp.send(xml('message', { type: 'chat', to: m.to, id: m.id }, xml('body', {}, m.body), xml('request', { xmlns: RECEIPTS })));
    } else {
      // one write for the batch, written as text: the client's elements would cost more than the rest of sending
      await entity.write(messages.map(chatStanza).join(''));
    }
    const confirmed = this.confirm(messages);
    confirmed.catch(() => {});
    return { confirmed };
  }

  private async confirm(messages: readonly Outgoing[]): Promise<Map<string, string>> {
    // a connection that drops before the answer fails the batch at once, not after the timeout
    const drop = this.untilDrop();
    try {
      const ping = this.ping(30_000);
      ping.catch(() => {}); // when the drop wins, the ping's own failure comes later and means nothing more
      await Promise.race([ping, drop.dropped]);
      const out = new Map<string, string>();
      for (const m of messages) {
        const why = this.unconfirmed.get(m.id)?.bounce;
        if (why !== undefined) out.set(m.id, why);
      }
      return out;
    } finally {
      drop.cancel();
      for (const m of messages) this.unconfirmed.delete(m.id);
    }
  }

  /** ping asks the server for an answer (XEP-0199); the server answers in stream order, after all that came before */
  private ping(timeoutMs: number): Promise<unknown> {
    return this.xmpp.iqCaller.request(xml('iq', { type: 'get', to: this.opts.domain }, xml('ping', 'urn:xmpp:ping')), timeoutMs);
  }

  /** untilDrop rejects when the connection drops, until cancelled: one listener for all that wait, however many. */
  private untilDrop(): { dropped: Promise<never>; cancel(): void } {
    let fail: (e: Error) => void = () => {};
    const dropped = new Promise<never>((_, reject) => {
      fail = reject;
      this.onDrop.add(fail);
    });
    dropped.catch(() => {});
    return { dropped, cancel: () => this.onDrop.delete(fail) };
  }

  /**
   * stop closes the stream politely, but waits at most STOP_WAIT_MS for the
   * server's answer: over a link that died unnoticed none comes, and
   * neither the closing socket nor requests waiting for answers may keep
   * the process (a daemon stops within seconds of SIGTERM).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    // a start still waiting for its session gives up now, not at its timeout (its timer would hold the process)
    this.failStart?.(new Error('the XMPP link stopped'));
    clearInterval(this.watchdog);
    // a link never started has no client to stop
    if (!this.xmpp) return;
    this.xmpp.reconnect.stop();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((r) => (timer = setTimeout(r, STOP_WAIT_MS)));
    await Promise.race([this.xmpp.stop().catch(() => {}), gaveUp]);
    clearTimeout(timer);
    this.socket?.destroy();
    // requests still waiting for an answer would hold the process for their whole timeout (a minute for an archive page)
    const waiting = (this.xmpp.iqCaller as unknown as { handlers: Map<string, { reject(e: Error): void }> }).handlers;
    for (const request of waiting.values()) request.reject(new Error('the XMPP link stopped'));
    waiting.clear();
  }
}
