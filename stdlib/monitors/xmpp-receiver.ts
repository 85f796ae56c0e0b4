import type { Logger, Message } from '../../runtime/pipeline-api.js';
import type { AppendOptions } from '../../runtime/queue/queue-writer.js';
import { bareJid } from '../../runtime/xmpp/jid.js';
import { ArchiveError, type ArchivePage, type Incoming, type Receipt } from '../../runtime/xmpp/link.js';
import { decodeBody, WireError } from '../../runtime/xmpp/wire.js';

/** PATH_FIELD lists the XMPP accounts a forwarded message has passed, for the loop guard. */
export const PATH_FIELD = 'wubot_path';

/** pathOf is a message's path as it came (anything but a list counts as none). */
export function pathOf(m: Message): unknown[] {
  return Array.isArray(m[PATH_FIELD]) ? (m[PATH_FIELD] as unknown[]) : [];
}

/** PAGE: messages asked for per archive query (servers answer with fewer when they cap pages, Prosody at 50 unless max_archive_query_results says more). */
const PAGE = 1000;

/** MAX_HELD: live messages kept in memory while a catch-up runs; past it they are dropped and the catch-up runs again, fetching them from the archive. */
const MAX_HELD = 5000;

/** FIRST_LOOKBACK_MS: how far back a bot's first session reads the archive: as long as a queue keeps what it acknowledged. */
const FIRST_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/**
 * GROUP_MIN and GROUP_MS: GROUP_MIN messages or more stored within the last
 * GROUP_MS say a burst is coming in (1,000 messages a second or more); then
 * a store waits until GROUP_MS after the one before it, so the burst is
 * stored in fewer transactions (each waiting for the disk) and confirmed in
 * fewer receipts, which the server routes and the sender acknowledges one by
 * one (Prosody hands a burst over about ten messages to a read: stores of
 * ten took half the receiver's time, and their receipts a sixth of the
 * server's). A lighter stream is stored as it comes, read by read, so that
 * it waits for nothing.
 */
const GROUP_MIN = 20;
const GROUP_MS = 20;

/** RETRY_MS: after a failed archive query or store, the catch-up runs again this much later, doubling at each failure in a row up to MAX_RETRY_MS. */
const RETRY_MS = 5000;
const MAX_RETRY_MS = 60_000;

/** ArchiveSource is what the receiver needs of the link: pages of the server's archive, and a way to send receipts. */
export interface ArchiveSource {
  archivePage(from: { after?: string; start?: string }, max: number): Promise<ArchivePage>;
  sendReceipts(receipts: readonly Receipt[]): void;
}

/** ReceiverOptions: who this bot is, whom it accepts messages from, where they go. */
export interface ReceiverOptions {
  /** me is this bot's bare JID: its own messages in its archive are skipped */
  readonly me: string;
  readonly allowed: ReadonlySet<string>;
  readonly maxBody: number;
  readonly log: Logger;
  /** emit stores messages (from one peer, whose ids are its own) and the cursor in one transaction */
  emit(messages: Message[], opts?: AppendOptions): void;
  readCursor?(name: string): string | undefined;
  /** retryMs: the first wait after a failed catch-up (default RETRY_MS) */
  readonly retryMs?: number;
}

/**
 * positionOf is the position after messages: the last one's archive id, and
 * its time (a live message's, a minute before it came: reading from a time,
 * when its id is gone, then starts early enough; duplicates are dropped).
 */
function positionOf(incoming: readonly Incoming[]): Position | undefined {
  for (let i = incoming.length - 1; i >= 0; i--) {
    const { archiveId, stamp } = incoming[i];
    if (archiveId) return { id: archiveId, at: stamp ?? new Date(Date.now() - 60_000).toISOString() };
  }
  return undefined;
}

/** Position is where this bot's reading of its archive stands: the last stored message's archive id and about when it came. */
interface Position {
  readonly id: string;
  readonly at: string;
}

/**
 * Receiver puts what this bot receives on the reactor queue in the sender's
 * order, and, where the server keeps an archive (XEP-0313), loses nothing:
 * the archive id of the last message stored is stored with it, in the same
 * transaction, and after every (re)connect the archive is read from there
 * before live messages are stored again. A message received live but not
 * yet stored when the bot died is read again from the archive; one stored
 * twice (live and from the archive, or sent again by its sender) is
 * dropped by the queue as a duplicate of its id.
 */
