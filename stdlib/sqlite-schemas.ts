import { statSync } from 'node:fs';
import { join } from 'node:path';
import { perlYamlData } from '../grammar/yaml-source.js';
import { readConfigFile } from '../runtime/config-file.js';
import { COLUMN_TYPE, NAME } from './sqlite-table.js';

/*
 * Table schemas as the original keeps them: a rule's `schema:` mapping, or,
 * without one, the file `<home>/schemas/<table>.yaml` (`$WUBOT_SCHEMAS`
 * instead of `<home>/schemas` when set); `schema: tv` reads
 * `<home>/schemas/tv/<table>.yaml` and `schema: tv.station` names the file
 * `tv/station.yaml` outright. A file is read again when it changes.
 */

const NAME_PART = NAME.slice(1, -1);
/** CONSTRAINT is a table constraint a schema may give: UNIQUE or PRIMARY KEY over columns, with a conflict clause. */
export const CONSTRAINT = `^(?:UNIQUE|PRIMARY KEY)\\s*\\(\\s*${NAME_PART}(?:\\s*,\\s*${NAME_PART})*\\s*\\)(?:\\s+ON CONFLICT\\s+(?:ROLLBACK|ABORT|FAIL|IGNORE|REPLACE))?$`;
/** SPECIAL keys of a schema are no columns: `constraints` are added to the table, `indexes` (`col` or `col1, col2`) created on it. */
const SPECIAL = new Set(['constraints', 'indexes']);

const nameRe = new RegExp(NAME);
const typeRe = new RegExp(COLUMN_TYPE);
const constraintRe = new RegExp(CONSTRAINT, 'i');

/** TableSchema is a table's columns (name → SQL type), constraints and indexes (lists of columns); `version` changes when its file does. */
export interface TableSchema {
  readonly columns: Record<string, string>;
  readonly constraints: readonly string[];
  readonly indexes: readonly (readonly string[])[];
  readonly version: string;
}

/** asTableSchema checks a schema mapping; `where` names it in errors. */
export function asTableSchema(data: unknown, where: string, version = ''): TableSchema {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${where}: a schema is a mapping of column to SQL type`);
  const columns: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    if (SPECIAL.has(k)) continue;
    if (!nameRe.test(k)) throw new Error(`${where}: \`${k}\` is not a column name`);
    if (typeof v !== 'string' || !typeRe.test(v)) throw new Error(`${where}: the type of \`${k}\` is not an SQL type`);
    Object.defineProperty(columns, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  const given = (data as Record<string, unknown>).constraints ?? [];
  const constraints = Array.isArray(given) ? given.map(String) : [String(given)];
  for (const c of constraints) if (!constraintRe.test(c)) throw new Error(`${where}: constraint \`${c}\` is not UNIQUE( … ) or PRIMARY KEY( … )`);
  const listed = (data as Record<string, unknown>).indexes ?? [];
  const indexes = (Array.isArray(listed) ? listed : [listed]).map((i) => String(i).split(/\s*,\s*/).map((c) => c.trim()));
  for (const cols of indexes) for (const c of cols) if (!nameRe.test(c)) throw new Error(`${where}: index column \`${c}\` is not a column name`);
  if (Object.keys(columns).length === 0) throw new Error(`${where}: the schema has no columns`);
  return { columns, constraints, indexes, version };
}

/** schemaFile is where the original looks for a table's schema. */
export function schemaFile(home: string, table: string, sub?: string): string {
  const dir = process.env.WUBOT_SCHEMAS ?? join(home, 'schemas');
  if (sub?.includes('.')) {
    const [d, t] = sub.split('.');
    return join(dir, d, `${t}.yaml`);
  }
  return sub ? join(dir, sub, `${table}.yaml`) : join(dir, `${table}.yaml`);
}

const loaded = new Map<string, { mtimeMs: number; schema: TableSchema }>();

/** fileSchema reads a table's schema file, again only when it changed. */
export function fileSchema(home: string, table: string, sub?: string): TableSchema {
  const path = schemaFile(home, table, sub);
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch (e) {
    throw new Error(`no schema for table ${table}: the rule gives no \`schema:\` and ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const hit = loaded.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.schema;
  const schema = asTableSchema(perlYamlData(readConfigFile(path)), path, `${path}@${mtimeMs}`);
  loaded.set(path, { mtimeMs, schema });
  return schema;
}
