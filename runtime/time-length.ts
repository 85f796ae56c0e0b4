const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400, M: 30 * 86400, y: 365 * 86400 };
const PART = /(\d+(?:\.\d+)?)([smhdwMy]?)/y;

/**
 * parseTimeLength reads a time length as the original writes them: `30`
 * (seconds), `5s`, `15m`, `1h`, `2d`, `1w`, `1M` (30 days), `1y`, and
 * combinations such as `1h30m` (which the original could not read). It
 * returns seconds, or undefined when the text is not a time length.
 */
export function parseTimeLength(value: unknown): number | undefined {
  if (typeof value === 'number') return value >= 0 && Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m[0] === '') return undefined;
    // a bare number counts as seconds only at the end
    if (m[2] === '' && PART.lastIndex < text.length) return undefined;
    total += Number(m[1]) * UNIT_SECONDS[m[2] || 's'];
    if (PART.lastIndex === at) return undefined;
  }
  return total;
}

/** formatAge writes a duration in seconds the short way: `45s`, `12m`, `3h`, `2d`. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
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
