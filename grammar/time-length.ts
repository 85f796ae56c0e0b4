/** UNIT_SECONDS are the original's units: `m` is a minute and `M` a month (30 days); the others in either case. */
const UNIT_SECONDS = new Map(Object.entries({ s: 1, S: 1, m: 60, h: 3600, H: 3600, d: 86400, D: 86400, w: 7 * 86400, W: 7 * 86400, M: 30 * 86400, y: 365 * 86400, Y: 365 * 86400 }));
const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const PART = /\s*(-?[\d.]*)([A-Za-z]?)/y;

/**
 * parseTimeLength reads a time length as the original does: a number of
 * seconds (`30`, `-60`), or parts such as `5s`, `15m`, `1H`, `1.5h`, `2D`,
 * `1W`, `1M` (30 days), `1y`, with or without spaces between them (`1h30m`,
 * `12h 1m`, `+1m`), a bare number among them counting as seconds. It
 * returns seconds (negative for `-1m`), or undefined when the text is not a
 * time length; parts the original could not combine (`1h30m15s`) are read too.
 */
export function parseTimeLength(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (value.trim() === '') return undefined;
  const text = value.trim().replace(/^\+/, '');
  if (NUMBER.test(text)) return Number(text);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (!m || m[0].trim() === '') return undefined;
    const [, number, unit] = m;
    if (unit === '' ? !/^-?\d+$/.test(number) : !UNIT_SECONDS.has(unit)) return undefined;
    // the original reads `1.2.3m` as Perl numifies it, and a lone `s` as no time
    total += (parseFloat(number) || 0) * (UNIT_SECONDS.get(unit || 's') ?? 1);
  }
  return total;
}

/** AGE_UNITS, largest first, each with the size above which it is left out, as the original rounds to about two parts. */
const AGE_UNITS: [string, number, number][] = [
  ['y', 365 * 86400, Infinity],
  ['M', 30 * 86400, Infinity],
  ['w', 7 * 86400, 365 * 86400],
  ['d', 86400, 30 * 86400],
  ['h', 3600, 7 * 86400],
  ['m', 60, 86400],
  ['s', 1, 3600],
];

/** formatAge writes a duration in seconds as the original prints it: `0s`, `1m30s`, `12h1m`, `1d12h`, `1w1d`, `1M`, `1y1M`, `-1m`. */
export function formatAge(seconds: number): string {
  if (!seconds || !Number.isFinite(seconds)) return '0s';
  const size = Math.abs(seconds);
  let left = size;
  let out = seconds < 0 ? '-' : '';
  for (const [unit, length, upTo] of AGE_UNITS) {
    if (size > upTo) continue;
    if (left >= length) {
      const n = Math.floor(left / length);
      out += `${n}${unit}`;
      left -= n * length;
    }
    if (!left) break;
  }
  return out;
}

/** LATEST_EPOCH is 9999-12-31T23:59:59Z: a later time is no time a message or a page means. */
const LATEST_EPOCH = 253402300799;
const DATE_TIME = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?))?\s*([zZ]|[+-]\d\d:?\d\d)?$/;

/**
 * epochSeconds reads a time as epoch seconds (a number, or its text) or as a
 * date-time such as `2001-12-14 21:59:43` (UTC unless it gives an offset);
 * undefined for anything else and for times outside 1970–9999.
 */
export function epochSeconds(value: unknown): number | undefined {
  let t: number;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (typeof value === 'number') t = value;
  else if (text !== undefined && /^\d+(?:\.\d+)?$/.test(text)) t = Number(text);
  else {
    const m = text === undefined ? null : DATE_TIME.exec(text);
    if (!m) return undefined;
    t = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`) / 1000;
  }
  return Number.isFinite(t) && t >= 0 && t <= LATEST_EPOCH ? Math.floor(t) : undefined;
}
