/*
 * Translation of Perl regular expressions (as written in wubot configs) into
 * two forms with the same meaning on Unicode text: one for RE2, the
 * linear-time engine, and one for JavaScript's backtracking RegExp, for what
 * only a backtracking engine can run (backreferences, lookaround, atomic
 * groups). What neither can express identically is refused with the offset
 * of the construct, never approximated.
 */

import RE2 from 're2';
import { PERL_SPACE as SPACE, PERL_WORD as WORD } from './perl-classes.js';

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

/** Where in the pattern a construct is, and what about it. */
export interface RegexNote {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
}

/** EngineForm is a pattern for one engine; groups[k] is the engine's number of Perl's group k. */
export interface EngineForm {
  readonly source: string;
  readonly flags: string;
  readonly groups: readonly number[];
}

/**
 * Re2Form is the RE2 form. `newline` lists the groups that hold the line
 * break a final `$` consumed (RE2 has no lookahead), which is not part of
 * Perl's match; with `asciiWords`, `\b` or `\B` in it are RE2's ASCII ones,
 * exact only on text without a non-ASCII word character.
 */
export interface Re2Form extends EngineForm {
  readonly newline: readonly number[];
  readonly asciiWords: boolean;
}

/**
 * The result of a translation: the forms, with `backtrack` saying why the
 * pattern needs the backtracking engine (always, or with `re2.asciiWords` on
 * non-ASCII text), or where and why it failed.
 */
export type TranslatedRegex =
  | { ok: true; groupCount: number; js?: EngineForm; re2?: Re2Form; backtrack?: RegexNote; shape: RegexShape; compiled?: RE2 }
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

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
}

interface OpenGroup {
  /** the source offset of a plain or `(?:` group, -1 for others (for `\b` next to it) */
  readonly open: number;
  readonly capture: boolean;
  /** what ends the group in JavaScript and in RE2 */
  readonly close: readonly [string, string];
  readonly flags: Flags;
  readonly start: AtomStart;
  readonly quantifiers: number;
  readonly alternations: number;
}

/**
 * RegexShape bounds what a backtracking engine can do with a pattern:
 * without nested quantifiers (a quantifier on a group holding a quantifier
 * or an alternation) or backreferences, it tries at most
 * 2^alternations * (n+1)^quantifiers paths from each of the n+1 starts of a
 * text of n characters.
 */
export interface RegexShape {
  readonly quantifiers: number;
  readonly alternations: number;
  readonly nested: boolean;
  readonly backrefs: number;
}

/** where an atom began in both outputs, for quantifiers that wrap it */
interface AtomStart {
  readonly js: number;
  readonly jsGroups: number;
  readonly backrefs: number;
}

const PATTERN_SPACE = /[\t\n\x0B\f\r \x85\u200E\u200F\u2028\u2029]/;
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

