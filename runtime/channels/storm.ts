import type Database from 'better-sqlite3';
import type { Message } from '../pipeline-api.js';
import type { OutboxItem } from './outbox-item.js';

/** Digest is what storm control held back of one key: the count, the hosts, the first subjects and the last item. */
export interface Digest {
  readonly key: string;
  /** since: when the first held item came; the digest goes out one window later. */
  readonly since: number;
  readonly count: number;
  readonly hosts: readonly string[];
  readonly subjects: readonly string[];
  /** last: the last held item, without its payload (the digest gets its own). */
  readonly last: Omit<OutboxItem, 'payload'>;
}

/** LISTED: how many subjects a digest quotes. */
const LISTED = 5;

/** merged adds `b`, held after `a`, to `a`. */
function merged(a: Digest | undefined, b: Digest): Digest {
  if (!a) return b;
  return { key: a.key, since: a.since, count: a.count + b.count, hosts: [...new Set([...a.hosts, ...b.hosts])], subjects: [...a.subjects, ...b.subjects].slice(0, LISTED), last: b.last };
}

/** Held is a digest as a batch builds it, one held item at a time. */
interface Held {
  readonly key: string;
  readonly since: number;
  count: number;
  readonly hosts: string[];
  readonly subjects: string[];
  last: Omit<OutboxItem, 'payload'>;
}

/**
 * StormTable keeps a channel's storm state in its outbox database, written
 * in the same transactions as the outbox's items: the times items of each
 * key were let through in the current window, and one digest row per key of
 * what was held back. A restart, even after SIGKILL, resumes both.
 */
export class StormTable {
  private static readonly tables = new WeakMap<Database.Database, StormTable>();
  private readonly selectSent: Database.Statement;
  private readonly writeSent: Database.Statement;
  private readonly deleteSent: Database.Statement;
  private readonly selectDigest: Database.Statement;
  private readonly writeDigest: Database.Statement;
  private readonly updateDigest: Database.Statement;
  private readonly deleteDigest: Database.Statement;
  private readonly selectDue: Database.Statement;
  private readonly selectFirst: Database.Statement;
  private readonly selectAll: Database.Statement;

