import { epochSeconds } from '../grammar/time-length.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin, type ConfigProblem } from './plugin.js';

interface Period {
  days?: string;
  from: string;
  to: string;
}

interface Config {
  timezone?: string;
  field?: string;
  schedule: Period[];
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** daySet reads `mon-fri`, `sat,sun`, `daily` (the default) into weekday numbers, Sunday 0; undefined when unreadable. */
export function daySet(text = 'daily'): Set<number> | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'daily' || t === 'every day') return new Set([0, 1, 2, 3, 4, 5, 6]);
  const out = new Set<number>();
  for (const part of t.split(/\s*,\s*/)) {
    const [a, b] = part.split(/\s*-\s*/).map((d) => DAYS.indexOf(d.slice(0, 3)));
    if (a < 0 || b < 0 || (b === undefined && part.includes('-'))) return undefined;
    for (let d = a; ; d = (d + 1) % 7) {
      out.add(d);
      if (b === undefined || d === b) break;
    }
  }
  return out;
}

function minutes(clock: string): number {
  const m = CLOCK.exec(clock)!;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** localTime gives the weekday (Sunday 0) and minute of the day of an instant in a time zone. */
export function localTime(epochMs: number, timeZone: string | undefined): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(epochMs);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: DAYS.indexOf(get('weekday').toLowerCase()), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** inPeriod: a period that ends before it starts runs past midnight, and belongs to the day it starts on. */
function inPeriod(p: Period, at: { day: number; minute: number }): boolean {
  const days = daySet(p.days)!;
  const from = minutes(p.from);
  const to = minutes(p.to);
  if (from <= to) return days.has(at.day) && at.minute >= from && at.minute < to;
  return (days.has(at.day) && at.minute >= from) || (days.has((at.day + 6) % 7) && at.minute < to);
}

export default definePlugin<Config>({
  name: 'QuietHours',
  summary: 'Set a field (default `quiet`) when the message\'s time falls in a schedule, in a time zone.',
  docs: 'Sets `field` (default `quiet`) to 1 when the message\'s `lastupdate` (or now) falls in one of the `schedule` periods, read in `timezone` (an IANA name such as Europe/Berlin; default the host\'s), and leaves the message alone otherwise; rules then route with ordinary conditions (`quiet is true`). A period has `from` and `to` (`HH:MM`) and `days` (`mon-fri`, `sat,sun`, default daily); one that ends before it starts runs past midnight and belongs to the day it starts on: `fri 22:00–07:00` covers Saturday 03:00.',
  schema: {
    type: 'object',
    properties: {
      timezone: { type: 'string', description: 'an IANA time zone (default the host\'s)' },
      field: { type: 'string', description: 'the field to set (default quiet)' },
      schedule: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: { days: { type: 'string' }, from: { type: 'string', pattern: CLOCK.source }, to: { type: 'string', pattern: CLOCK.source } },
          required: ['from', 'to'],
          additionalProperties: false,
        },
      },
    },
    required: ['schedule'],
    additionalProperties: false,
  },
  check(c) {
    const problems: ConfigProblem[] = [];
    if (c.timezone !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: c.timezone });
      } catch {
        problems.push({ path: ['timezone'], message: `\`${c.timezone}\` is not a time zone (an IANA name such as Europe/Berlin)` });
      }
    }
    (c.schedule ?? []).forEach((p, i) => {
      if (p.days !== undefined && !daySet(p.days)) problems.push({ path: ['schedule', i, 'days'], message: `\`${p.days}\` is not a set of days (such as mon-fri, sat,sun or daily)` });
    });
    return problems;
  },
  examples: [
    {
      title: 'quiet on weekday nights',
      config: { timezone: 'Europe/Berlin', schedule: [{ days: 'mon-fri', from: '22:00', to: '07:00' }] },
      // Tuesday 2025-11-25 23:30 in Berlin
      input: { subject: 'late', lastupdate: 1764109800 },
      output: { subject: 'late', lastupdate: 1764109800, quiet: 1 },
    },
  ],
  effect: (c) => ({ writes: [c.field ?? 'quiet'] }),
  create(c) {
    const field = c.field ?? 'quiet';
    return {
      react(m: Message) {
        const at = localTime((epochSeconds(m.lastupdate) ?? Date.now() / 1000) * 1000, c.timezone);
        if (c.schedule.some((p) => inPeriod(p, at))) m[field] = 1;
      },
    };
  },
});
