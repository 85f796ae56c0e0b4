import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { quoteName } from '../../stdlib/sqlite-table.js';

/*
 * The notifications inbox over the table a SQLite reactor rule fills (as the
 * original's `notifications` table). Only `subject` is required; `key`,
 * `hostname`, `mailbox`, `color`, `link`, `lastupdate` and `seen` are used
 * when the table has them, and `seen` is added on the first "mark seen".
 * Repeats (same mailbox, key, host and subject) show once with a count.
 */

/** Filter narrows the inbox; an empty or missing value does not filter. */
export interface Filter {
  readonly key?: string;
  readonly host?: string;
  readonly mailbox?: string;
  /** all shows seen notifications too */
  readonly all?: boolean;
  /** page: 1 for the newest groups, 2 for the next older ones… */
  readonly page?: number;
  /** upto: read as of this row id (paging keeps the first page's view while notifications arrive) */
  readonly upto?: number;
}

/** Item is one notification, or several alike collapsed into one. */
export interface Item {
  /** id is the row id of the newest of them (by `lastupdate` when the table has it). */
  readonly id: number;
  readonly mailbox: string | null;
  readonly key: string | null;
  readonly hostname: string | null;
  readonly subject: string;
  readonly link: string | null;
  readonly color: string | null;
  /** lastupdate is what the row holds: epoch seconds from this host, perhaps anything from a peer */
  readonly lastupdate: unknown;
  readonly count: number;
  readonly unseen: number;
}

/** Listing is a page of the inbox. */
export interface Listing {
  readonly items: Item[];
  /** more: how many older groups match than are shown (on later pages) */
  readonly more: number;
  readonly page: number;
  /** upto: the newest row id at the time of reading; marking seen never goes past it, so what arrived since stays unseen */
  readonly upto: number;
  readonly choices: { readonly key: string[]; readonly host: string[]; readonly mailbox: string[] };
}

/** InboxProblem is a notifications table the inbox cannot read; its message says what to do. */
export class InboxProblem extends Error {}

const OPTIONAL = ['key', 'hostname', 'mailbox', 'color', 'link', 'lastupdate', 'seen'] as const;
const GROUP = ['mailbox', 'key', 'hostname', 'subject'] as const;
export const LIMIT = 200;

export class Inbox {
  private db: Database.Database | undefined;
  private columns = new Set<string>();

  constructor(
    readonly file: string,
    readonly table: string,
  ) {}

  /** open opens the file and reads the table's columns, or returns false while the table does not exist. */
  private open(): boolean {
    if (!this.db) {
      if (!existsSync(this.file)) return false;
      this.db = new Database(this.file, { fileMustExist: true });
      this.db.pragma('busy_timeout = 10000');
    }
    try {
      this.columns = new Set((this.db.prepare(`PRAGMA table_info(${quoteName(this.table)})`).all() as { name: string }[]).map((c) => c.name));
    } catch (e) {
      // a damaged or foreign file: said on the page, and left as it is
      this.close();
      throw new InboxProblem(`cannot read the notifications in ${this.file}: ${(e as Error).message}`);
    }
    if (this.columns.size === 0) return false;
    if (!this.columns.has('subject')) throw new InboxProblem(`the table ${this.table} in ${this.file} has no \`subject\` column, so it holds no notifications`);
    return true;
  }

  private col(name: string): string {
    return this.columns.has(name) ? quoteName(name) : 'NULL';
  }

  private unseen(): string {
    return this.columns.has('seen') ? '(seen IS NULL OR seen = 0)' : '1';
  }

  private where(f: Filter, upto?: number): { sql: string; args: unknown[] } {
    const parts = [f.all ? '1' : this.unseen()];
    const args: unknown[] = [];
    for (const [name, value] of [['key', f.key], ['hostname', f.host], ['mailbox', f.mailbox]] as const) {
      if (!value) continue;
      if (!this.columns.has(name)) {
        parts.push('0');
        continue;
      }
      parts.push(`${quoteName(name)} = ?`);
      args.push(value);
    }
    if (upto !== undefined) {
      parts.push('rowid <= ?');
      args.push(upto);
    }
    return { sql: parts.join(' AND '), args };
  }

