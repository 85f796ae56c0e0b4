import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Message } from '../../runtime/pipeline-api.js';
import { ID_FIELD } from '../../runtime/queue/message-id.js';
import { defineMonitor } from '../monitor-plugin.js';

interface Config {
  path: string;
  max_lines?: number;
}

const CHUNK = 1 << 20;

export default defineMonitor<Config>({
  name: 'FileTail',
  summary: 'New lines of a file, such as a log, one message each.',
  docs: 'Sends each new complete line of `path` as `{subject: line, path}`, at most `max_lines` (default 10000) per check. The position is kept in the cache, so a restart goes on where it stopped; a file that shrank or was replaced is read from its start. Each line gets an id made of the host, the instance, the file and the line\'s offset, so a line sent again after a crash is not stored twice.',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'the file to follow' },
      max_lines: { type: 'integer', minimum: 1, description: 'most lines sent per check (default 10000)' },
    },
    required: ['path'],
  },
  create(c, ctx) {
    const max = c.max_lines ?? 10000;
    return {
      check(cache) {
        let fd: number;
        try {
          fd = openSync(c.path, 'r');
        } catch (e) {
          throw new Error(`cannot open ${c.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        try {
          const st = fstatSync(fd);
          let offset = typeof cache.offset === 'number' && cache.ino === st.ino && cache.offset <= st.size ? cache.offset : 0;
          const react: Message[] = [];
          const buf = Buffer.alloc(CHUNK);
          let pending = Buffer.alloc(0);
          let pendingAt = offset;
          while (react.length < max) {
            const n = readSync(fd, buf, 0, CHUNK, pendingAt + pending.length);
            if (n === 0) break;
            pending = Buffer.concat([pending, buf.subarray(0, n)]);
            let start = 0;
            for (let nl = pending.indexOf(10, start); nl >= 0 && react.length < max; nl = pending.indexOf(10, start)) {
              const lineOffset = pendingAt + start;
              const line = pending.subarray(start, nl).toString('utf8').replace(/\r$/, '');
              react.push({ subject: line, path: c.path, [ID_FIELD]: `${ctx.hostname}:${ctx.key}:${st.ino}:${lineOffset}` });
              start = nl + 1;
            }
            pendingAt += start;
            pending = pending.subarray(start);
            offset = pendingAt;
          }
          return { react, cache: { ino: st.ino, offset } };
        } finally {
          closeSync(fd);
        }
      },
    };
  },
});
