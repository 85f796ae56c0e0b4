/*
 * Translation of Perl regular expressions (as written in wubot configs) into
 * JavaScript RegExp sources with the same meaning on Unicode text. What
 * JavaScript cannot express identically is refused with the offset of the
 * construct, never approximated.
 */

import { PERL_SPACE as SPACE, PERL_WORD as WORD } from '../grammar/perl-classes.js';

const HSPACE = '\\t \\xA0\\u1680\\u2000-\\u200A\\u202F\\u205F\\u3000';
const VSPACE = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

const POSIX: Record<string, string> = {
  alpha: '\\p{Alphabetic}',
  digit: '\\p{Nd}',
  alnum: '\\p{Alphabetic}\\p{Nd}',
  upper: '\\p{Uppercase}',
  lower: '\\p{Lowercase}',
  space: SPACE,
  blank: HSPACE,
  xdigit: '0-9A-Fa-f',
  word: WORD,
  cntrl: '\\p{Cc}',
};

/** Options of a Perl match: `/i` and `/s`. */
export interface PerlRegexOptions {
  readonly icase?: boolean;
  readonly dotall?: boolean;
}

/** The result of a translation: a RegExp source and flags, or where and why it failed. */
export type TranslatedRegex =
  | { ok: true; source: string; flags: string }
  | { ok: false; unsupported: boolean; offset: number; length: number; message: string };

class Refused extends Error {
  constructor(
    readonly offset: number,
    readonly length: number,
    message: string,
  ) {
    super(message);
  }
}

function lit(c: string): string {
  if (SYNTAX.has(c)) return '\\' + c;
  const cp = c.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x2028 && cp <= 0x2029)) return `\\u{${cp.toString(16)}}`;
  return c;
}

function codePoint(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * groupShape scans a group from its `(` and returns where its alternatives
 * start and end, or undefined for lookarounds and other special groups.
 */
function groupShape(src: string, open: number): { alts: [number, number][]; close: number } | undefined {
  let start = open + 1;
  if (src[start] === '?') {
    if (src[start + 1] !== ':') return undefined;
    start += 2;
  }
  const alts: [number, number][] = [];
  let altStart = start;
  let depth = 0;
  for (let k = start; k < src.length; k++) {
    const c = src[k];
    if (c === '\\') k++;
    else if (c === '[') {
      k++;
      if (src[k] === '^') k++;
      if (src[k] === ']') k++;
      while (k < src.length && src[k] !== ']') k += src[k] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) {
        alts.push([altStart, k]);
        return { alts, close: k };
      }
      depth--;
    } else if (c === '|' && depth === 0) {
      alts.push([altStart, k]);
      altStart = k + 1;
    }
  }
  return undefined;
}

