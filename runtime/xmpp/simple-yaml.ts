import { perlPlainScalar, reservedWord, type ScalarValue } from '../../grammar/plain-scalar.js';
import type { Message } from '../pipeline-api.js';

/*
 * A fast reader for the YAML that almost every message body holds: a flat
 * mapping of plain scalars, integers and one-line quoted strings, and
 * lists of those, as YAML::XS (and wubot) write them. It answers only when
 * the full YAML parser would read the text the same way; anything else
 * (block scalars, nesting, multi-line quoted text, folded lines, tabs and control
 * characters, keys that YAML::XS reads as booleans or null) gives
 * undefined, and the caller uses the full parser. Both resolve scalars with
 * perlPlainScalar. The full parser takes 300-400 µs for a ten-line message,
 * this 2-4 µs: it scans each line once, with no regular expression for the
 * usual line.
 */

const COLON = 0x3a;
const SPACE = 0x20;
const HASH = 0x23;
const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** startsPlain: the first character of a plain scalar this reader takes (no YAML indicator, no space; `-` only for a negative integer) */
function startsPlain(c: number): boolean {
  // ! " # % & ' * , - : > ? @ [ ] ` { | } and space start something else
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2f || c === 0x2e || c === 0x28 || c === 0x29 || c === 0x2b || c === 0x3d || c === 0x24 || c === 0x3b || c === 0x3c || c === 0x5c || c === 0x5e || c === 0x7e;
  return inside(c);
}

/**
 * inside: a character this reader takes within a scalar: YAML's printable
 * ones but tab; C0 and C1 controls, DEL, NEL and the line and paragraph
 * separators (line breaks to YAML 1.1), a BOM and U+FFFE/U+FFFF are left to
 * the full parser. A body decoded from UTF-8 has no lone surrogates.
 */
function inside(c: number): boolean {
  if (c < 0x80) return c >= SPACE && c !== 0x7f;
  if (c <= 0x9f || c === 0x2028 || c === 0x2029) return false;
  return c !== 0xfeff && c < 0xfffe;
}

/** plain reads `text.slice(from, to)` as a plain scalar, or gives undefined when it is not one this reader is sure of. */
function plain(text: string, from: number, to: number): ScalarValue | undefined {
  if (from >= to) return undefined;
  const first = text.charCodeAt(from);
  if (first === 0x2d) return negative(text, from, to);
  if (!startsPlain(first)) return undefined;
  const last = text.charCodeAt(to - 1);
  // trailing spaces are not the scalar's; a final colon is a mapping indicator
  if (last === SPACE || last === COLON) return undefined;
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!inside(c)) return undefined;
    // `: ` starts a mapping value, ` #` a comment
    if ((c === COLON && text.charCodeAt(i + 1) === SPACE) || (c === HASH && text.charCodeAt(i - 1) === SPACE)) return undefined;
  }
  return perlPlainScalar(text.slice(from, to));
}

/** negative reads a plain `-` followed by digits (a negative integer); anything else starting with `-` goes to the full parser */
function negative(text: string, from: number, to: number): ScalarValue | undefined {
  if (to - from < 2) return undefined;
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return perlPlainScalar(text.slice(from, to));
}

/** quoted reads a one-line single-quoted scalar `'…'` (`''` is a quote), or gives undefined. */
function quoted(text: string, from: number, to: number): string | undefined {
  if (to - from < 2 || text.charCodeAt(to - 1) !== QUOTE) return undefined;
  let out = '';
  let start = from + 1;
  for (let i = from + 1; i < to - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // inside, a quote is only ever half of `''`
      if (text.charCodeAt(i + 1) !== QUOTE || i + 1 === to - 1) return undefined;
      out += text.slice(start, i + 1);
      start = i + 2;
      i++;
    } else if (!inside(c)) return undefined;
  }
  return out + text.slice(start, to - 1);
}

/** ESCAPES: what a double-quoted scalar's one-character escapes stand for (YAML 1.1, as libyaml writes and reads them) */
const ESCAPES: Readonly<Record<string, string>> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };
const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** doubleQuoted reads a one-line double-quoted scalar `"…"` with its escapes (libyaml writes text with line breaks, tabs and emoji so), or gives undefined. */
function doubleQuoted(text: string, from: number, to: number): string | undefined {
  if (to - from < 2 || text.charCodeAt(to - 1) !== DOUBLE_QUOTE) return undefined;
  let out = '';
  let start = from + 1;
  for (let i = from + 1; i < to - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === DOUBLE_QUOTE) return undefined;
    if (c !== BACKSLASH) {
      if (!inside(c)) return undefined;
      continue;
    }
    out += text.slice(start, i);
    const e = text[i + 1];
    const digits = HEX_DIGITS[e] ?? 0;
    // the escape ends before the closing quote
    if (i + 1 + digits >= to - 1) return undefined;
    if (digits === 0) {
      const meaning = ESCAPES[e];
      if (meaning === undefined) return undefined;
      out += meaning;
      i++;
    } else {
      const hex = text.slice(i + 2, i + 2 + digits);
      if (!/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
      const code = parseInt(hex, 16);
      // a surrogate or a code point past Unicode is left to the full parser
      if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 1 + digits;
    }
    start = i + 1;
  }
  return out + text.slice(start, to - 1);
}

/** scalar reads one value, or gives undefined when it is not one this reader is sure of. */
function scalar(text: string, from: number, to: number): ScalarValue | undefined {
  const first = text.charCodeAt(from);
  if (first === QUOTE) return quoted(text, from, to);
  if (first === DOUBLE_QUOTE) return doubleQuoted(text, from, to);
  return plain(text, from, to);
}

/** keyEnd: where a line's key (`[A-Za-z_][A-Za-z0-9_.-]*`) ends at its colon, or -1 when the line does not start with one */
function keyEnd(text: string, from: number, to: number): number {
  const first = text.charCodeAt(from);
  if (!((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a) || first === 0x5f)) return -1;
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON) return i;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2d)) return -1;
  }
  return -1;
}

/** readSimpleYaml reads a body's YAML when it is of the simple kind, else gives undefined. */
export function readSimpleYaml(text: string): Message | undefined {
  if (!text.startsWith('---\n')) return undefined;
  // a plain object (its properties fast to set and to write out); `__proto__` is left to the full parser
  const m: Message = {};
  let list: unknown[] | undefined;
  for (let at = 4; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const from = at;
    at = end + 1;
    if (text.charCodeAt(from) === 0x2d && text.charCodeAt(from + 1) === SPACE) {
      if (!list) return undefined;
      const v = scalar(text, from + 2, end);
      if (v === undefined) return undefined;
      list.push(v);
      continue;
    }
    // a key with no value and no items is null: leave it to the full parser
    if (list?.length === 0) return undefined;
    list = undefined;
    const colon = keyEnd(text, from, end);
    if (colon < 0) return undefined;
    const key = text.slice(from, colon);
    if (reservedWord(key) || key === '__proto__' || Object.hasOwn(m, key)) return undefined;
    if (colon + 1 === end) {
      list = [];
      m[key] = list;
      continue;
    }
    if (text.charCodeAt(colon + 1) !== SPACE) return undefined;
    const v = scalar(text, colon + 2, end);
    if (v === undefined) return undefined;
    m[key] = v;
  }
  return list?.length === 0 ? undefined : m;
}
