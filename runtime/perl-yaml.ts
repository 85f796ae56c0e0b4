import { hash } from 'node:crypto';
import type { Message } from './pipeline-api.js';
import { looksLikeNumber, str } from '../grammar/perl-values.js';

/*
 * YAML as the original's YAML::XS writes it, byte for byte: YAML::XS picks a
 * style per scalar (single quotes for text that would read back as something
 * else, a literal block for text with a line break longer than 30 bytes,
 * double quotes for shorter such text, plain otherwise), and libyaml's
 * emitter then checks that style against what the text holds, falls back,
 * indents and folds long lines at column 80. This follows libyaml 0.2.5's
 * emitter, state for state; test/fixtures/yaml-xs-vectors.jsonl holds what
 * the real YAML::XS wrote for thousands of messages. The original's checksum
 * and XMPP wire format are built on this text.
 */

const BEST_WIDTH = 80;
const RESERVED = new Set(['~', 'true', 'false', 'null']);
/** SIMPLE strings are plain for libyaml and never read as numbers (but for inf and nan, tested apart): the common case, decided fast. */
const SIMPLE = /^[A-Za-z_/][A-Za-z0-9 _./,()+=-]*$/;
const NUMBER_WORD = /^(?:inf(?:inity)?|[qs]?nan[qs]?)$/i;

/** The emitter's position: the text so far, its column, and libyaml's `whitespace`, `indention` and `open_ended` flags. */
interface Out {
  text: string;
  column: number;
  whitespace: boolean;
  indention: boolean;
  /** a `|+` block was the last block written, so the document ends with `...` */
  openEnded: boolean;
}

/** put writes one character. */
function put(o: Out, ch: string): void {
  o.text += ch;
  o.column++;
}

function writeIndent(o: Out, indent: number): void {
  if (!o.indention || o.column > indent || (o.column === indent && !o.whitespace)) {
    o.text += '\n';
    o.column = 0;
  }
  if (o.column < indent) {
    o.text += ' '.repeat(indent - o.column);
    o.column = indent;
  }
  o.whitespace = true;
  o.indention = true;
}

function writeIndicator(o: Out, indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
  if (needWhitespace && !o.whitespace) {
    put(o, ' ');
  }
  o.text += indicator;
  o.column += indicator.length;
  o.whitespace = isWhitespace;
  o.indention = o.indention && isIndention;
}

const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
/** libyaml's IS_PRINTABLE: line feed, ASCII graphics and space, and the BMP above 0xA0 but surrogates, BOM, 0xFFFE/0xFFFF (nothing past the BMP). */
const isPrintable = (c: number) => c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
const isBlankOrEnd = (c: number | undefined) => c === undefined || c === 0x20 || c === 0x09 || c === 0 || isBreak(c);

/** What libyaml's analysis allows for a scalar in block context. */
interface Allowed {
  multiline: boolean;
  plain: boolean;
  single: boolean;
  block: boolean;
}

const FIRST_INDICATORS = new Set([...'#,[]{}&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

/** analyze is libyaml's yaml_emitter_analyze_scalar, reduced to block context. */
function analyze(cps: readonly number[], s: string): Allowed {
  if (cps.length === 0) return { multiline: false, plain: true, single: true, block: false };
  let indicators = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const last = cps.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = cps[i];
    const followedByWhitespace = isBlankOrEnd(cps[i + 1]);
    if (i === 0) {
      if (FIRST_INDICATORS.has(c)) indicators = true;
      else if ((c === 0x3f || c === 0x3a || c === 0x2d) && followedByWhitespace) indicators = true;
    } else if ((c === 0x3a && followedByWhitespace) || (c === 0x23 && precededByWhitespace)) indicators = true;
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(c);
  }
  let plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || lineBreaks || indicators);
  let single = !breakSpace;
  let block = !trailingSpace;
  if (spaceBreak || special) plain = single = block = false;
  return { multiline: lineBreaks, plain, single, block };
}