/** startsWithWord tells whether whatever matches at `pos` surely begins with a word character. */
function startsWithWord(src: string, pos: number): boolean {
  const c = src[pos];
  if (c === undefined) return false;
  if (c === '(') {
    const g = groupShape(src, pos);
    if (!g || /[?*{]/.test(src[g.close + 1] ?? '')) return false;
    return g.alts.every(([a, b]) => b > a && startsWithWord(src, a));
  }
  return WORD_CHAR.test(c) && !/[?*{]/.test(src[pos + 1] ?? '');
}

/** groupEndsWithWord tells whether every alternative of the group at `open` ends with a literal word character. */
function groupEndsWithWord(src: string, open: number): boolean {
  const g = groupShape(src, open);
  return !!g && g.alts.every(([a, b]) => b > a && WORD_CHAR.test(src[b - 1]) && src[b - 2] !== '\\');
}

class Translator {
  private i = 0;
  private out = '';
  /** open groups: the source offset of each `(`, or -1 for lookarounds */
  private groups: number[] = [];
  /** what the last atom was, for simplifying a following `\b` */
  private last: 'word' | number | undefined;
  private icase: boolean;
  private dotall: boolean;
  private multiline = false;

  constructor(
    private readonly src: string,
    opts: PerlRegexOptions,
  ) {
    this.icase = !!opts.icase;
    this.dotall = !!opts.dotall;
  }

  run(): { source: string; flags: string } {
    this.leadingFlags();
    while (this.i < this.src.length) this.atom();
    return { source: this.out, flags: this.icase ? 'iu' : 'u' };
  }

  private refuse(length: number, message: string): never {
    throw new Refused(this.i, length, message);
  }

  /** A leading `(?i)`, `(?s)` or `(?m)` applies to the whole pattern and can become flags. */
  private leadingFlags(): void {
    const m = /^\(\?([imsx]+)\)/.exec(this.src);
    if (!m) return;
    if (m[1].includes('x')) this.refuse(m[0].length, 'the `x` modifier (extended syntax) is not supported');
    if (m[1].includes('i')) this.icase = true;
    if (m[1].includes('s')) this.dotall = true;
    if (m[1].includes('m')) this.multiline = true;
    this.i = m[0].length;
  }

  private atom(): void {
    const c = this.src[this.i];
    const before = this.out.length;
    const wasGroupClose = c === ')';
    this.atomBody(c);
    if (!wasGroupClose && this.out.length !== before && !(c === '\\' && this.src[this.i - 1] === 'b')) {
      this.last = c !== '\\' && WORD_CHAR.test(c) && this.out.length - before === 1 ? 'word' : undefined;
    }
  }

  private atomBody(c: string): void {
    switch (c) {
      case '\\':
        this.escapeOutside();
        return;
      case '[':
        this.charClass();
        return;
      case '(':
        this.groupOpen();
        return;
      case '.':
        this.out += this.dotall ? '[\\s\\S]' : '[^\\n]';
        this.i++;
        return;
      case '^':
        this.out += this.multiline ? '(?:(?<![\\s\\S])|(?<=\\n))' : '^';
        this.i++;
        return;
      case '$':
        this.out += this.multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
        this.i++;
        return;
      case '*':
      case '+':
      case '?':
        this.out += c;
        this.i++;
        this.quantifierSuffix();
        return;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        if (m) {
          this.out += m[0];
          this.i += m[0].length;
          this.quantifierSuffix();
        } else if (/^\{,\d+\}/.test(this.src.slice(this.i))) {
          this.refuse(1, '`{,n}` means different things in different Perl versions; write `{0,n}`');
        } else {
          this.out += '\\{';
          this.i++;
        }
        return;
      }
      case ')': {
        const open = this.groups.pop();
        this.out += c;
        this.i++;
        this.last = open !== undefined && open >= 0 ? open : undefined;
        return;
      }
      case '|':
        this.out += c;
        this.i++;
        return;
      default: {
        const cp = this.src.codePointAt(this.i)!;
        const ch = String.fromCodePoint(cp);
        this.out += lit(ch);
        this.i += ch.length;
      }
    }
  }

  private quantifierSuffix(): void {
    const n = this.src[this.i];
    if (n === '+') this.refuse(1, 'possessive quantifiers (`*+`, `++`, `?+`) have no JavaScript equivalent');
    if (n === '?') {
      this.out += '?';
      this.i++;
    }
  }

  private groupOpen(): void {
    const rest = this.src.slice(this.i);
    let m: RegExpExecArray | null;
    if (rest.startsWith('(*')) this.refuse(2, 'backtracking control verbs `(*…)` are not supported');
    if (!rest.startsWith('(?')) {
      this.groups.push(this.i);
      this.out += '(';
      this.i++;
      return;
    }
    if ((m = /^\(\?(:|=|!|<=|<!)/.exec(rest))) {
      this.groups.push(m[1] === ':' ? this.i : -1);
      this.out += m[0];
      this.i += m[0].length;
      return;
    }
    if ((m = /^\(\?(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/.exec(rest))) {
      this.groups.push(-1);
      this.out += `(?<${m[1]}>`;
      this.i += m[0].length;
      return;
    }
    if ((m = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) {
      this.out += `\\k<${m[1]}>`;
      this.i += m[0].length;
      return;
    }
    if ((m = /^\(\?#[^)]*\)/.exec(rest))) {
      this.i += m[0].length;
      return;
    }
    if (rest.startsWith('(?>')) this.refuse(3, 'atomic groups `(?>…)` have no JavaScript equivalent');
    if (rest.startsWith('(?|')) this.refuse(3, 'branch reset groups `(?|…)` are not supported');
    if (/^\(\?[\^a-z-]*[:)]/.test(rest)) {
      this.refuse(2, 'inline modifiers are supported only at the very start of the pattern, as `(?i)`');
    }
    this.refuse(2, 'this group syntax (recursion, conditionals, subroutine calls) is not supported');
  }

  /**
   * wordBoundary translates `\b`. Next to an atom that surely matches a word
   * character, a boundary only needs to look at the other side; that form
   * lets the regex engine scan for the literal and is much faster.
   */
  private wordBoundary(): string {
    if (startsWithWord(this.src, this.i + 2)) return `(?<![${WORD}])`;
    const last = this.last;
    if (last === 'word' || (typeof last === 'number' && groupEndsWithWord(this.src, last))) return `(?![${WORD}])`;
    return `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
  }

  private escapeOutside(): void {
    const n = this.src[this.i + 1];
    if (n === undefined) this.refuse(1, 'the pattern ends with a lone backslash');
    const simple: Record<string, string> = {
      d: '\\p{Nd}',
      D: '\\P{Nd}',
      w: `[${WORD}]`,
      W: `[^${WORD}]`,
      s: `[${SPACE}]`,
      S: `[^${SPACE}]`,
      h: `[${HSPACE}]`,
      H: `[^${HSPACE}]`,
      v: `[${VSPACE}]`,
      V: `[^${VSPACE}]`,
      B: `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`,
      A: '(?<![\\s\\S])',
      z: '(?![\\s\\S])',
      Z: '(?=\\n?(?![\\s\\S]))',
    };
    if (n === 'b') {
      this.out += this.wordBoundary();
      this.i += 2;
      return;
    }
    if (n in simple) {
      this.out += simple[n];
      this.i += 2;
      return;
    }
    // \Q…\E, \u, \l, \U and \L act only in a regex literal; a config's pattern reaches Perl as a variable's text, where they are letters
    if ('QEulUL'.includes(n)) {
      this.out += n;
      this.i += 2;
      return;
    }
    if (/[1-9]/.test(n)) {
      const m = /^\\(\d+)/.exec(this.src.slice(this.i))!;
      this.out += `\\${m[1]}`;
      this.i += m[0].length;
      return;
    }
    const g = /^\\g\{?(\d+)\}?/.exec(this.src.slice(this.i));
    if (g) {
      this.out += `\\${g[1]}`;
      this.i += g[0].length;
      return;
    }
    const k = /^\\k(?:<([A-Za-z_]\w*)>|\{([A-Za-z_]\w*)\}|'([A-Za-z_]\w*)')/.exec(this.src.slice(this.i));
    if (k) {
      this.out += `\\k<${k[1] ?? k[2] ?? k[3]}>`;
      this.i += k[0].length;
      return;
    }
    if ('GKRXCgkN'.includes(n) && !this.src.startsWith('\\N{U+', this.i)) {
      if (n === 'N' && this.src[this.i + 2] !== '{') {
        this.out += '[^\\n]';
        this.i += 2;
        return;
      }
      this.refuse(2, `\`\\${n}\` has no exact JavaScript equivalent`);
    }
    this.out += this.charEscape();
  }

  /** charEscape reads an escape that stands for one character or a property, the same inside and outside classes. */
  private charEscape(): string {
    const rest = this.src.slice(this.i);
    const n = rest[1];
    const named: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, e: 27, a: 7 };
    let m: RegExpExecArray | null;
    if (n in named) {
      this.i += 2;
      return codePoint(named[n]);
    }
    if ((m = /^\\x\{([0-9A-Fa-f]+)\}/.exec(rest)) || (m = /^\\N\{U\+([0-9A-Fa-f]+)\}/.exec(rest))) {
      this.i += m[0].length;
      return codePoint(parseInt(m[1], 16));
    }
    if ((m = /^\\x([0-9A-Fa-f]{0,2})/.exec(rest))) {
      this.i += m[0].length;
      return codePoint(m[1] ? parseInt(m[1], 16) : 0);
    }
    if ((m = /^\\0([0-7]{0,2})/.exec(rest)) || (m = /^\\o\{([0-7]+)\}/.exec(rest))) {
      this.i += m[0].length;
      return codePoint(m[1] ? parseInt(m[1], 8) : 0);
    }
    if ((m = /^\\c([@-_a-z?])/.exec(rest))) {
      this.i += m[0].length;
      const ch = m[1].toUpperCase();
      return codePoint(ch === '?' ? 127 : ch.charCodeAt(0) ^ 64);
    }
    if ((m = /^\\([pP])(?:\{(\^?)([A-Za-z_ =:-]+)\}|([A-Za-z]))/.exec(rest))) {
      this.i += m[0].length;
      const negate = (m[1] === 'P') !== (m[2] === '^');
      return `\\${negate ? 'P' : 'p'}{${(m[3] ?? m[4]).replace(/^Is|^In/, '')}}`;
    }
    if (n === 'N') this.refuse(2, 'named characters `\\N{name}` are not supported; write `\\N{U+XXXX}`');
    if (/[A-Za-z]/.test(n)) this.refuse(2, `\`\\${n}\` is not a Perl escape`);
    const cp = rest.codePointAt(1)!;
    this.i += 1 + String.fromCodePoint(cp).length;
    return lit(String.fromCodePoint(cp));
  }

  private charClass(): void {
    const start = this.i;
    this.i++;
    let body = '';
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) {
        this.i = start;
        this.refuse(1, 'the character class `[` is never closed');
      }
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i));
        if (m) {
          const cls = POSIX[m[2]];
          if (!cls || m[1]) this.refuse(m[0].length, `the POSIX class \`${m[0]}\` is not supported`);
          body += cls;
          this.i += m[0].length;
          continue;
        }
        body += '\\[';
        this.i++;
        continue;
      }
      if (c === '\\') {
        const n = this.src[this.i + 1];
        const inner: Record<string, string> = { d: '\\p{Nd}', D: '\\P{Nd}', w: WORD, s: SPACE, h: HSPACE, v: VSPACE };
        if (n in inner) {
          body += inner[n];
          this.i += 2;
          continue;
        }
        if ('WSHV'.includes(n)) this.refuse(2, `\`\\${n}\` inside a character class has no exact JavaScript equivalent`);
        if (n === 'b') {
          body += '\\x08';
          this.i += 2;
          continue;
        }
        body += this.charEscape();
        continue;
      }
      const cp = this.src.codePointAt(this.i)!;
      const ch = String.fromCodePoint(cp);
      body += ch === '-' ? '-' : ch === ']' || ch === '^' ? '\\' + ch : lit(ch);
      this.i += ch.length;
    }
    this.out += `[${negated ? '^' : ''}${body}]`;
  }
}

