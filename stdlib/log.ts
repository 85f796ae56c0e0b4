import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { configPath } from '../runtime/paths.js';
import type { Message } from '../runtime/pipeline-api.js';
import { consoleText } from './console.js';
import { definePlugin } from './plugin.js';

interface Config {
  file: string;
  format?: 'json' | 'text';
}

export default definePlugin<Config>({
  name: 'Log',
  summary: 'Append the message to a log file.',
  docs: 'Appends one line per message to `file` (a path, `~/…`, or relative to the wubot home): the message as JSON (`format: json`, the default) or the console line (`format: text`). Lines are written when the batch ends.',
  schema: {
    type: 'object',
    properties: {
      file: { type: 'string', description: 'the log file' },
      format: { enum: ['json', 'text'], description: 'json (default) or text' },
    },
    required: ['file'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'the message is not changed',
      config: { file: 'logs/example.log' },
      input: { subject: 'hello' },
      output: { subject: 'hello' },
    },
  ],
  effect: () => ({}),
  create(c, ctx) {
    const file = configPath(c.file, ctx.home);
    const lines: string[] = [];
    return {
      react(m: Message) {
        lines.push(c.format === 'text' ? consoleText(m) : JSON.stringify(m));
      },
      flush() {
        if (lines.length === 0) return;
        mkdirSync(dirname(file), { recursive: true });
        appendFileSync(file, lines.join('\n') + '\n');
        lines.length = 0;
      },
    };
  },
});
