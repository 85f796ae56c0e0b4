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
