import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin } from './plugin.js';

interface Config {
  field: string;
}

export default definePlugin<Config>({
  name: 'DeleteField',
  summary: 'Remove one field from the message.',
  docs: 'Deletes `field`. Deleting `noforward` before a forward rule is how a host relays messages it received from other hosts.',
  schema: {
    type: 'object',
    properties: { field: { type: 'string', description: 'the field to remove' } },
    required: ['field'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'relay a received message',
      config: { field: 'noforward' },
      input: { subject: 'hello', noforward: 1 },
      output: { subject: 'hello' },
    },
  ],
  effect: (c) => ({ deletes: [c.field], exact: true }),
  create(c) {
    const field = c.field;
    return {
      react(m: Message) {
        delete m[field];
      },
    };
  },
});
