import type { Logger } from './pipeline-api.js';
import { redact } from './secrets.js';

type Level = 'info' | 'warn' | 'error';

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
