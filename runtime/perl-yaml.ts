import { hash } from 'node:crypto';
import type { Message } from './pipeline-api.js';

/*
 * YAML as the original's YAML::XS writes it (libyaml's emitter): `---`, keys
 * sorted, plain scalars where libyaml allows them, single quotes for strings
 * that would read back as something else, `|-` blocks for multi-line text,
 * and plain scalars folded at spaces past column 80. The original's checksum
 * and XMPP wire format are built on this text.
 */

const WIDTH = 80;
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
const LOOKS_LIKE_NUMBER = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)\s*$/i;
const RESERVED = new Set(['~', 'true', 'false', 'null']);
/** SIMPLE strings are plain for libyaml and never read as numbers (but for inf and nan, tested apart): the common case, decided fast. */
const SIMPLE = /^[A-Za-z_/][A-Za-z0-9 _./,()+=-]*$/;
const NUMBER_WORD = /^(?:inf(?:inity)?|nan)$/i;

function simple(s: string): boolean {
  if (!SIMPLE.test(s) || s.charCodeAt(s.length - 1) === 32) return false;
  // only short words can be reserved or read as inf/nan
  return s.length > 8 || (!RESERVED.has(s) && !NUMBER_WORD.test(s));
}

/** Characters libyaml will not write as they are: controls (but tab, line feed, NEL), BOM, non-characters, lone surrogates. */
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function printable(s: string): boolean {
  return !UNPRINTABLE.test(s);
}

/** plainAllowed is libyaml's test for writing a string without quotes in block context. */
function plainAllowed(s: string): boolean {
  if (s === '' || s.includes('\n') || !printable(s)) return false;
  if (INDICATOR_START.test(s) && !(/^[-?:][^ \t]/.test(s) && s.length > 1)) return false;
  if (/^\s|\s$/.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':') || s.includes('\t')) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  return true;
}

/** fold writes words, replacing a single space by a line break and `indent` when the line is past the width. */
function fold(text: string, column: number, indent: string): string {
  if (column + text.length <= WIDTH + 1) return text;
  let out = '';
  let col = column;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ' && col > WIDTH && text[i - 1] !== ' ' && text[i + 1] !== ' ' && i + 1 < text.length) {
      out += '\n' + indent;
      col = indent.length;
      continue;
    }
    out += ch;
    col++;
  }
  return out;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c === 0xfeff) out += '\\uFEFF';
    else out += ch;
  }
  return out + '"';
}

function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf';
  return String(Number(n.toPrecision(15)));
}

/** scalar writes one scalar value whose first character lands at `column`, continuing lines with `indent`. */
function scalar(v: unknown, column: number, indent: string): string {
  if (v === undefined || v === null) return '~';
  if (typeof v === 'number') return numberText(v);
  if (v === true) return '1';
  if (v === false) return "''";
  const s = String(v);
  if (simple(s)) return fold(s, column, indent);
  if (s === '' || RESERVED.has(s) || LOOKS_LIKE_NUMBER.test(s)) return `'${s.replace(/'/g, "''")}'`;
  if (s.includes('\n')) {
    if (s.endsWith('\n') || !printable(s) || /^ /.test(s) || / \n/.test(s)) return doubleQuoted(s);
    return '|-\n' + s.split('\n').map((l) => (l === '' ? '' : indent + l)).join('\n');
  }
  if (plainAllowed(s)) return fold(s, column, indent);
  if (!printable(s)) return doubleQuoted(s);
  return fold(`'${s.replace(/'/g, "''")}'`, column, indent);
}

/** Field names repeat from message to message, so how each is written is remembered (up to a bound). */
const keyText = new Map<string, string>();

function key(k: string): string {
  let text = keyText.get(k);
  if (text === undefined) {
    text = simple(k) || (plainAllowed(k) && !LOOKS_LIKE_NUMBER.test(k) && !RESERVED.has(k)) ? k : `'${k.replace(/'/g, "''")}'`;
    if (keyText.size < 10_000) keyText.set(k, text);
  }
  return text;
}

/** sortedKeys sorts as Array.prototype.sort does; messages have few fields, where an insertion sort is several times faster. */
function sortedKeys(m: object): string[] {
  const keys = Object.keys(m);
  if (keys.length > 24) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) keys[j + 1] = keys[j];
    keys[j + 1] = k;
  }
  return keys;
}

function mapping(m: Record<string, unknown>, indent: string, skip?: ReadonlySet<string>): string {
  let out = '';
  for (const k of sortedKeys(m)) {
    const v = m[k];
    if (v === undefined || (skip !== undefined && skip.has(k))) continue;
    const head = `${indent}${key(k)}:`;
    out += (out === '' ? '' : '\n') + head + node(v, indent, head.length + 1);
  }
  return out;
}

function node(v: unknown, indent: string, column: number): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return '\n' + v.map((item) => `${indent}-${node(item, indent + '  ', indent.length + 2)}`).join('\n');
  }
  if (v !== null && typeof v === 'object') {
    if (Object.keys(v).length === 0) return ' {}';
    return '\n' + mapping(v as Record<string, unknown>, indent + '  ');
  }
  return ' ' + scalar(v, column, indent + '  ');
}

/** dumpPerlYaml writes a message as YAML::XS would. */
export function dumpPerlYaml(m: Message): string {
  return `---\n${mapping(m, '')}\n`;
}

/** CHECKSUM_EXCLUDED are the fields the original leaves out of a message's checksum, so one event has one checksum. */
const CHECKSUM_EXCLUDED = new Set(['lastupdate', 'status_since', 'status_count', 'wubot_rulelog', 'mailbox', 'coalesce', 'checksum', 'wubot_id']);

/** checksum is the original's: the MD5 of the message's YAML (UTF-8), without the fields that change between repeats. */
export function checksum(m: Message): string {
  return hash('md5', `---\n${mapping(m, '', CHECKSUM_EXCLUDED)}\n`, 'hex');
}
