import RE2 from 're2';
import { perlRegex } from '../runtime/perl-matcher.js';
import { translatePerlRegex } from '../grammar/perl-regex.js';

/*
 * Condition regexes on typical subjects: as the reactor runs them (short
 * texts on JavaScript's engine in this thread where the pattern's shape
 * bounds the work, else RE2) and on RE2 alone, against JavaScript's RegExp
 * of the same pattern (what it ran before), in tests per second; and one
 * nested quantifier on a near-match, where the backtracking engine's time
 * grows exponentially.
 */
const PATTERNS = ['^Uptime-', '\\bkernel\\b', 'error|fail(ed|ure)', '^(\\w+)\\.', '\\d+\\.\\d+', 'done$', '(?i)warning'];
const SUBJECTS = ['load average is 0.52 on web1', 'kernel: eth0 link down', 'Uptime-web1', 'backup failed: disk full', 'www.example.com', 'job done\n'];

function rate(test: (s: string) => boolean, subjects = SUBJECTS): number {
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    let n = 0;
    for (let k = 0; k < 20_000; k++) for (const s of subjects) if (test(s)) n++;
    best = Math.max(best, (20_000 * subjects.length) / ((performance.now() - t0) / 1000) + n * 0);
  }
  return best;
}

export function regexFigures(): { pattern: string; asRun: number; re2: number; regexp: number }[] {
  return PATTERNS.map((p) => {
    const t = translatePerlRegex(p);
    if (!t.ok || !t.js || !t.re2) throw new Error(p);
    const js = new RegExp(t.js.source, t.js.flags);
    const re2 = new RE2(t.re2.source, t.re2.flags);
    const re = perlRegex(p);
    return { pattern: p, asRun: rate((s) => re.test(s)), re2: rate((s) => re2.test(s)), regexp: rate((s) => js.test(s)) };
  });
}

/** nestedQuantifier times `(a+)+$` on a near-match of n characters on both engines, in ms. */
export function nestedQuantifier(n: number): { re2: number; regexp: number } {
  const text = 'a'.repeat(n) + 'b';
  const t = translatePerlRegex('(a+)+$');
  if (!t.ok || !t.js) throw new Error('(a+)+$');
  const js = new RegExp(t.js.source, t.js.flags);
  let t0 = performance.now();
  perlRegex('(a+)+$').test(text);
  const re2 = performance.now() - t0;
  t0 = performance.now();
  js.test(text);
  return { re2, regexp: performance.now() - t0 };
}