/** classEnd is the offset of the `]` that closes the character class opened at `open`. */
function classEnd(src: string, open: number): number {
  let k = open + 1;
  if (src[k] === '^') k++;
  if (src[k] === ']') k++;
  while (k < src.length && src[k] !== ']') {
    const posix = src.startsWith('[:', k) ? src.indexOf(':]', k) : -1;
    k = src[k] === '\\' ? k + 2 : posix > 0 ? posix + 2 : k + 1;
  }
  return k;
}

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
    else if (c === '[') k = classEnd(src, k);
    else if (c === '(') depth++;
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
  private js = '';
  private re2 = '';
  private jsWhy?: RegexNote;
  private re2Why?: RegexNote;
  private asciiWords = false;
  private groups: OpenGroup[] = [];
  private perlGroups = 0;
  private jsGroups = 0;
  private re2Groups = 0;
  private readonly jsMap = [0];
  private readonly re2Map = [0];
  private readonly newline: number[] = [];
  private backrefs = 0;
  /** Perl groups a backreference named before they were opened */
  private readonly forwardRefs: number[] = [];
  private atomStart?: AtomStart;
  /** what the last atom was, for simplifying a following `\b` */
  private last: 'word' | number | undefined;
  private flags: Flags;
  /** the `i` flag of the whole pattern, as both engines take it */
  private baseIcase: boolean;

  constructor(
    private readonly src: string,
    opts: PerlRegexOptions,
  ) {
    this.baseIcase = !!opts.icase;
    this.flags = { i: this.baseIcase, s: !!opts.dotall, m: false, x: false };
  }

  run(): TranslatedRegex {
    while (this.i < this.src.length) {
      if (this.flags.x && this.skipExtended()) continue;
      this.atom();
    }
    for (const n of this.forwardRefs) {
      if (this.jsMap[n] !== n) this.noJs(0, 'a backreference to a later group, with an atomic group before it');
    }
    const flags = (this.baseIcase ? 'i' : '') + 'u';
    const js = this.jsWhy ? undefined : { source: this.js, flags, groups: this.jsMap };
    const re2 = this.re2Why ? undefined : { source: this.re2, flags, groups: this.re2Map, newline: this.newline, asciiWords: this.asciiWords };
    if (!js && (!re2 || re2.asciiWords)) throw new Refused(this.jsWhy!.offset, this.jsWhy!.length, this.jsWhy!.message);
    const backtrack = this.re2Why ?? (this.asciiWords ? this.asciiWordsNote : undefined);
    const shape = { quantifiers: this.quantifiers, alternations: this.alternations, nested: this.nested, backrefs: this.backrefs };
    return { ok: true, groupCount: this.perlGroups, js, re2, backtrack, shape };
  }

  private quantifiers = 0;
  private alternations = 0;
  private nested = false;
  /** what the group that closed last held, while it is the last atom */
  private lastGroup?: { quantifiers: number; alternations: number };

  private asciiWordsNote?: RegexNote;

  private refuse(length: number, message: string): never {
    throw new Refused(this.i, length, message);
  }

  private noRe2(length: number, message: string): void {
    this.re2Why ??= { offset: this.i, length, message };
  }

  private noJs(length: number, message: string): void {
    this.jsWhy ??= { offset: this.i, length, message };
  }

  private emit(js: string, re2: string = js): void {
    this.js += js;
    this.re2 += re2;
  }

  /** skipExtended skips the white space and `#` comments of `(?x)`; it tells whether it skipped any. */
  private skipExtended(): boolean {
    const c = this.src[this.i];
    if (c === '#') {
      const nl = this.src.indexOf('\n', this.i);
      this.i = nl < 0 ? this.src.length : nl + 1;
      return true;
    }
    if (PATTERN_SPACE.test(c)) {
      this.i++;
      return true;
    }
    return false;
  }

  private atom(): void {
    const c = this.src[this.i];
    const before = this.js.length;
    const start: AtomStart = { js: this.js.length, jsGroups: this.jsGroups, backrefs: this.backrefs };
    const quantifier = '*+?{'.includes(c) && this.isQuantifier();
    this.atomBody(c);
    if (quantifier) {
      this.quantifiers++;
      if (this.lastGroup && (this.lastGroup.quantifiers > 0 || this.lastGroup.alternations > 0)) this.nested = true;
    }
    if (c === '|') this.alternations++;
    if (c !== ')' && !quantifier) this.lastGroup = undefined;
    if (!quantifier && c !== ')' && c !== '|' && c !== '(') this.atomStart = start;
    if (c === '|') this.atomStart = undefined;
    if (c !== ')' && this.js.length !== before && !(c === '\\' && this.src[this.i - 1] === 'b')) {
      this.last = c !== '\\' && WORD_CHAR.test(c) && this.js.length - before === 1 ? 'word' : undefined;
    }
  }

  private isQuantifier(): boolean {
    return this.src[this.i] !== '{' || /^\{(\d+(,\d*)?|,\d+)\}/.test(this.src.slice(this.i));
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
        this.emit(this.flags.s ? '[\\s\\S]' : '[^\\n]');
        this.i++;
        return;
      case '^':
        if (this.flags.m) this.emit('(?:(?<![\\s\\S])|(?<=\\n))', '(?m:^)');
        else this.emit('^');
        this.i++;
        return;
      case '$':
        this.dollar(1);
        return;
      case '*':
      case '+':
      case '?':
        this.emit(c);
        this.i++;
        this.quantifierSuffix();
        return;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        const upTo = /^\{,(\d+)\}/.exec(this.src.slice(this.i));
        if (m) {
          this.emit(m[0]);
          this.i += m[0].length;
          this.quantifierSuffix();
        } else if (upTo) {
          // Perl 5.34 and later, which the original runs on, read `{,n}` as `{0,n}`
          this.emit(`{0,${upTo[1]}}`);
          this.i += upTo[0].length;
          this.quantifierSuffix();
        } else {
          this.emit('\\{');
          this.i++;
        }
        return;
      }
      case ')':
        this.groupClose();
        return;
      case '|':
        this.emit(c);
        this.i++;
        return;
      default: {
        const cp = this.src.codePointAt(this.i)!;
        const ch = String.fromCodePoint(cp);
        this.emit(lit(ch));
        this.i += ch.length;
      }
    }
  }

  /**
   * dollar translates `$` (and `\Z`): before a final line break or at the
   * end. RE2 has no lookahead, so where nothing follows it in the pattern
   * and no group captures it, it consumes that line break into a group of
   * its own, which the matcher takes off Perl's match.
   */
  private dollar(length: number): void {
    if (this.flags.m && length === 1) {
      this.emit('(?=\\n|(?![\\s\\S]))', '(?m:$)');
      this.i += length;
      return;
    }
    if (this.groups.some((g) => g.capture) || !this.isFinal(this.i + length)) {
      this.noRe2(length, '`$` with more pattern after it or inside a capture group needs lookahead');
      this.emit('(?=\\n?(?![\\s\\S]))', '');
    } else {
      this.re2Groups++;
      this.newline.push(this.re2Groups);
      this.emit('(?=\\n?(?![\\s\\S]))', '(\\n?)\\z');
    }
    this.i += length;
  }

  /** isFinal tells whether nothing can be matched after `pos`: only group ends (not quantified) and other alternatives follow. */
  private isFinal(pos: number): boolean {
    const src = this.src;
    let k = pos;
    for (;;) {
      while (this.flags.x && k < src.length && (PATTERN_SPACE.test(src[k]) || src[k] === '#')) {
        if (src[k] === '#') {
          const nl = src.indexOf('\n', k);
          k = nl < 0 ? src.length : nl + 1;
        } else k++;
      }
      if (src.startsWith('(?#', k)) {
        const end = src.indexOf(')', k);
        k = end < 0 ? src.length : end + 1;
        continue;
      }
      if (k >= src.length) return true;
      if (src[k] === ')') {
        k++;
        if (/^[*+?{]/.test(src[k] ?? '')) return false;
        continue;
      }
      if (src[k] === '|') {
        k = closeOf(src, k);
        continue;
      }
      return false;
    }
  }

  private quantifierSuffix(): void {
    const n = this.src[this.i];
    if (n === '+') {
      this.possessive();
      this.i++;
      return;
    }
    if (n === '?') {
      this.emit('?');
      this.i++;
    }
  }

  /** possessive makes the atom just quantified atomic: `X*+` is `(?>X*)`, in JavaScript `(?=(X*))\N`. */
  private possessive(): void {
    this.noRe2(1, 'a possessive quantifier');
    const a = this.atomStart;
    if (!a || this.backrefs !== a.backrefs) {
      this.noJs(1, 'a possessive quantifier here has no JavaScript equivalent');
      return;
    }
    const hidden = a.jsGroups + 1;
    for (let k = 1; k < this.jsMap.length; k++) if (this.jsMap[k] >= hidden) this.jsMap[k]++;
    this.jsGroups++;
    this.js = `${this.js.slice(0, a.js)}(?:(?=(${this.js.slice(a.js)}))\\${hidden})`;
  }

  private setFlags(on: string, off: string, reset: boolean, length: number): Flags {
    const f: Flags = reset ? { i: false, s: false, m: false, x: false } : { ...this.flags };
    for (const [letters, value] of [
      [on, true],
      [off, false],
    ] as const) {
      for (const l of letters) {
        if (l === 'i' || l === 's' || l === 'm' || l === 'x') f[l] = value;
        else this.refuse(length, `the modifier \`${l}\` is not supported`);
      }
    }
    return f;
  }

  private groupOpen(): void {
    const rest = this.src.slice(this.i);
    const start: AtomStart = { js: this.js.length, jsGroups: this.jsGroups, backrefs: this.backrefs };
    const push = (open: number, capture: boolean, close: readonly [string, string] = [')', ')']): void => {
      this.groups.push({ open, capture, close, flags: this.flags, start, quantifiers: this.quantifiers, alternations: this.alternations });
    };
    let m: RegExpExecArray | null;
    if (rest.startsWith('(*')) this.refuse(2, 'backtracking control verbs `(*…)` are not supported');
    if (!rest.startsWith('(?')) {
      push(this.i, true);
      this.capture();
      this.emit('(');
      this.i++;
      return;
    }
    if ((m = /^\(\?(=|!|<=|<!)/.exec(rest))) {
      this.noRe2(m[0].length, 'lookaround');
      push(-1, false, [')', '']);
      this.emit(m[0], '');
      this.i += m[0].length;
      return;
    }
    if ((m = /^\(\?(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/.exec(rest))) {
      push(-1, true);
      this.capture();
      this.emit(`(?<${m[1]}>`);
      this.i += m[0].length;
      return;
    }
    if ((m = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) {
      this.backref(m[0].length, `\\k<${m[1]}>`);
      this.i += m[0].length;
      return;
    }
    if ((m = /^\(\?#[^)]*\)/.exec(rest))) {
      this.i += m[0].length;
      return;
    }
    if (rest.startsWith('(?>')) {
      this.noRe2(3, 'an atomic group');
      push(-1, false, [`))\\${++this.jsGroups})`, '']);
      this.emit('(?:(?=(', '');
      this.i += 3;
      return;
    }
    if (rest.startsWith('(?|')) this.refuse(3, 'branch reset groups `(?|…)` are not supported');
    if ((m = /^\(\?(\^?)([a-z]*)(?:-([a-z]*))?([:)])/.exec(rest))) {
      const f = this.setFlags(m[2], m[3] ?? '', m[1] === '^', m[0].length);
      const re2Flag = f.i === this.flags.i ? '' : f.i ? 'i' : '-i';
      const whole = this.js === '' && this.groups.length === 0;
      if (m[4] === ':') {
        push(this.i, false);
        if (re2Flag) this.noJs(m[0].length, 'a case modifier inside the pattern with a construct only JavaScript runs');
        this.emit('(?:', `(?${re2Flag}:`);
      } else if (whole) {
        // at the very start, the modifiers are the whole pattern's flags
        this.baseIcase = f.i;
      } else if (re2Flag) {
        this.noJs(m[0].length, 'a case modifier inside the pattern with a construct only JavaScript runs');
        this.emit('', `(?${re2Flag})`);
      }
      this.flags = f;
      this.i += m[0].length;
      return;
    }
    this.refuse(2, 'this group syntax (recursion, conditionals, subroutine calls) is not supported');
  }

  private capture(): void {
    this.perlGroups++;
    this.jsMap[this.perlGroups] = ++this.jsGroups;
    this.re2Map[this.perlGroups] = ++this.re2Groups;
  }

  private groupClose(): void {
    const g = this.groups.pop();
    this.i++;
    // an unmatched `)` is left for the engines to report
    if (!g) return this.emit(')');
    this.emit(...g.close);
    this.lastGroup = { quantifiers: this.quantifiers - g.quantifiers, alternations: this.alternations - g.alternations };
    this.flags = g.flags;
    this.atomStart = g.start;
    this.last = g.open >= 0 ? g.open : undefined;
  }

  private backref(length: number, js: string): void {
    this.noRe2(length, 'a backreference');
    this.backrefs++;
    this.emit(js, '');
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

  private asciiWordBoundary(js: string, re2: string): void {
    this.asciiWords = true;
    this.asciiWordsNote ??= { offset: this.i, length: 2, message: `\`${re2}\` on text with non-ASCII letters` };
    this.emit(js, re2);
    this.i += 2;
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
    };
    if (n === 'b') return this.asciiWordBoundary(this.wordBoundary(), '\\b');
    if (n === 'B') return this.asciiWordBoundary(`(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`, '\\B');
    if (n === 'A' || n === 'z') {
      this.emit(n === 'A' ? '(?<![\\s\\S])' : '(?![\\s\\S])', `\\${n}`);
      this.i += 2;
      return;
    }
    if (n === 'Z') return this.dollar(2);
    if (n in simple) {
      this.emit(simple[n]);
      this.i += 2;
      return;
    }
    // \Q…\E, \u, \l, \U and \L act only in a regex literal; a config's pattern reaches Perl as a variable's text, where they are letters
    if ('QEulUL'.includes(n)) {
      this.emit(n);
      this.i += 2;
      return;
    }
    const rest = this.src.slice(this.i);
    const num = /^\\(\d+)/.exec(rest) && /[1-9]/.test(n) ? /^\\(\d+)/.exec(rest) : /^\\g\{?(\d+)\}?/.exec(rest);
    if (num) {
      const k = Number(num[1]);
      if (this.jsMap[k] === undefined) this.forwardRefs.push(k);
      this.backref(num[0].length, `\\${this.jsMap[k] ?? k}`);
      this.i += num[0].length;
      return;
    }
    const k = /^\\k(?:<([A-Za-z_]\w*)>|\{([A-Za-z_]\w*)\}|'([A-Za-z_]\w*)')/.exec(rest);
    if (k) {
      this.backref(k[0].length, `\\k<${k[1] ?? k[2] ?? k[3]}>`);
      this.i += k[0].length;
      return;
    }
    if ('GKRXCgkN'.includes(n) && !this.src.startsWith('\\N{U+', this.i)) {
      if (n === 'N' && this.src[this.i + 2] !== '{') {
        this.emit('[^\\n]');
        this.i += 2;
        return;
      }
      this.refuse(2, `\`\\${n}\` has no exact JavaScript equivalent`);
    }
    this.emit(this.charEscape());
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
    /** negated POSIX classes of several properties, which a class can hold only as an alternative */
    const outside: string[] = [];
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
          if (!cls) this.refuse(m[0].length, `the POSIX class \`${m[0]}\` is not supported`);
          if (!m[1]) body += cls;
          else if (/^\\p\{\w+\}$/.test(cls)) body += `\\P${cls.slice(2)}`;
          else {
            if (negated) this.refuse(m[0].length, `the POSIX class \`${m[0]}\` inside a negated class is not supported`);
            outside.push(`[^${cls}]`);
          }
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
    const cls = `[${negated ? '^' : ''}${body}]`;
    if (!outside.length) this.emit(cls);
    else if (!body && outside.length === 1) this.emit(outside[0]);
    else this.emit(`(?:${[...(body ? [cls] : []), ...outside].join('|')})`);
  }
}

/** closeOf is the end of the group holding `pos` (the offset of its `)`), or the end of the pattern. */
function closeOf(src: string, pos: number): number {
  let depth = 0;
  for (let k = pos; k < src.length; k++) {
    const c = src[k];
    if (c === '\\') k++;
    else if (c === '[') k = classEnd(src, k);
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return k;
      depth--;
    }
  }
  return src.length;
}

/**
 * Translations already made: lint, compile and the running reactor each ask
 * for the same few patterns, and a translation costs a RE2 compile (about a
 * millisecond with Unicode classes). Bounded, so that a hostile file with
 * a million patterns costs time, not memory.
 */
const translated = new Map<string, TranslatedRegex>();
const TRANSLATED_MAX = 1000;

/** translatePerlRegex turns a Perl pattern into RE2 and JavaScript forms with the same meaning. */
export function translatePerlRegex(src: string, opts: PerlRegexOptions = {}): TranslatedRegex {
  const key = `${opts.icase ? 'i' : '-'}${opts.dotall ? 's' : '-'}${src}`;
  let t = translated.get(key);
  if (t) {
    // most recently used last: the first key is the one to drop
    translated.delete(key);
  } else {
    t = translateAnew(src, opts);
    if (translated.size >= TRANSLATED_MAX) translated.delete(translated.keys().next().value!);
  }
  translated.set(key, t);
  return t;
}

function translateAnew(src: string, opts: PerlRegexOptions): TranslatedRegex {
  let t: Extract<TranslatedRegex, { ok: true }>;
  try {
    t = new Translator(src, opts).run() as Extract<TranslatedRegex, { ok: true }>;
  } catch (e) {
    if (e instanceof Refused) return { ok: false, unsupported: true, offset: e.offset, length: e.length, message: e.message };
    throw e;
  }
  let { js, re2, backtrack } = t;
  if (js) {
    try {
      new RegExp(js.source, js.flags);
    } catch (e) {
      const msg = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
      return { ok: false, unsupported: false, offset: 0, length: src.length, message: msg };
    }
  }
  // compiling for RE2 is the dear part of a translation (half a millisecond with Unicode classes): the compiled form,
  // global so one object serves single and repeated matches, goes to whoever runs the pattern
  let compiled: RE2 | undefined;
  if (re2) {
    try {
      compiled = new RE2(re2.source, re2.flags + 'g');
    } catch (e) {
      if (!js) return { ok: false, unsupported: false, offset: 0, length: src.length, message: (e as Error).message };
      backtrack = { offset: 0, length: src.length, message: `RE2 cannot run it (${(e as Error).message})` };
      re2 = undefined;
    }
  }
  return { ok: true, groupCount: t.groupCount, js, re2, backtrack, shape: t.shape, compiled };
}