/** The style YAML::XS asks for: quotes for what would read back as something else, a block for long text with a line feed. */
function requestedStyle(s: string): 'plain' | 'single' | 'double' | 'literal' {
  if (s === '' || RESERVED.has(s) || looksLikeNumber(s)) return 'single';
  if (s.includes('\n')) return Buffer.byteLength(s, 'utf8') > 30 ? 'literal' : 'double';
  return 'plain';
}

const ESCAPES: Record<number, string> = { 0: '0', 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 27: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0x2028: 'L', 0x2029: 'P' };

function escape(c: number): string {
  const e = ESCAPES[c];
  if (e !== undefined) return '\\' + e;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return '\\x' + hex.padStart(2, '0');
  if (c <= 0xffff) return '\\u' + hex.padStart(4, '0');
  return '\\U' + hex.padStart(8, '0');
}

function writePlain(o: Out, cps: readonly number[], indent: number, allowBreaks: boolean): void {
  if (!o.whitespace && cps.length > 0) {
    put(o, ' ');
  }
  let spaces = false;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    if (c === 0x20) {
      if (allowBreaks && !spaces && o.column > BEST_WIDTH && cps[i + 1] !== 0x20) writeIndent(o, indent);
      else {
        put(o, ' ');
      }
      spaces = true;
    } else {
      put(o, String.fromCodePoint(c));
      o.indention = false;
      spaces = false;
    }
  }
  o.whitespace = false;
  o.indention = false;
}

function writeBreak(o: Out, c: number): void {
  o.text += String.fromCodePoint(c);
  o.column = 0;
}

function writeSingleQuoted(o: Out, cps: readonly number[], indent: number, allowBreaks: boolean): void {
  writeIndicator(o, "'", true, false, false);
  let spaces = false;
  let breaks = false;
  const last = cps.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = cps[i];
    if (c === 0x20) {
      if (allowBreaks && !spaces && o.column > BEST_WIDTH && i !== 0 && i !== last && cps[i + 1] !== 0x20) writeIndent(o, indent);
      else {
        put(o, ' ');
      }
      spaces = true;
    } else if (isBreak(c)) {
      if (!breaks && c === 0x0a) writeBreak(o, 0x0a);
      writeBreak(o, c);
      o.indention = true;
      breaks = true;
    } else {
      if (breaks) writeIndent(o, indent);
      if (c === 0x27) {
        put(o, "'");
      }
      put(o, String.fromCodePoint(c));
      o.indention = false;
      spaces = false;
      breaks = false;
    }
  }
  if (breaks) writeIndent(o, indent);
  writeIndicator(o, "'", false, false, false);
  o.whitespace = false;
  o.indention = false;
}

function writeDoubleQuoted(o: Out, cps: readonly number[], indent: number, allowBreaks: boolean): void {
  writeIndicator(o, '"', true, false, false);
  let spaces = false;
  const last = cps.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = cps[i];
    if (!isPrintable(c) || isBreak(c) || c === 0x22 || c === 0x5c) {
      const e = escape(c);
      o.text += e;
      o.column += e.length;
      spaces = false;
    } else if (c === 0x20) {
      if (allowBreaks && !spaces && o.column > BEST_WIDTH && i !== 0 && i !== last) {
        writeIndent(o, indent);
        if (cps[i + 1] === 0x20) {
          put(o, '\\');
        }
      } else {
        put(o, ' ');
      }
      spaces = true;
    } else {
      put(o, String.fromCodePoint(c));
      spaces = false;
    }
  }
  writeIndicator(o, '"', false, false, false);
  o.whitespace = false;
  o.indention = false;
}