export class Receiver {
  /** true from each (re)connect until the archive was read up to the live stream */
  private catchingUp = true;
  private held: Incoming[] = [];
  private overflowed = false;
  private live: Incoming[] = [];
  private flushScheduled = false;
  /** the stores of live messages begun within the last GROUP_MS: when, and how many each took, oldest first */
  private recentFlushes: { at: number; count: number }[] = [];
  /** each (re)connect starts a new catch-up; one of an older connection gives up */
  private generation = 0;
  private noArchive = false;
  private readonly cursorName: string;
  /** catch-ups that failed in a row: the next waits longer */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly source: ArchiveSource,
    private readonly opts: ReceiverOptions,
  ) {
    this.cursorName = `xmpp:${opts.me}`;
  }

  /** take handles a message as it arrives: stored at the end of this turn of the event loop, or held while catching up. */
  take(m: Incoming): void {
    if (this.catchingUp) {
      if (this.held.length < MAX_HELD) this.held.push(m);
      else this.overflowed = true;
      return;
    }
    this.live.push(m);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // everything one read of the socket brought is stored in one transaction; in a burst, what came within GROUP_MS
      const now = performance.now();
      const recent = this.recentFlushes;
      while (recent.length && recent[0].at <= now - GROUP_MS) recent.shift();
      const wait = recent.reduce((n, f) => n + f.count, this.live.length) >= GROUP_MIN ? (recent.at(-1)?.at ?? now) + GROUP_MS - now : 0;
      if (wait > 0) setTimeout(() => this.flush(), wait);
      else setImmediate(() => this.flush());
    }
  }

  /** flush stores the live messages received so far. */
  flush(): void {
    this.flushScheduled = false;
    if (this.live.length) this.recentFlushes.push({ at: performance.now(), count: this.live.length });
    const batch = this.live;
    this.live = [];
    if (batch.length) this.store(batch);
  }

  /** disconnected: until the next catch-up, live messages are held (the archive has them too). */
  disconnected(): void {
    this.generation++;
    this.flush();
    this.catchingUp = true;
    this.held = [];
    this.overflowed = false;
  }

  /**
   * connected reads the archive from the last stored message on, page by
   * page, each page stored with its position; then the messages held
   * meanwhile (all of which came after, or were read already). It never
   * rejects: a connection that drops ends it, and the next connection
   * starts again from the stored position.
   */
  async connected(): Promise<void> {
    if (this.closed) return;
    const generation = ++this.generation;
    this.catchingUp = true;
    try {
      // a bot's first session reads the last day of its archive: what was sent to it before it ever ran, in
      // the archive's order (servers do not keep their offline store in order with live messages); an older
      // archive's messages this bot already has are still in its queue, and are dropped as duplicates
      let at = this.position() ?? { id: '', at: new Date(Date.now() - FIRST_LOOKBACK_MS).toISOString() };
      for (let more = !this.noArchive; more; ) {
        this.overflowed = false;
        at = await this.readArchive(at, generation);
        if (generation !== this.generation) return;
        // held messages past the limit were dropped: they are in the archive, after what was just read
        more = this.overflowed;
        if (more) this.held = [];
      }
      this.release(at);
      this.failures = 0;
    } catch (e) {
      if (generation !== this.generation) return;
      if (e instanceof ArchiveError && !this.noArchive && e.condition !== 'item-not-found') {
        this.noArchive = true;
        this.opts.log.warn('the XMPP server keeps no message archive (XEP-0313): a bot killed while messages arrive can lose those', { reason: e.message });
        this.release();
        return;
      }
      this.opts.log.warn('could not read the server\'s archive; trying again', { error: (e as Error).message });
      this.retryLater();
    }
  }

  /**
   * release ends a catch-up: the held messages are stored, with the
   * position of the last of them that has an archive id, else `at`; live
   * messages are stored as they come from now on. It returns the position
   * stored.
   */
  private release(at?: Position): Position | undefined {
    const held = this.held;
    this.held = [];
    this.catchingUp = false;
    return held.length || at ? this.store(held, positionOf(held) ?? at) : at;
  }

  /**
   * retryLater runs the catch-up again soon, unless the connection changed
   * meanwhile (its own catch-up runs then) or the receiver closed: a server
   * too busy to answer is asked less and less often.
   */
  private retryLater(): void {
    if (this.closed) return;
    const generation = this.generation;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (generation === this.generation) void this.connected();
    }, Math.min(MAX_RETRY_MS, (this.opts.retryMs ?? RETRY_MS) * 2 ** this.failures++));
    this.retryTimer.unref();
  }

  /** close stores what came live and ends all catch-ups, the one running and any waiting to be tried again. */
  close(): void {
    this.flush();
    this.closed = true;
    this.generation++;
    clearTimeout(this.retryTimer);
  }

  /** readArchive stores the archive's pages after `start` (by id, or from its time when it has no id); it returns the position reached. */
  private async readArchive(start: Position, generation: number): Promise<Position> {
    let at = start;
    for (;;) {
      let page: ArchivePage;
      try {
        page = await this.source.archivePage(at.id ? { after: at.id } : { start: at.at }, PAGE);
      } catch (e) {
        if (!(e instanceof ArchiveError && e.condition === 'item-not-found' && at.id)) throw e;
        // the archive dropped the last stored message (expired or trimmed): from its time on, duplicates are dropped by id
        this.opts.log.warn('the server\'s archive no longer holds the last message stored; reading it from that time on', { id: at.id, since: at.at });
        page = await this.source.archivePage({ start: at.at }, PAGE);
      }
      if (generation !== this.generation) return at;
      const newest = page.messages.at(-1);
      const last = page.last ?? newest?.archiveId;
      if (last) at = { id: last, at: newest?.stamp ?? at.at };
      // a position without an id (a first session's) is stored too, so the next session reads from its time
      this.store(page.messages, at);
      if (page.complete || page.messages.length === 0) return at;
    }
  }

  private position(): Position | undefined {
    const text = this.opts.readCursor?.(this.cursorName);
    if (!text) return undefined;
    try {
      const p = JSON.parse(text) as Partial<Position>;
      return typeof p.id === 'string' && typeof p.at === 'string' ? { id: p.id, at: p.at } : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * store queues received messages with the position after them: `at`, or
   * the archive id of the last of them that has one. When storing fails
   * the position stays where it was, and the archive is read again soon.
   */
  private store(incoming: readonly Incoming[], at?: Position): Position | undefined {
    // one run per sender, since each sender's ids are its own; the position goes with the last run
    const runs: { from: string; messages: Message[] }[] = [];
    // a peer that asked is told once its message is stored (or was stored before, or cannot be read): it resends until then
    const receipts: Receipt[] = [];
    for (const m of incoming) {
      const from = bareJid(m.from);
      if (m.receiptId && from !== this.opts.me && this.opts.allowed.has(from)) receipts.push({ to: m.from, id: m.receiptId });
      const message = this.toMessage(m);
      if (!message) continue;
      if (runs.at(-1)?.from !== from) runs.push({ from, messages: [] });
      runs.at(-1)!.messages.push(message);
    }
    const position = at ?? positionOf(incoming);
    const cursor = position ? { name: this.cursorName, value: JSON.stringify(position) } : undefined;
    // what the archive holds (the server stamped it with its archive id) is committed without waiting for the disk:
    // a power cut that rolls such a commit back rolls its position back with it, and the next catch-up reads it again
    const durability = !this.noArchive && incoming.every((m) => m.archiveId) ? { durability: 'normal' as const } : {};
    try {
      // a crash between two runs leaves the position where it was: the first run is read again, and dropped as a duplicate
      runs.forEach(({ from, messages }, i) => this.opts.emit(messages, { from, ...durability, ...(i === runs.length - 1 && cursor ? { cursor } : {}) }));
      if (runs.length === 0 && cursor) this.opts.emit([], { cursor, ...durability });
      this.source.sendReceipts(receipts);
      return position;
    } catch (e) {
      this.opts.log.error('could not queue received messages; they will be read again from the server\'s archive', { count: incoming.length, error: (e as Error).message });
      if (!this.noArchive) {
        this.disconnected();
        this.retryLater();
      }
      return undefined;
    }
  }


  /** toMessage decodes what an allowed peer sent, marks it `noforward` and puts the sender on its path; anything else is logged and dropped. */
  private toMessage({ from, body }: Incoming): Message | undefined {
    const sender = bareJid(from);
    // this bot's own messages, which its archive holds too
    if (sender === this.opts.me) return undefined;
    if (!this.opts.allowed.has(sender)) {
      this.opts.log.warn('dropped a message from a JID that is not allowed', { from });
      return undefined;
    }
    let m: Message;
    try {
      m = decodeBody(body, this.opts.maxBody);
    } catch (e) {
      this.opts.log.warn('dropped a message that cannot be decoded', { from, reason: e instanceof WireError ? e.message : String(e) });
      return undefined;
    }
    m.noforward = 1;
    // a peer that keeps no path (an original Perl host) is put on it, so that the loop guard knows where the message came from
    const path = pathOf(m);
    if (!path.some((p) => bareJid(String(p)) === sender)) m[PATH_FIELD] = [...path, sender];
    return m;
  }
}
