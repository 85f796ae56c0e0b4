import type Database from 'better-sqlite3';
import { shortHostname } from '../hostname.js';
import type { Message } from '../pipeline-api.js';
import { hasMessageId, ID_FIELD, newMessageId, stampFields } from './message-id.js';
import { openQueueDb, type QueueOptions } from './queue-db.js';

/** WriterOptions add the host name that stamps new messages. */
export interface WriterOptions extends QueueOptions {
  readonly hostname?: string;
}

/**
 * QueueWriter appends messages to a queue directory. Any number of writers,
 * in any processes, may append to one queue. Appending is idempotent: a
 * message whose id the queue already holds is not stored again.
 */
export class QueueWriter {
  private readonly insert: Database.Statement;
  private readonly appendAll: (messages: readonly Message[]) => number;
  private readonly host: string;

  private constructor(
    private readonly db: Database.Database,
    host: string,
  ) {
    this.host = host;
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO message_queue (uid, data) VALUES (?, ?)',
    );
    this.appendAll = db.transaction((messages: readonly Message[]) => {
      let added = 0;
      const now = Date.now();
      for (const m of messages) {
        // a new id goes to the row's uid column only, not into its JSON (rows stay smaller); reading puts it back
        const given = hasMessageId(m);
        stampFields(m, this.host, now);
        const data = JSON.stringify(m);
        const uid = given ? (m[ID_FIELD] as string) : (m[ID_FIELD] = newMessageId(now));
        const r = this.insert.run(uid, data);
        added += r.changes;
      }
      return added;
    });
  }

  /** open opens a queue directory for appending, creating it when needed. */
  static open(dir: string, opts: WriterOptions = {}): QueueWriter {
    return new QueueWriter(openQueueDb(dir, opts), opts.hostname ?? shortHostname());
  }

  /**
   * append stores messages in order, in one transaction, giving each an id,
   * `lastupdate` and `hostname` when missing (on the message itself). It
   * returns how many were new.
   */
  append(messages: readonly Message[]): number {
    return this.appendAll(messages);
  }

  close(): void {
    this.db.close();
  }
}
