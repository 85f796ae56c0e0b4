import type Database from 'better-sqlite3';
import { shortHostname } from '../hostname.js';
import type { Message } from '../pipeline-api.js';
import { hasMessageId, ID_FIELD, newMessageId, stampFields } from './message-id.js';
import { openQueueDb, READ_CURSOR, setDurability, WRITE_CURSOR, type Durability, type QueueOptions } from './queue-db.js';
import { signalWritten } from './queue-wake.js';

/**
 * Cursor is where a writer's source stands once the messages appended with
 * it are stored: e.g. the XMPP archive id of the last message received. It
 * is written in the same transaction as those messages.
 */
export interface Cursor {
  readonly name: string;
  readonly value: string;
}

/**
 * AppendOptions: `cursor` is stored in the same transaction; `from` names
 * the peer the messages came from, whose ids are its own: a peer's id never
 * suppresses another sender's message, nor one of this host's.
 */
export interface AppendOptions {
  readonly cursor?: Cursor;
  readonly from?: string;
  /**
   * durability of this append's commit, when it differs from the writer's:
   * `normal` for messages whose source can give them again after a power
   * cut rolled the commit (and its cursor) back, e.g. what an XMPP server's
   * archive holds. A killed process loses no commit either way.
   */
  readonly durability?: Durability;
}

/** WriterOptions add the host name that stamps new messages. */
export interface WriterOptions extends QueueOptions {
  readonly hostname?: string;
}

/**
 * QueueWriter appends messages to a queue directory. Any number of writers,
 * in any processes, may append to one queue. Appending is idempotent: a
 * message whose id the queue already holds is not stored again.
 */
/** Rows per INSERT statement: each statement call has a fixed cost, so large appends bind many rows at once. */
const CHUNK = 50;

export class QueueWriter {
  private readonly insert: Database.Statement;
  private readonly insertChunk: Database.Statement;
  private readonly appendAll: (messages: readonly Message[], opts: AppendOptions) => number;
  private readonly readCursor: Database.Statement;
  private readonly host: string;
  /** the connection's synchronous mode now */
  private durability: Durability;
  /** inside transaction(): appends wake the reader only once it committed */
  private deferred?: { added: boolean };
  private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  private constructor(
    private readonly db: Database.Database,
    private readonly dir: string,
    host: string,
    private readonly defaultDurability: Durability,
  ) {
    this.host = host;
    this.durability = defaultDurability;
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO message_queue (uid, data) VALUES (?, ?)',
    );
    this.insertChunk = db.prepare(`INSERT OR IGNORE INTO message_queue (uid, data) VALUES ${Array(CHUNK).fill('(?, ?)').join(', ')}`);
    const chunk: string[] = new Array(2 * CHUNK);
    const one: string[] = new Array(2);
    const writeCursor = db.prepare(WRITE_CURSOR);
    this.readCursor = db.prepare(READ_CURSOR).pluck();
    this.appendAll = db.transaction((messages: readonly Message[], { cursor, from }: AppendOptions) => {
      let added = 0;
      const now = Date.now();
      let i = 0;
      // in order: whole chunks first, then the rest one by one
      for (; i + CHUNK <= messages.length; i += CHUNK) {
        for (let k = 0; k < CHUNK; k++) this.row(messages[i + k], now, from, chunk, 2 * k);
        added += this.insertChunk.run(chunk).changes;
      }
      for (; i < messages.length; i++) {
        this.row(messages[i], now, from, one, 0);
        added += this.insert.run(one).changes;
      }
      if (cursor) writeCursor.run(cursor.name, cursor.value, now);
      return added;
    });
  }

  /**
   * row stamps a message with its first store's fields and puts its id and
   * JSON text at `at` in `params`. A new id goes to the row's uid column
   * only, not into its JSON (rows stay smaller); reading puts it back. An
   * id a peer gave is its own: the row's uid is the peer and the id.
   */
  private row(m: Message, now: number, from: string | undefined, params: string[], at: number): void {
    const given = hasMessageId(m);
    stampFields(m, this.host, now);
    params[at + 1] = JSON.stringify(m);
    if (!given) params[at] = m[ID_FIELD] = newMessageId(now);
    else params[at] = from === undefined ? (m[ID_FIELD] as string) : `${from} ${m[ID_FIELD] as string}`;
  }

  /** open opens a queue directory for appending, creating it when needed. */
  static open(dir: string, opts: WriterOptions = {}): QueueWriter {
    return new QueueWriter(openQueueDb(dir, opts), dir, opts.hostname ?? shortHostname(), opts.durability ?? 'full');
  }

  /**
   * append stores messages in order, in one transaction, giving each an id,
   * `lastupdate` and `hostname` when missing (on the message itself). It
   * returns how many were new; when some were, the queue's reader is woken.
   * A cursor is stored in the same transaction (also without messages).
   */
  append(messages: readonly Message[], opts: AppendOptions = {}): number {
    if (messages.length === 0 && !opts.cursor) return 0;
    // inside transaction() the commit is the transaction's
    if (!this.deferred) this.useDurability(opts.durability);
    const added = this.appendAll(messages, opts);
    if (added && this.deferred) this.deferred.added = true;
    else if (added) signalWritten(this.dir);
    return added;
  }

  /**
   * transaction runs `fn` in one immediate transaction of this queue's
   * database: its appends and what it writes through `database` (tables of
   * the queue's owner, e.g. a channel's storm counts) commit together, and
   * the reader is woken once they did. `durability` is the commit's, as
   * with append.
   */
  transaction<T>(fn: () => T, durability?: Durability): T {
    const outer = this.deferred === undefined;
    if (outer) {
      this.useDurability(durability);
      this.deferred = { added: false };
    }
    const added = this.deferred!;
    try {
      return this.inTransaction.immediate(fn) as T;
    } finally {
      if (outer) {
        this.deferred = undefined;
        if (added.added) signalWritten(this.dir);
      }
    }
  }

  private useDurability(durability = this.defaultDurability): void {
    if (durability === this.durability) return;
    setDurability(this.db, durability);
    this.durability = durability;
  }

  /** database is the queue's connection, for tables written in `transaction` (a channel's storm state). */
  get database(): Database.Database {
    return this.db;
  }

  /** cursor reads a cursor stored with earlier appends (undefined before the first). */
  cursor(name: string): string | undefined {
    return this.readCursor.get(name) as string | undefined;
  }

  close(): void {
    this.db.close();
  }
}
