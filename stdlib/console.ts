import { num, str, truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin } from './plugin.js';

interface Config {
  color?: 'auto' | 'always' | 'never';
  checksum?: unknown;
}

/** COLORS maps a message's `color` to the terminal colour the original shows it in (`black` bold, so it shows on a dark terminal; `yellow` bold, `orange` plain yellow). */
const COLORS = new Map(
  Object.entries({
    blue: 'blue',
    cyan: 'cyan',
    red: 'red',
    white: 'white',
    black: 'bold black',
    green: 'green',
    orange: 'yellow',
    yellow: 'bold yellow',
    purple: 'magenta',
    magenta: 'magenta',
  }),
);
const ANSI = new Map(Object.entries({ bold: 1, black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37 }));
const HALF_DAY = 12 * 3600;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** consoleColor is the original's colour for a message: its `color` when it names one (else white), bold when `urgent`. */
export function consoleColor(color: unknown, urgent: boolean): string {
  const name = (truthy(color) && COLORS.get(str(color))) || 'white';
  return urgent && !name.includes('bold') ? `bold ${name}` : name;
}

/**
 * consoleText is the original's console line: `<time>> [key] username: title => subject`,
 * the time with the date when the message is older than 12 hours (or has no
 * `lastupdate`), the checksum's first 8 characters after it with `checksum`.
 */
export function consoleText(m: Message, nowMs = Date.now(), checksum = false): string {
  let subject = str(truthy(m.subject_text) ? m.subject_text : m.subject);
  if (truthy(m.title) && str(m.title) !== str(m.subject)) subject = `${str(m.title)} => ${subject}`;
  if (truthy(m.username)) subject = `${str(m.username)}: ${subject}`;
  if (truthy(m.key)) subject = `[${str(m.key)}] ${subject}`;
  const now = Math.floor(nowMs / 1000);
  const last = num(m.lastupdate) ?? (parseFloat(str(m.lastupdate)) || 0);
  const d = new Date((last || now) * 1000);
  const time = Number.isNaN(d.getTime()) ? new Date(nowMs) : d;
  const hms = `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
  const date = now - last > HALF_DAY ? `${time.getFullYear()}/${pad(time.getMonth() + 1)}/${pad(time.getDate())} ${hms}` : hms;
  // a checksum shorter than 8 characters (before a line break) leaves a blank in the original
  if (checksum && truthy(m.checksum)) return `${date} ${/^.{8}/u.exec(str(m.checksum))?.[0] ?? ''}> ${subject}`;
  return `${date}> ${subject}`;
}

/** colorize wraps a line in a terminal colour named as the original names them (`bold yellow`). */
export function colorize(text: string, color: string): string {
  const codes = color.split(' ').flatMap((w) => ANSI.get(w) ?? []);
  return codes.length ? `\u001b[${codes.join(';')}m${text}\u001b[0m` : text;
}

export default definePlugin<Config>({
  name: 'Console',
  summary: 'Print a notification line on the console.',
  docs: "Prints the original's line (`<time>> [key] username: title => subject`, `subject_text` in place of `subject` when set, the date too when the message is older than 12 hours) on standard output, in the message's `color` (black and yellow bold, orange as yellow, white when it names no colour) and bold when `urgent`, and records both on the message as `console.<host>.text` and `console.<host>.color`. With `checksum: 1` the first 8 characters of the message's `checksum` follow the time. A message without a subject, or with `quiet` or `quiet_console`, is not printed. Colours are used on a terminal (`color: auto`, honouring NO_COLOR), always, or never.",
  schema: {
    type: 'object',
    properties: {
      color: { enum: ['auto', 'always', 'never'], description: 'when to use colours (default auto)' },
      checksum: { description: "when true, show the first 8 characters of the message's checksum" },
    },
    additionalProperties: false,
  },
  examples: [
    {
      title: 'quiet messages are not printed',
      config: {},
      input: { subject: 'disk full', quiet: 1 },
      output: { subject: 'disk full', quiet: 1 },
    },
  ],
  effect: () => ({ writes: ['console'] }),
  create(c, ctx) {
    const colours = c.color === 'always' || (c.color !== 'never' && !!process.stdout.isTTY && !process.env.NO_COLOR);
    return {
      react(m: Message) {
        if (!truthy(m.subject) || truthy(m.quiet) || truthy(m.quiet_console)) return;
        const text = consoleText(m, Date.now(), truthy(c.checksum));
        const color = consoleColor(m.color, truthy(m.urgent));
        const seen = m.console !== null && typeof m.console === 'object' && !Array.isArray(m.console) ? { ...(m.console as Record<string, unknown>) } : {};
        Object.defineProperty(seen, ctx.hostname, { value: { color, text }, enumerable: true, writable: true, configurable: true });
        m.console = seen;
        process.stdout.write((colours ? colorize(text, color) : text) + '\n');
      },
    };
  },
});
