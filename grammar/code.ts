/*
 * Generated code, built so that text from a config cannot reach it
 * unquoted: `code` is a tagged template in which every interpolated value
 * that is not itself Code is quoted as a JavaScript literal, and a Name is
 * made only from a fixed prefix and a number (as ajv's `_` and `Name`).
 */

const TRUSTED = Symbol('code');

/** Code is a piece of generated code; only `code`, `name` and `joinCode` make one. */
export class Code {
  constructor(
    token: typeof TRUSTED,
    private readonly text: string,
  ) {
    if (token !== TRUSTED) throw new Error('Code: made outside code.ts');
  }

  toString(): string {
    return this.text;
  }
}

/** Name is a generated identifier. */
export class Name extends Code {}

/**
 * lit quotes a value as a JavaScript literal. JSON quoting escapes quotes,
 * backslashes and control characters; U+2028 and U+2029 are escaped too, so
 * that no YAML content can end a string, start a comment or run code.
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

/** code builds Code from a template: the template's own text is code, every value in it is Code or gets quoted. */
export function code(strings: TemplateStringsArray, ...values: unknown[]): Code {
  let text = strings[0];
  values.forEach((v, i) => {
    text += (v instanceof Code ? v.toString() : lit(v)) + strings[i + 1];
  });
  return new Code(TRUSTED, text);
}

/** joinCode puts pieces of code one after another, with a fixed separator. */
export function joinCode(parts: readonly Code[], separator: ', ' | ' && ' | ' || ' | ' + ' | ' ' | ''): Code {
  return new Code(TRUSTED, parts.join(separator));
}

/** IDENT is what every generated identifier must look like. */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** name makes a generated identifier from a fixed prefix (never user text) and, for numbered names, a number. */
export function name(prefix: string, n?: number): Name {
  const text = n === undefined ? prefix : `${prefix}${n}`;
  if (!IDENT.test(text)) throw new Error(`name: bad identifier ${text}`);
  return new Name(TRUSTED, text);
}
