import type { Message } from '../../runtime/pipeline-api.js';
import { defineMonitor } from '../monitor-plugin.js';

interface Config {
  max_pulses?: number;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function pulse(minuteMs: number, nowMs: number): Message {
  const d = new Date(minuteMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
    day: DAYS[d.getDay()],
    age: Math.floor((nowMs - minuteMs) / 60_000),
    coalesce: 'pulse',
    lastupdate: Math.floor(minuteMs / 1000),
  };
}

export default defineMonitor<Config>({
  name: 'Pulse',
  summary: 'One message per minute, for rules that run on a schedule.',
  docs: 'Sends `{date, time, day, age, coalesce}` once a minute. Minutes missed while the monitor was down are sent afterwards, oldest first, up to `max_pulses` (default 10080, a week), with `age` in minutes.',
  schema: {
    type: 'object',
    properties: { max_pulses: { type: 'integer', minimum: 1, description: 'most missed minutes sent after a pause' } },
  },
  create(c) {
    const max = c.max_pulses ?? 10080;
    return {
      check(cache) {
        const now = Date.now();
        const minute = Math.floor(now / 60_000) * 60_000;
        const last = typeof cache.last_minute === 'number' ? cache.last_minute : minute - 60_000;
        const from = Math.max(last + 60_000, minute - (max - 1) * 60_000);
        const react: Message[] = [];
        for (let t = from; t <= minute; t += 60_000) react.push(pulse(t, now));
        return { react, cache: { last_minute: minute }, delay: Math.max(1, Math.ceil((minute + 60_000 - now) / 1000)) };
      },
    };
  },
});
