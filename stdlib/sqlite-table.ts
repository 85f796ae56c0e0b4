import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * Tables described by a schema, as the original's SQLite helper: created
 * when missing, missing columns added (never dropped or retyped). Names and
 * types come from configs, so they are checked before they reach SQL.
 */

/** NAME is what a table or column name may look like. */
export const NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
/** COLUMN_TYPE is what a column type may look like, e.g. `VARCHAR(256)` or `INTEGER PRIMARY KEY AUTOINCREMENT`. */
export const COLUMN_TYPE = '^[A-Za-z][A-Za-z0-9_ ]*(\\([0-9, ]+\\))?[A-Za-z0-9_ ]*$';

const nameRe = new RegExp(NAME);
const typeRe = new RegExp(COLUMN_TYPE);

/** quoteName quotes an SQL identifier that was checked against NAME. */
export function quoteName(name: string): string {
  if (!nameRe.test(name)) throw new Error(`not a safe SQL name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

const databases = new Map<string, Database.Database>();

/** database opens a database file once per process, in WAL mode. */
export function database(file: string): Database.Database {
  let db = databases.get(file);
  if (!db) {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    databases.set(file, db);
  }
  return db;
}

/** ensureTable creates a table from a schema (with its constraints, checked by the caller), or adds the columns it lacks. */
export function ensureTable(db: Database.Database, table: string, schema: Record<string, string>, constraints: readonly string[] = []): void {
  for (const [col, type] of Object.entries(schema)) {
    if (!typeRe.test(type)) throw new Error(`not a safe column type for ${col}: ${JSON.stringify(type)}`);
  }
  const existing = db.prepare(`PRAGMA table_info(${quoteName(table)})`).all() as { name: string }[];
  if (existing.length === 0) {
    const cols = [...Object.entries(schema).map(([c, t]) => `${quoteName(c)} ${t}`), ...constraints];
    db.exec(`CREATE TABLE IF NOT EXISTS ${quoteName(table)} (${cols.join(', ')})`);
    return;
  }
  const have = new Set(existing.map((c) => c.name));
  for (const [col, type] of Object.entries(schema)) {
    if (!have.has(col)) db.exec(`ALTER TABLE ${quoteName(table)} ADD COLUMN ${quoteName(col)} ${type.replace(/PRIMARY KEY|AUTOINCREMENT|UNIQUE/gi, '')}`);
  }
}

/**
 * BatchTransactions opens a transaction on a database the first time a batch
 * writes to it, and commits them all on flush, so that a batch costs one
 * commit per database and is stored before the batch is acknowledged.
 */
export class BatchTransactions {
  private readonly open = new Set<Database.Database>();

  /** touch makes sure a transaction is open on db. */
  touch(db: Database.Database): void {
    if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
    this.open.add(db);
  }

  /** flush commits every open transaction. */
  flush(): void {
    for (const db of this.open) if (db.inTransaction) db.exec('COMMIT');
    this.open.clear();
  }
}