function writeLiteral(o: Out, cps: readonly number[], indent: number): void {
  writeIndicator(o, '|', true, false, false);
  if (cps[0] === 0x20 || isBreak(cps[0])) writeIndicator(o, '2', false, false, false);
  const n = cps.length;
  o.openEnded = false;
  if (n === 0 || !isBreak(cps[n - 1])) writeIndicator(o, '-', false, false, false);
  else if (n === 1 || isBreak(cps[n - 2])) {
    writeIndicator(o, '+', false, false, false);
    o.openEnded = true;
  }
  o.text += '\n';
  o.column = 0;
  o.indention = true;
  o.whitespace = true;
  let breaks = true;
  for (const c of cps) {
    if (isBreak(c)) {
      writeBreak(o, c);
      o.indention = true;
      breaks = true;
    } else {
      if (breaks) writeIndent(o, indent);
      put(o, String.fromCodePoint(c));
      o.indention = false;
      breaks = false;
    }
  }
}

function codePoints(s: string): number[] {
  const cps: number[] = [];
  for (const ch of s) cps.push(ch.codePointAt(0)!);
  return cps;
}

/** simple tells a string libyaml writes plain as it is but for folding: the common case, decided without the analysis. */
function simple(s: string): boolean {
  if (!SIMPLE.test(s) || s.charCodeAt(s.length - 1) === 32) return false;
  return s.length > 8 || (!RESERVED.has(s) && !NUMBER_WORD.test(s));
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** plainAscii is the analysis for printable ASCII on one line: plain unless spaces around it or an indicator. */
function plainAscii(s: string): boolean {
  const first = s.charCodeAt(0);
  if (first === 0x20 || s.charCodeAt(s.length - 1) === 0x20 || FIRST_INDICATORS.has(first)) return false;
  if ((first === 0x3f || first === 0x3a || first === 0x2d) && (s.length === 1 || s.charCodeAt(1) === 0x20)) return false;
  return !(s.startsWith('---') || s.startsWith('...') || s.includes(': ') || s.endsWith(':') || s.includes(' #'));
}

/** writeShort writes a scalar's text that cannot fold where it stands. */
function writeShort(o: Out, text: string): void {
  o.text += (o.whitespace ? '' : ' ') + text;
  o.column += text.length + (o.whitespace ? 0 : 1);
  o.whitespace = false;
  o.indention = false;
}

/**
 * writeScalar writes one scalar as libyaml does, `indent` being the scalar's
 * own (its parent's plus two), `simpleKey` whether it is a mapping key written
 * as `key:` (never folded, never a block). Numbers, null and short printable
 * ASCII text, nearly every scalar of a message, take a short way.
 */
function writeScalar(o: Out, v: unknown, indent: number, simpleKey: boolean): void {
  if (v === undefined || v === null) return writeShort(o, '~');
  if (typeof v === 'number' || v === true) return writeShort(o, str(v));
  const s = str(v);
  const room = simpleKey ? Infinity : BEST_WIDTH - o.column - 3;
  if (s.length < room && simple(s)) return writeShort(o, s);
  if (2 * s.length < room && PRINTABLE_ASCII.test(s)) {
    return writeShort(o, requestedStyle(s) === 'plain' && plainAscii(s) ? s : `'${s.replace(/'/g, "''")}'`);
  }
  const cps = codePoints(s);
  const allowed = analyze(cps, s);
  let style = requestedStyle(s);
  if (simpleKey && allowed.multiline) style = 'double';
  if (style === 'plain' && (!allowed.plain || (cps.length === 0 && simpleKey))) style = 'single';
  if (style === 'single' && !allowed.single) style = 'double';
  if (style === 'literal' && (!allowed.block || simpleKey)) style = 'double';
  const allowBreaks = !simpleKey;
  if (style === 'plain') writePlain(o, cps, indent, allowBreaks);
  else if (style === 'single') writeSingleQuoted(o, cps, indent, allowBreaks);
  else if (style === 'double') writeDoubleQuoted(o, cps, indent, allowBreaks);
  else writeLiteral(o, cps, indent);
}

/** simpleKeyAllowed is libyaml's check for writing a key as `key:`: at most 128 bytes, on one line. */
function simpleKeyAllowed(k: string): boolean {
  if (SIMPLE.test(k) && k.length <= 128) return true;
  if (Buffer.byteLength(k, 'utf8') > 128) return false;
  return !analyze(codePoints(k), k).multiline;
}

const SURROGATE = /[\ud800-\udfff]/;

/** sortedKeys sorts as Perl's sort does: by code point (UTF-16 order differs only past the BMP); few fields, where an insertion sort is faster. */
function sortedKeys(m: object, skip?: ReadonlySet<string>): string[] {
  const keys = Object.keys(m).filter((k) => (m as Record<string, unknown>)[k] !== undefined && !(skip !== undefined && skip.has(k)));
  if (keys.some((k) => SURROGATE.test(k))) return keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  if (keys.length > 24) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) keys[j + 1] = keys[j];
    keys[j + 1] = k;
  }
  return keys;
}

