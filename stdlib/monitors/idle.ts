import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../../runtime/pipeline-api.js';
import { defineMonitor } from '../monitor-plugin.js';
import { parseTimeLength } from '../../grammar/time-length.js';

interface Config {
  idle_threshold?: string | number;
  terminals?: string[];
}

/** terminalDevices are the terminals a user types on: /dev/pts/N and /dev/ttyN. */
function terminalDevices(): string[] {
  const pts = existsSync('/dev/pts') ? readdirSync('/dev/pts').filter((n) => /^\d+$/.test(n)).map((n) => join('/dev/pts', n)) : [];
  const ttys = readdirSync('/dev').filter((n) => /^tty\d+$/.test(n)).map((n) => join('/dev', n));
  return [...pts, ...ttys];
}

/**
 * lastInput is when a user last typed on one of the terminals (the latest
 * access time of their devices), or the boot time when none was used.
 */
export function lastInput(terminals: readonly string[]): number {
  let latest = 0;
  for (const t of terminals) {
    try {
      latest = Math.max(latest, statSync(t).atimeMs);
    } catch {
      /* a terminal that went away */
    }
  }
  if (latest > 0) return latest;
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - uptime * 1000;
}

export default defineMonitor<Config>({
  name: 'Idle',
  summary: "The user's idle time; on a headless Linux host, from terminal activity.",
  docs: 'Reports `idle_sec`, `idle_min` and `idle_state` (`active`, or `idle` once nothing was typed for `idle_threshold`, default 10m) from the last input on the host\'s terminals (or `terminals`). A change of state gets a subject: `idle after 12m` or `active after 2h idle`.',
  schema: {
    type: 'object',
    properties: {
      idle_threshold: { type: ['string', 'number'], description: 'idle after this long without input (default 10m)' },
      terminals: { type: 'array', items: { type: 'string' }, description: 'devices to watch (default all terminals)' },
    },
  },
  create(c) {
    const threshold = parseTimeLength(c.idle_threshold ?? '10m') ?? 600;
    return {
      check(cache) {
        const idle = Math.max(0, Math.round((Date.now() - lastInput(c.terminals ?? terminalDevices())) / 1000));
        const state = idle >= threshold ? 'idle' : 'active';
        const m: Message = { idle_sec: idle, idle_min: Math.floor(idle / 60), idle_state: state };
        const before = cache.state as string | undefined;
        if (before && before !== state) {
          const since = Math.round((state === 'idle' ? idle : Number(cache.idle_sec ?? 0)) / 60);
          m.subject = state === 'idle' ? `idle after ${since}m` : `active after ${since}m idle`;
        }
        return { react: m, cache: { state, idle_sec: idle } };
      },
    };
  },
});
