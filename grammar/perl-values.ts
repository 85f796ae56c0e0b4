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
  const sign = n < 0 ? '-' : '';
  const [digits, e] = fifteenDigits(Math.abs(n));
  if (e < -4 || e >= 15) {
    const m = `${digits[0]}.${digits.slice(1)}`.replace(/\.?0+$/, '');
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const int = e >= 0 ? digits.slice(0, e + 1) : '0';
  const frac = (e >= 0 ? digits.slice(e + 1) : '0'.repeat(-e - 1) + digits).replace(/0+$/, '');
  return sign + int + (frac === '' ? '' : '.' + frac);
}

/**
 * fifteenDigits is a positive number's 15 significant digits and decimal
 * exponent, rounded as C's printf rounds: to the nearest, and an exact tie
 * to even (JavaScript's toExponential rounds a tie up).
 */
function fifteenDigits(n: number): [string, number] {
  const [mantissa, exp] = n.toExponential(14).split('e');
  const rounded: [string, number] = [mantissa.replace('.', ''), Number(exp)];
  const [m16, exp16] = n.toExponential(15).split('e');
  if (!m16.endsWith('5')) return rounded;
  const sixteen = BigInt(m16.replace('.', ''));
  if (!exactly(n, sixteen, Number(exp16) - 15)) return rounded;
  const down = sixteen / 10n;
  const even = down % 2n === 0n ? down : down + 1n;
  const text = even.toString();
  return text.length > 15 ? [text.slice(0, 15), Number(exp16) + 1] : [text, Number(exp16)];
}

/** exactly tells whether a double is exactly digits × 10^exp10. */
function exactly(n: number, digits: bigint, exp10: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  const e2 = biased === 0 ? -1074 : biased - 1075;
  const left = digits * 10n ** BigInt(Math.max(exp10, 0)) * 2n ** BigInt(Math.max(-e2, 0));
  const right = m * 2n ** BigInt(Math.max(e2, 0)) * 10n ** BigInt(Math.max(-exp10, 0));
  return left === right;
}

/**
 * Perl's looks_like_number: ASCII whitespace around a decimal or one of the
 * infinities and NaNs Perl's grok_infnan reads (`Inf`, `Infinity`, `nanq`,
 * `nan(1)`, `1.#INF` …, any case); the exact text `0 but true`; and a lone
 * `-` followed by whitespace, which Perl's grok_number takes for a number.
 */
const LOOKS_LIKE_NUMBER = /^[ \t\n\r\f\v]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|[qs]?nan[qs]?(?:\([0-9a-z]*\))?|1\.#(?:inf|ind|qnan|snan))[ \t\n\r\f\v]*$/i;

const LONE_MINUS = /^[ \t\n\r\f\v]*-[ \t\n\r\f\v]+$/;

/** looksLikeNumber is Perl's looks_like_number of a string. */
export function looksLikeNumber(s: string): boolean {
  return s === '0 but true' || LOOKS_LIKE_NUMBER.test(s) || LONE_MINUS.test(s);
}

/**
 * plainDecimal is the number of a string of digits with at most one `.`
 * and an optional leading `-` (`12`, `-0.5`, `3.`), the common case, which
 * looks like a number to Perl and means what Number makes of it; for any
 * other string it is undefined, and num takes the long way.
 */
function plainDecimal(s: string): number | undefined {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let dot = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot) dot = true;
    else return undefined;
  }
  return digits > 0 ? Number(s) : undefined;
}

/** num is the number a value holds if Perl would say it looks like a number; otherwise undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === true) return 1;
  if (typeof v !== 'string') return undefined;
  return plainDecimal(v) ?? numberOfText(v);
}

/** numberOfText is num of a string the long way, by Perl's looks_like_number (num takes it for what plainDecimal does not read). */
export function numberOfText(v: string): number | undefined {
  if (v === '0 but true') return 0;
  if (LONE_MINUS.test(v)) return 0;
  if (!LOOKS_LIKE_NUMBER.test(v)) return undefined;
  const t = v.trim().replace(/^\+/, '');
  const lower = t.toLowerCase().replace(/^-/, '');
  if (lower.startsWith('inf') || lower === '1.#inf') return t.startsWith('-') ? -Infinity : Infinity;
  if (lower.includes('nan') || lower === '1.#ind') return NaN;
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

/** trueText is a value's text when the value is true to Perl; a false value holds no text a test can see (what `equals` and `matches` compare). */
export function trueText(v: unknown): string | undefined {
  return truthy(v) ? str(v) : undefined;
}

/** fieldText is what a template shows of a field's value (only a message's own fields count: `{$constructor}` is a field like any other): its text, and "" for a missing value, a list or a map (Text::Template gives those the original as `@name` or `%name`, not `$name`). */
export function fieldText(v: unknown): string {
  return v !== null && typeof v === 'object' ? '' : str(v);
}

/** perlSplitCommas splits at commas with optional spaces, as Perl's split does: trailing empty fields are dropped. */
export function perlSplitCommas(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(/\s*,\s*/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** commaParts are the parts Split makes of a value: none for a missing one (Perl's undef), else its text split at commas. */
export function commaParts(v: unknown): string[] {
  return v === undefined || v === null ? [] : perlSplitCommas(str(v));
}
