import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../../runtime/pipeline-api.js';
import { ID_FIELD } from '../../runtime/queue/message-id.js';
import { defineMonitor } from '../monitor-plugin.js';

interface Config {
  path: string;
}

export default defineMonitor<Config>({
  name: 'Directory',
  summary: 'New files in a directory.',
  docs: 'Sends `{subject: "new file: <name>", file, size}` for each file that appeared in `path` since the last check. The first check only learns what is there.',
  schema: {
    type: 'object',
    properties: { path: { type: 'string', description: 'the directory to watch' } },
    required: ['path'],
  },
  create(c, ctx) {
    return {
      check(cache) {
        const names = readdirSync(c.path).filter((n) => !n.startsWith('.')).sort();
        const known = cache.files as string[] | undefined;
        const react: Message[] = [];
        if (known) {
          const before = new Set(known);
          for (const name of names) {
            if (before.has(name)) continue;
            const file = join(c.path, name);
            let st;
            try {
              st = statSync(file);
            } catch {
              continue;
            }
            react.push({ subject: `new file: ${name}`, file, size: st.size, [ID_FIELD]: `${ctx.hostname}:${ctx.key}:${name}:${Math.floor(st.mtimeMs)}` });
          }
        }
        return { react, cache: { files: names } };
      },
    };
  },
});
