import type { Logger } from './pipeline-api.js';

type Level = 'info' | 'warn' | 'error';

/** SECRET_KEY matches field names whose values are never logged or copied onto messages. */
export const SECRET_KEY = /pass(word)?|secret|token/i;

/** redact replaces the values of fields whose names suggest a secret, at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]));
}

/**
 * createLogger writes one JSON object a line, or a readable line when the
 * stream is a terminal. Fields that look like secrets are never written.
 */
export function createLogger(stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr, pretty = !!stream.isTTY): Logger {
  const write = (level: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    const safe = redact(fields) as Record<string, unknown>;
    const time = new Date().toISOString();
    if (pretty) {
      const extra = Object.entries(safe)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      stream.write(`${time} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ' ' + extra : ''}\n`);
    } else {
      stream.write(JSON.stringify({ time, level, msg, ...safe }) + '\n');
    }
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
