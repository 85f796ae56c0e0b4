import { configPath } from '../runtime/paths.js';
import type { Message } from '../runtime/pipeline-api.js';
import { ID_FIELD, stampMessage } from '../runtime/queue/message-id.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { definePlugin } from './plugin.js';

interface Config {
  directory: string;
}

/** writers are shared by every rule of the process that appends to the same directory. */
const writers = new Map<string, QueueWriter>();

/** writerFor gives the writer of a queue directory shared by this process (channels' outboxes too). */
export function writerFor(dir: string, hostname: string): QueueWriter {
  let w = writers.get(dir);
  if (!w) {
    w = QueueWriter.open(dir, { hostname });
    writers.set(dir, w);
  }
  return w;
}

export default definePlugin<Config>({
  name: 'MessageQueue',
  summary: 'Append the message to a queue directory, for forwarding.',
  docs: 'Stores a copy of the message in the queue at `directory` (a path, `~/…`, or relative to the wubot home). The message gets the original\'s `checksum`, its id, `lastupdate` and `hostname` here when it has none, as the original store does. Copies are written when the batch ends, before the message is acknowledged upstream; a message redelivered after a crash has the same id and is not stored twice.',
  schema: {
    type: 'object',
    properties: { directory: { type: 'string', description: 'the queue directory' } },
    required: ['directory'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'forward what was not received from another host',
      config: { directory: 'forward' },
      input: { subject: 'disk full', hostname: 'web1', lastupdate: 1764300000, [ID_FIELD]: 'example-1' },
      output: { subject: 'disk full', hostname: 'web1', lastupdate: 1764300000, [ID_FIELD]: 'example-1', checksum: 'e8971a0c169a06692f75d085650b519e' },
    },
  ],
  effect: (c) => ({ writes: ['checksum', ID_FIELD, 'lastupdate', 'hostname'], queue: c.directory }),
  create(c, ctx) {
    const dir = configPath(c.directory, ctx.home);
    const pending: Message[] = [];
    return {
      react(m: Message) {
        stampMessage(m, ctx.hostname);
        pending.push(structuredClone(m));
      },
      flush() {
        if (pending.length === 0) return;
        writerFor(dir, ctx.hostname).append(pending);
        pending.length = 0;
      },
    };
  },
});