  /** list reads a page of the groups that match, newest first, or gives undefined while there is no table (a rule makes it with its first notification). */
  list(f: Filter, limit = LIMIT): Listing | undefined {
    const page = Math.max(1, Math.floor(f.page ?? 1));
    if (!this.open()) return undefined;
    const db = this.db!;
    const newestRow = (db.prepare(`SELECT MAX(rowid) AS m FROM ${quoteName(this.table)}`).get() as { m: number | null }).m ?? 0;
    const upto = f.upto !== undefined && f.upto > 0 ? Math.min(f.upto, newestRow) : newestRow;
    const w = this.where(f, upto);
    const group = GROUP.map((g) => this.col(g)).join(', ');
    const seenExpr = this.columns.has('seen') ? 'CASE WHEN seen IS NULL OR seen = 0 THEN 1 ELSE 0 END' : '1';
    // one MAX() aggregate: SQLite then takes the other columns from the newest row of each group
    // (newest by its own time: a host back from offline stores old notifications late)
    const newest = this.columns.has('lastupdate') ? 'MAX(lastupdate) AS newest, rowid AS id' : 'MAX(rowid) AS id';
    const others = OPTIONAL.filter((c) => c !== 'seen').map((c) => `${this.col(c)} AS ${c}`);
    const items = db
      .prepare(
        `SELECT ${newest}, ${others.join(', ')}, subject, COUNT(*) AS count, SUM(${seenExpr}) AS unseen ` +
          `FROM ${quoteName(this.table)} WHERE ${w.sql} GROUP BY ${group} ORDER BY ${this.columns.has('lastupdate') ? 'newest DESC, ' : ''}id DESC LIMIT ? OFFSET ?`,
      )
      .all(...w.args, limit + 1, (page - 1) * limit) as Item[];
    let more = 0;
    if (items.length > limit) {
      items.pop();
      more = (db.prepare(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${quoteName(this.table)} WHERE ${w.sql} GROUP BY ${group})`).get(...w.args) as { n: number }).n - page * limit;
    }
    const base = f.all ? '1' : this.unseen();
    const distinct = (col: string) =>
      this.columns.has(col)
        ? (db.prepare(`SELECT DISTINCT ${quoteName(col)} AS v FROM ${quoteName(this.table)} WHERE ${base} AND ${quoteName(col)} IS NOT NULL ORDER BY 1`).all() as { v: unknown }[]).map((r) => String(r.v))
        : [];
    return { items, more, page, upto, choices: { key: distinct('key'), host: distinct('hostname'), mailbox: distinct('mailbox') } };
  }

  /** markSeen marks seen every notification collapsed into the items with these ids, up to row `upto`; it returns how many. */
  markSeen(ids: number[], upto: number): number {
    if (!this.open() || ids.length === 0) return 0;
    this.ensureSeen();
    const db = this.db!;
    const same = GROUP.map((g) => (this.columns.has(g) ? `${quoteName(g)} IS (SELECT ${quoteName(g)} FROM ${quoteName(this.table)} WHERE rowid = ?)` : '1'));
    const per = GROUP.filter((g) => this.columns.has(g)).length;
    const stmt = db.prepare(`UPDATE ${quoteName(this.table)} SET seen = ? WHERE ${this.unseen()} AND rowid <= ? AND ${same.join(' AND ')}`);
    const now = Math.floor(Date.now() / 1000);
    return db.transaction(() => ids.reduce((n, id) => n + stmt.run(now, upto, ...Array(per).fill(id)).changes, 0))();
  }

  /** markAllSeen marks seen every notification the filter matches, up to row `upto`; it returns how many. */
  markAllSeen(f: Filter, upto: number): number {
    if (!this.open()) return 0;
    this.ensureSeen();
    const w = this.where({ ...f, all: false }, upto);
    return this.db!.prepare(`UPDATE ${quoteName(this.table)} SET seen = ? WHERE ${w.sql}`).run(Math.floor(Date.now() / 1000), ...w.args).changes;
  }

  private ensureSeen(): void {
    if (this.columns.has('seen')) return;
    this.db!.exec(`ALTER TABLE ${quoteName(this.table)} ADD COLUMN seen INTEGER`);
    this.columns.add('seen');
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
