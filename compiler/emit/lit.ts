/**
 * lit is the one way text from a config enters generated code: as a
 * JavaScript literal. JSON quoting escapes quotes, backslashes and control
 * characters; U+2028 and U+2029 are escaped too, so that no YAML content can
 * end a string, start a comment or run code.
 */
export function lit(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    if (Object.is(value, -0)) return '-0';
    return String(value);
  }
  if (value === undefined) return 'undefined';
  if (value !== null && typeof value === 'object') {
    // an object literal would turn a `__proto__` key into a prototype; JSON.parse keeps it a key
    return `JSON.parse(${lit(JSON.stringify(value))})`;
  }
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`lit: cannot quote a ${typeof value}`);
  return json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** IDENT is what every generated identifier must look like; names never come from user text. */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ident makes a generated identifier from a fixed prefix and a number. */
export function ident(prefix: string, n: number): string {
  const name = `${prefix}${n}`;
  if (!IDENT.test(name)) throw new Error(`ident: bad identifier ${name}`);
  return name;
}
