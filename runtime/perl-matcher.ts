import RE2 from 're2';
import { PERL_WORD } from '../grammar/perl-classes.js';
import { backtrackMatches, prepareBacktracking } from './regex-backtrack.js';
import { advance, jsMatches, type RawMatch } from './regex-js-matches.js';
import { translatePerlRegex, type EngineForm, type PerlRegexOptions, type Re2Form, type RegexNote } from '../grammar/perl-regex.js';

/** a word character RE2's ASCII `\b` would take for a non-word one */
const NON_ASCII_WORD = new RegExp(`[[${PERL_WORD}]--[\\x00-\\x7F]]`, 'v');

/** the most paths a match may try in this thread (a few milliseconds at worst) */
const IN_THREAD_STEPS = 4_000_000;

/** PerlMatch is a match in Perl's terms: [0] the matched text, [k] Perl's group k (undefined when it took no part). */
export type PerlMatch = (string | undefined)[] & { index: number };

/**
 * PerlRegex is a Perl pattern ready to match, with Perl's meaning. It runs
 * on RE2 (linear time, in this thread) whenever RE2 can express it for the
 * text at hand, and otherwise on JavaScript's engine in a worker thread,
 * bounded by the time budget (regex-backtrack.ts).
 */
export class PerlRegex {
  readonly groupCount: number;
  /** why the pattern needs the backtracking engine, always or on some texts; undefined when it never does */
  readonly backtrack?: RegexNote;
  /** global: set lastIndex before each use */
  private readonly re2?: RE2;
  private readonly re2Form?: Re2Form;
  private readonly js?: EngineForm;
  /**
   * JavaScript's engine in this thread, for texts up to `inThreadMax`
   * characters: a call costs far less than one into RE2, and the pattern's
   * shape bounds its work on them (RegexShape) to IN_THREAD_STEPS.
   */
  private readonly inThread?: RegExp;
  /** the same without the `g` flag, for test: a global regex's test reads and writes lastIndex */
  private readonly inThreadTest?: RegExp;
  private readonly inThreadMax: number = -1;

  /** inThread false keeps every text off JavaScript's engine in this thread (for tests of the other engines). */
  constructor(
    readonly pattern: string,
    opts: PerlRegexOptions = {},
    inThread = true,
  ) {
    const t = translatePerlRegex(pattern, opts);
    if (!t.ok) throw new Error(`regex ${JSON.stringify(pattern)}: ${t.message}`);
    this.groupCount = t.groupCount;
    this.backtrack = t.backtrack;
    this.js = t.js;
    if (inThread && t.js && !t.shape.nested && !t.shape.backrefs) {
      this.inThread = new RegExp(t.js.source, t.js.flags + 'g');
      this.inThreadTest = new RegExp(t.js.source, t.js.flags);
      const perStart = IN_THREAD_STEPS / 2 ** t.shape.alternations;
      this.inThreadMax = Math.floor(perStart ** (1 / (t.shape.quantifiers + 1))) - 1;
    }
    if (t.re2) {
      this.re2Form = t.re2;
      this.re2 = t.compiled;
    }
    // a pattern that always needs the worker starts it now, one that may need it on some texts when it does
    if (!t.re2) prepareBacktracking();
  }

  private onRe2(s: string): boolean {
    return this.re2 !== undefined && (!this.re2Form!.asciiWords || !this.js || !NON_ASCII_WORD.test(s));
  }

  test(s: string): boolean {
    if (s.length <= this.inThreadMax) return this.inThreadTest!.test(s);
    if (this.onRe2(s)) {
      this.re2!.lastIndex = 0;
      return this.re2!.test(s);
    }
    return this.backtracked(s, false).length > 0;
  }

  /** exec gives the first match. */
  exec(s: string): PerlMatch | null {
    if (s.length <= this.inThreadMax) return (jsMatches(this.inThread!, s, false).map((m) => this.fromJs(m))[0] ?? null);
    if (this.onRe2(s)) {
      this.re2!.lastIndex = 0;
      const m = this.re2!.exec(s);
      return m ? this.fromRe2(m) : null;
    }
    return this.backtracked(s, false)[0] ?? null;
  }

  /** matchAll gives the matches a global replace (`s///g`) replaces, in order. */
  matchAll(s: string): PerlMatch[] {
    if (s.length <= this.inThreadMax) return jsMatches(this.inThread!, s, true).map((m) => this.fromJs(m));
    if (!this.onRe2(s)) return this.backtracked(s, true);
    const re = this.re2!;
    const out: PerlMatch[] = [];
    let pos = 0;
    while (pos <= s.length) {
      re.lastIndex = pos;
      const m = re.exec(s);
      if (!m) break;
      const pm = this.fromRe2(m);
      out.push(pm);
      const end = pm.index + pm[0]!.length;
      pos = end === pm.index ? advance(s, end) : end;
    }
    return out;
  }

  /** replace replaces every match, as `s///g`, by what `fn` makes of the match and its groups. */
  replace(s: string, fn: (match: string, ...groups: (string | undefined)[]) => string): string {
    let out = '';
    let last = 0;
    for (const m of this.matchAll(s)) {
      out += s.slice(last, m.index) + fn(m[0]!, ...m.slice(1));
      last = m.index + m[0]!.length;
    }
    return out + s.slice(last);
  }

  private fromRe2(m: RegExpExecArray): PerlMatch {
    const f = this.re2Form!;
    let cut = 0;
    for (const g of f.newline) cut += m[g]?.length ?? 0;
    const pm = [m[0].slice(0, m[0].length - cut), ...f.groups.slice(1).map((g) => m[g])] as PerlMatch;
    pm.index = m.index;
    return pm;
  }

  private fromJs(m: RawMatch): PerlMatch {
    const pm = [m[1], ...this.js!.groups.slice(1).map((g) => m[g + 1])] as PerlMatch;
    pm.index = m[0] as number;
    return pm;
  }

  private backtracked(s: string, all: boolean): PerlMatch[] {
    const js = this.js!;
    return backtrackMatches(this.pattern, { source: js.source, flags: js.flags, text: s, all }).map((m) => this.fromJs(m));
  }
}

const cache = new Map<string, PerlRegex>();

/**
 * perlRegex compiles a Perl pattern once per pattern and options; it throws
 * if the pattern was not checked. Patterns can come from messages
 * (CaptureData's regexp_field), so the cache is bounded.
 */
export function perlRegex(src: string, opts: PerlRegexOptions = {}): PerlRegex {
  const key = `${opts.icase ? 'i' : ''}${opts.dotall ? 's' : ''}:${src}`;
  let re = cache.get(key);
  if (!re) {
    if (cache.size >= 2000) cache.clear();
    re = new PerlRegex(src, opts);
    cache.set(key, re);
  }
  return re;
}