function writeMapping(o: Out, m: Record<string, unknown>, indent: number, skip?: ReadonlySet<string>): void {
  const keys = sortedKeys(m, skip);
  if (keys.length === 0) {
    writeIndicator(o, '{}', true, false, false);
    return;
  }
  for (const k of keys) {
    writeIndent(o, indent);
    if (simpleKeyAllowed(k)) {
      writeScalar(o, k, indent + 2, true);
      writeIndicator(o, ':', false, false, false);
    } else {
      writeIndicator(o, '?', true, false, true);
      writeScalar(o, k, indent + 2, false);
      writeIndent(o, indent);
      writeIndicator(o, ':', true, false, true);
    }
    writeNode(o, m[k], indent, true);
  }
}

function writeSequence(o: Out, items: readonly unknown[], indent: number): void {
  if (items.length === 0) {
    writeIndicator(o, '[]', true, false, false);
    return;
  }
  for (const item of items) {
    writeIndent(o, indent);
    writeIndicator(o, '-', true, false, true);
    writeNode(o, item, indent, false);
  }
}

/** writeNode writes a value under a parent at `parentIndent`; a list under a `key:` is not indented (but under a `? key`), as libyaml writes it. */
function writeNode(o: Out, v: unknown, parentIndent: number, inMapping: boolean): void {
  if (Array.isArray(v)) writeSequence(o, v, inMapping && !o.indention ? parentIndent : parentIndent + 2);
  else if (v !== null && typeof v === 'object') writeMapping(o, v as Record<string, unknown>, parentIndent + 2);
  else writeScalar(o, v, parentIndent + 2, false);
}

function dump(m: Message, skip?: ReadonlySet<string>): string {
  const o: Out = { text: '---', column: 3, whitespace: false, indention: false, openEnded: false };
  writeMapping(o, m, 0, skip);
  writeIndent(o, 0);
  if (o.openEnded) o.text += '...\n';
  return o.text;
}

/** dumpPerlYaml writes a message as YAML::XS would. */
export function dumpPerlYaml(m: Message): string {
  return dump(m);
}

/** CHECKSUM_EXCLUDED are the fields the original leaves out of a message's checksum, so one event has one checksum; and wubot's own id. */
const CHECKSUM_EXCLUDED = new Set(['lastupdate', 'status_since', 'status_count', 'wubot_rulelog', 'mailbox', 'coalesce', 'wubot_id']);

/**
 * checksum is the original's: the MD5 of the message's YAML without the
 * fields that change between repeats, its UTF-8 encoded a second time (the
 * original encodes YAML::XS's UTF-8 output again before hashing). A message
 * gets one only when it has no true `checksum`, and a false one it has is
 * part of the text, as in the original.
 */
export function checksum(m: Message): string {
  const once = Buffer.from(dump(m, CHECKSUM_EXCLUDED), 'utf8');
  return hash('md5', Buffer.from(once.toString('latin1'), 'utf8'), 'hex');
}
