import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { configPath } from '../runtime/paths.js';
import { str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { quoteName } from './sqlite-table.js';

/** InboxConfig names the web UI's inbox table, where "mark seen" writes the time it was seen. */
export interface InboxConfig {
  file?: string;
  table?: string;
}

/**
 * InboxAck tells whether a message is a repeat of a problem its person
 * already marked seen in the web UI inbox: the message repeats its key's
 * status (`status_count` above 1, as Status sets it) and an inbox item of
 * that key was marked seen since the status began (`status_since`). A new
 * status starts over, so it is sent again.
 */
export class InboxAck {
  private db?: Database.Database;
  private query?: Database.Statement;

  constructor(
    private readonly file: string,
    private readonly table: string,
  ) {}

  static of(c: InboxConfig | undefined, home: string): InboxAck {
    return new InboxAck(configPath(c?.file ?? 'sqlite/notifications.sql', home), c?.table ?? 'notifications');
  }

  acknowledged(m: Message): boolean {
    const count = Number(m.status_count);
    if (!(count > 1) || !truthy(m.key) || !truthy(m.status_since)) return false;
    const q = this.statement();
    return q !== undefined && q.get(str(m.key), Number(m.status_since)) !== undefined;
  }

  private statement(): Database.Statement | undefined {
    if (this.query) return this.query;
    if (!existsSync(this.file)) return undefined;
    try {
      this.db ??= new Database(this.file, { readonly: true, fileMustExist: true });
      this.query = this.db.prepare(`SELECT 1 FROM ${quoteName(this.table)} WHERE key = ? AND seen >= ? LIMIT 1`);
    } catch {
      // no table, or no key or seen column yet: nothing was marked seen
      return undefined;
    }
    return this.query;
  }

  close(): void {
    this.db?.close();
  }
}
