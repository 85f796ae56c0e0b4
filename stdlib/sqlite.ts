import type Database from 'better-sqlite3';
import { configPath } from '../runtime/paths.js';
import { str } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin, requireOne } from './plugin.js';
import { asTableSchema, CONSTRAINT, fileSchema, type TableSchema } from './sqlite-schemas.js';
import { BatchTransactions, COLUMN_TYPE, database, ensureTable, NAME, quoteName } from './sqlite-table.js';

interface Config {
  file?: string;
  file_field?: string;
  tablename?: string;
  tablename_field?: string;
  schema?: Record<string, unknown> | string;
  update?: Record<string, unknown>;
  id_field?: string;
}

function sqlValue(v: unknown): string | number | bigint | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export default definePlugin<Config>({
  name: 'SQLite',
  summary: 'Insert the message into a table, or update the row it matches.',
  docs: 'Writes the message\'s fields that are columns of `schema` (column → SQL type, with optional `constraints` such as `UNIQUE( key )` and `indexes` such as `seen` or `key, seen`; without `schema:`, read from `<home>/schemas/<table>.yaml` as the original does, and again when that file changes; `schema: tv` reads `<home>/schemas/tv/<table>.yaml`) into `tablename` (or the table named by `tablename_field`) of the SQLite `file` (or the file named by `file_field`; `~/…` or relative to the wubot home). The table is created, and missing columns added, from the schema. Rows are committed in one transaction per batch, before the batch is acknowledged. With `update` (columns to match on), a matching row is updated, otherwise a row is inserted; `id_field` receives the new row id.',
  schema: {
    type: 'object',
    properties: {
      file: { type: 'string', description: 'the SQLite file' },
      file_field: { type: 'string', description: 'a field naming the SQLite file' },
      tablename: { type: 'string', pattern: NAME, description: 'the table' },
      tablename_field: { type: 'string', description: 'a field naming the table' },
      schema: {
        type: ['object', 'string'],
        properties: {
          constraints: { type: 'array', items: { type: 'string', pattern: CONSTRAINT }, description: 'UNIQUE( … ) or PRIMARY KEY( … ) constraints of the table' },
          indexes: { type: 'array', items: { type: ['string'] }, description: 'indexes to create: a column, or columns separated by commas' },
        },
        additionalProperties: { type: 'string', pattern: COLUMN_TYPE },
        propertyNames: { pattern: NAME },
        minProperties: 1,
        description: 'column → SQL type; or, as a name, the folder of `<home>/schemas` holding `<table>.yaml` (default: `<home>/schemas/<table>.yaml`)',
      },
      update: { type: 'object', propertyNames: { pattern: NAME }, description: 'columns whose values find the row to update' },
      id_field: { type: 'string', description: 'a field that receives the id of an inserted row' },
    },
    additionalProperties: false,
  },
  check: (c) => [...requireOne(c, ['file', 'file_field']), ...requireOne(c, ['tablename', 'tablename_field'])],
  examples: [
    {
      title: 'store notifications',
      config: { file: 'sqlite/example.sql', tablename: 'notifications', schema: { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', subject: 'VARCHAR(256)', lastupdate: 'INTEGER' } },
      input: { subject: 'disk full', lastupdate: 1764300000 },
      output: { subject: 'disk full', lastupdate: 1764300000 },
    },
  ],
  effect: (c) => ({ writes: c.id_field ? [c.id_field] : [] }),
  create(c, ctx) {
    const inline = c.schema !== undefined && typeof c.schema === 'object' ? asTableSchema(c.schema, 'schema') : undefined;
    const schemaOf = (table: string): TableSchema => inline ?? fileSchema(ctx.home, table, typeof c.schema === 'string' ? c.schema : undefined);
    const ready = new Set<string>();
    const batch = new BatchTransactions();
    const statements = new Map<string, Database.Statement>();
    const prepare = (db: Database.Database, key: string, sql: () => string): Database.Statement => {
      let s = statements.get(key);
      if (!s) statements.set(key, (s = db.prepare(sql())));
      return s;
    };
    return {
      react(m: Message) {
        const file = configPath(c.file ?? str(m[c.file_field!]), ctx.home);
        const table = c.tablename ?? str(m[c.tablename_field!]);
        const db = database(file);
        batch.touch(db);
        const schema = schemaOf(table);
        const at = `${file}\0${table}\0${schema.version}`;
        if (!ready.has(at)) {
          ensureTable(db, table, schema.columns, schema.constraints);
          // named as the original names them, so an index it made is not made twice
          for (const cols of schema.indexes) db.exec(`CREATE INDEX IF NOT EXISTS ${quoteName([table, ...cols].join('_').toLowerCase())} ON ${quoteName(table)} (${cols.map(quoteName).join(', ')})`);
          ready.add(at);
        }
        const present = Object.keys(schema.columns).filter((col) => col in m);
        if (c.update) {
          const keys = Object.keys(c.update);
          const where = keys.map((k) => `${quoteName(k)} IS ?`).join(' AND ');
          const set = present.map((col) => `${quoteName(col)} = ?`).join(', ');
          if (set) {
            const upd = prepare(db, `u\0${file}\0${table}\0${present.join(',')}`, () => `UPDATE ${quoteName(table)} SET ${set} WHERE ${where}`);
            const r = upd.run(...present.map((col) => sqlValue(m[col])), ...keys.map((k) => sqlValue(m[k])));
            if (r.changes > 0) return;
          }
        }
        const ins = prepare(db, `i\0${file}\0${table}\0${present.join(',')}`, () =>
          present.length
            ? `INSERT INTO ${quoteName(table)} (${present.map(quoteName).join(', ')}) VALUES (${present.map(() => '?').join(', ')})`
            : `INSERT INTO ${quoteName(table)} DEFAULT VALUES`,
        );
        const r = ins.run(...present.map((col) => sqlValue(m[col])));
        if (c.id_field) m[c.id_field] = Number(r.lastInsertRowid);
      },
      flush: () => batch.flush(),
    };
  },
});
