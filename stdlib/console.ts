import { str, truthy } from '../runtime/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin } from './plugin.js';

interface Config {
  color?: 'auto' | 'always' | 'never';
}

const ANSI = new Map(Object.entries({ black: 30, red: 31, green: 32, yellow: 33, orange: 33, blue: 34, purple: 35, magenta: 35, cyan: 36, white: 37 }));

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** consoleText is the original's console line: time (with the date when older than 12 hours), `[key]`, `username:`, `title =>`, subject. */
export function consoleText(m: Message, nowMs = Date.now()): string {
  const at = truthy(m.lastupdate) ? Number(m.lastupdate) * 1000 : nowMs;
  const d = new Date(Number.isFinite(at) ? at : nowMs);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const when = nowMs - d.getTime() > 12 * 3600 * 1000 ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
  const parts = [when];
  if (truthy(m.key)) parts.push(`[${str(m.key)}]`);
  if (truthy(m.username)) parts.push(`${str(m.username)}:`);
  if (truthy(m.title)) parts.push(`${str(m.title)} =>`);
  parts.push(str(truthy(m.subject_text) ? m.subject_text : m.subject));
  return parts.join(' ');
}

/** colorize wraps a line in the ANSI colour named by `color`, bold when `urgent`. */
export function colorize(text: string, color: unknown, urgent: boolean): string {
  const code = ANSI.get(str(color).toLowerCase());
  const codes = [...(urgent ? [1] : []), ...(code ? [code] : [])];
  return codes.length ? `\u001b[${codes.join(';')}m${text}\u001b[0m` : text;
}

export default definePlugin<Config>({
  name: 'Console',
  summary: 'Print a notification line on the console.',
  docs: 'Prints the original\'s line (time, `[key]`, `username:`, `title =>`, `subject_text` or `subject`) on standard output, in the message\'s `color` and bold when `urgent`. A message without a subject, or with `quiet` or `quiet_console`, is not printed. Colours are used on a terminal (`color: auto`, honouring NO_COLOR), always, or never.',
  schema: {
    type: 'object',
    properties: { color: { enum: ['auto', 'always', 'never'], description: 'when to use colours (default auto)' } },
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
  writes: () => [],
  create(c) {
    const colours = c.color === 'always' || (c.color !== 'never' && !!process.stdout.isTTY && !process.env.NO_COLOR);
    return {
      react(m: Message) {
        if (!truthy(m.subject) || truthy(m.quiet) || truthy(m.quiet_console)) return;
        const text = consoleText(m);
        process.stdout.write((colours ? colorize(text, m.color, truthy(m.urgent)) : text) + '\n');
      },
    };
  },
});
