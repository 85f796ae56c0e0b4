/*
 * Perl's view of message values, which the condition language and the
 * plugins follow so that configs mean what they meant in the original wubot.
 */

/** truthy is Perl truthiness: missing, null, false, "", "0" and 0 are false; everything else true. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0 || v === '0') return false;
  return true;
}

/** str is the string Perl would see for a value (true is "1", false "", numbers as Perl prints them). */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberString(v);
  if (v === true) return '1';
  if (v === false || v === undefined || v === null) return '';
  return JSON.stringify(v);
}

/**
 * numberString prints a number as Perl does: an integer that a Perl integer
 * holds exactly in full, anything else with `%.15g` (`1e+20`, `1e-07`, `2.5`).
 */
function numberString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(n);
  if (n === Infinity) return 'Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isNaN(n)) return 'NaN';
  const [mantissa, exp] = n.toExponential(14).split('e');
  const e = Number(exp);
  if (e < -4 || e >= 15) {
    const m = mantissa.replace(/\.?0+$/, '');
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return n.toFixed(Math.max(0, 14 - e)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** Perl's looks_like_number: ASCII whitespace around a decimal, Inf/Infinity/NaN; and the exact text `0 but true`. */
const LOOKS_LIKE_NUMBER = /^[ \t\n\r\f\v]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)[ \t\n\r\f\v]*$/i;

/** num is the number a value holds if Perl would say it looks like a number; otherwise undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === true) return 1;
  if (v === '0 but true') return 0;
  if (typeof v !== 'string' || !LOOKS_LIKE_NUMBER.test(v)) return undefined;
  const t = v.trim().replace(/^\+/, '');
  const lower = t.toLowerCase().replace(/^-/, '');
  if (lower.startsWith('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  return Number(t);
}

/** isTrue is the `F is true` test: truthy and not the string "false". */
export function isTrue(v: unknown): boolean {
  return truthy(v) && v !== 'false';
}

/** isFalse is the `F is false` test: falsy or the string "false". */
export function isFalse(v: unknown): boolean {
  return !truthy(v) || v === 'false';
}