/** translatePerlRegex turns a Perl pattern into a JavaScript RegExp source and flags with the same meaning. */
export function translatePerlRegex(src: string, opts: PerlRegexOptions = {}): TranslatedRegex {
  let result: { source: string; flags: string };
  try {
    result = new Translator(src, opts).run();
  } catch (e) {
    if (e instanceof Refused) return { ok: false, unsupported: true, offset: e.offset, length: e.length, message: e.message };
    throw e;
  }
  try {
    new RegExp(result.source, result.flags);
  } catch (e) {
    const msg = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return { ok: false, unsupported: false, offset: 0, length: src.length, message: msg };
  }
  return { ok: true, ...result };
}

const cache = new Map<string, RegExp>();

/** perlRegex compiles a Perl pattern once per pattern and options; it throws if the pattern was not checked. */
export function perlRegex(src: string, opts: PerlRegexOptions = {}): RegExp {
  const key = `${opts.icase ? 'i' : ''}${opts.dotall ? 's' : ''}:${src}`;
  let re = cache.get(key);
  if (!re) {
    const t = translatePerlRegex(src, opts);
    if (!t.ok) throw new Error(`regex ${JSON.stringify(src)}: ${t.message}`);
    re = new RegExp(t.source, t.flags);
    cache.set(key, re);
  }
  return re;
}