  private constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS channel_storm_sent (key TEXT PRIMARY KEY, times TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS channel_storm_digest (key TEXT PRIMARY KEY, since INTEGER NOT NULL, data TEXT NOT NULL);
    `);
    this.selectSent = db.prepare('SELECT key, times FROM channel_storm_sent').raw(true);
    this.writeSent = db.prepare('INSERT OR REPLACE INTO channel_storm_sent (key, times) VALUES (?, ?)');
    this.deleteSent = db.prepare('DELETE FROM channel_storm_sent WHERE key = ?');
    this.selectDigest = db.prepare('SELECT data FROM channel_storm_digest WHERE key = ?').pluck();
    this.writeDigest = db.prepare('INSERT OR REPLACE INTO channel_storm_digest (key, since, data) VALUES (?, ?, ?)');
    this.updateDigest = db.prepare('UPDATE channel_storm_digest SET since = ?, data = ? WHERE key = ?');
    this.deleteDigest = db.prepare('DELETE FROM channel_storm_digest WHERE key = ?');
    this.selectDue = db.prepare('SELECT data FROM channel_storm_digest WHERE since <= ? ORDER BY since').pluck();
    this.selectFirst = db.prepare('SELECT min(since) FROM channel_storm_digest').pluck();
    this.selectAll = db.prepare('SELECT data FROM channel_storm_digest').pluck();
  }

  /** held gives the storm table of an outbox database when it has one: a channel limited once, whose digests may be held still. */
  static held(db: Database.Database): StormTable | undefined {
    const made = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'channel_storm_digest'").get();
    return made ? StormTable.of(db) : undefined;
  }

  /** of gives the storm table of an outbox database (made when missing). */
  static of(db: Database.Database): StormTable {
    let t = StormTable.tables.get(db);
    if (!t) {
      t = new StormTable(db);
      StormTable.tables.set(db, t);
    }
    return t;
  }

  sent(): Map<string, number[]> {
    return new Map((this.selectSent.all() as [string, string][]).map(([k, t]) => [k, JSON.parse(t) as number[]]));
  }

  saveSent(key: string, times: readonly number[]): void {
    if (times.length) this.writeSent.run(key, JSON.stringify(times));
    else this.deleteSent.run(key);
  }

  /** put writes a key's digest row. */
  put(d: Digest): void {
    const data = JSON.stringify(d);
    // a storm rewrites its keys' rows batch after batch: an update in place costs half a replace
    if (this.updateDigest.run(d.since, data, d.key).changes === 0) this.writeDigest.run(d.key, d.since, data);
  }

  /** digests gives every held digest. */
  digests(): Digest[] {
    return (this.selectAll.all() as string[]).map((t) => JSON.parse(t) as Digest);
  }

  /** take removes and returns a key's digest row with `more` (held since) added. */
  take(key: string, more?: Digest): Digest | undefined {
    const d = this.get(key);
    if (d) this.deleteDigest.run(key);
    return more ? merged(d, more) : d;
  }

  /** takeDue removes and returns the digests whose window ended by `now`. */
  takeDue(now: number, windowMs: number): Digest[] {
    const due = (this.selectDue.all(now - windowMs) as string[]).map((t) => JSON.parse(t) as Digest);
    for (const d of due) this.deleteDigest.run(d.key);
    return due;
  }

  /** nextDue is when the first digest's window ends, if any is held. */
  nextDue(windowMs: number): number | undefined {
    const first = this.selectFirst.get() as number | null;
    return first === null ? undefined : first + windowMs;
  }

  get(key: string): Digest | undefined {
    const t = this.selectDigest.get(key) as string | undefined;
    return t === undefined ? undefined : (JSON.parse(t) as Digest);
  }
}

/**
 * Storm is the per-key rate limit of one channel as the rule tree applies
 * it, before anything is queued: at most `count` items per key in a
 * sliding window go to the outbox; the rest only add to the key's digest,
 * in memory until the batch is written (`write`, in the outbox's
 * transaction). A recovery always goes out.
 */
export class Storm {
  private readonly times: Map<string, number[]>;
  private readonly changed = new Set<string>();
  private held = new Map<string, Held>();
  /** rows: each key's digest row as this instance wrote or read it last */
  private readonly rows: Map<string, Digest>;

  constructor(
    private readonly count: number,
    readonly windowMs: number,
    table: StormTable,
  ) {
    this.times = table.sent();
    this.rows = new Map(table.digests().map((d) => [d.key, d]));
  }

  /** admit tells whether an item goes to the outbox now; when not, it adds to its key's digest. */
  admit(item: Omit<OutboxItem, 'payload'>, now: number): boolean {
    if (item.recovered) return true;
    const key = item.key;
    let times = this.times.get(key);
    if (times?.length && times[0] <= now - this.windowMs) {
      times = times.filter((t) => t > now - this.windowMs);
      this.times.set(key, times);
      this.changed.add(key);
    }
    if ((times?.length ?? 0) < this.count) {
      if (times) times.push(now);
      else this.times.set(key, [now]);
      this.changed.add(key);
      return true;
    }
    const h = this.held.get(key);
    if (!h) {
      this.held.set(key, { key, since: now, count: 1, hosts: [item.hostname], subjects: [item.subject], last: item });
      return false;
    }
    h.count++;
    if (!h.hosts.includes(item.hostname)) h.hosts.push(item.hostname);
    if (h.subjects.length < LISTED) h.subjects.push(item.subject);
    h.last = item;
    return false;
  }

  /** cut takes out what this batch held back of a key so far (its digest goes before the key's recovery). */
  cut(key: string): Digest | undefined {
    const h = this.held.get(key);
    this.held.delete(key);
    this.rows.delete(key);
    return h;
  }

  /** write stores the batch's counts and digests; it tells whether a key's digest is new. */
  write(table: StormTable, now: number): boolean {
    for (const key of this.changed) table.saveSent(key, this.times.get(key) ?? []);
    this.changed.clear();
    let fresh = false;
    for (const h of this.held.values()) {
      // a row this instance wrote is as it left it until the worker takes it, when its window ended
      const known = this.rows.get(h.key);
      const before = known && this.stays(known, now) ? known : table.get(h.key);
      const row = merged(before, h);
      table.put(row);
      this.rows.set(h.key, row);
      fresh ||= before === undefined;
    }
    this.held = new Map();
    return fresh;
  }

  private stays(row: Digest, now: number): boolean {
    return row.since + this.windowMs - ROW_MARGIN_MS > now;
  }

  get dirty(): boolean {
    return this.changed.size > 0 || this.held.size > 0;
  }

  /**
   * onlyCounts tells whether the batch only adds to digest rows that exist
   * and stay until it is written (the worker takes one only when its
   * window ended): such a commit need not wait for the disk, as a killed
   * process loses none, and a power cut would only make a digest count
   * fewer. What lets an item through or starts a digest waits for it.
   */
  onlyCounts(now: number): boolean {
    if (this.changed.size > 0) return false;
    for (const key of this.held.keys()) {
      const row = this.rows.get(key);
      if (!row || !this.stays(row, now)) return false;
    }
    return true;
  }
}

/** ROW_MARGIN_MS: a digest row this close to its window's end may be gone by the time a batch is written. */
const ROW_MARGIN_MS = 1000;

/** digestItem is the outbox item of a digest: "17 more from web1 in the last 10 min: …". */
export function digestItem(d: Digest, windowMs: number, render: (m: Message) => Record<string, unknown>): OutboxItem {
  const subject = `${d.count} more from ${d.hosts.join(', ')} in the last ${windowText(windowMs)}: ${d.subjects.join('; ')}${d.count > d.subjects.length ? '; …' : ''}`;
  const m: Message = { key: d.key, hostname: d.last.hostname, status: d.last.status, subject, digest_count: d.count };
  return { ...d.last, subject, recovered: false, queued_at: d.since, payload: render(m) };
}

/** windowText says a window the way a person does: `10 min`, `45 s`, `2 h`. */
export function windowText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
