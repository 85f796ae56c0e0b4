import type { Message } from '../runtime/pipeline-api.js';
import { lookUp, type FieldLookup } from './field-effects.js';
import { definePlugin } from './plugin.js';

interface Config {
  source_field: string;
  target_field: string;
  lookup: Record<string, unknown>;
}

function lookup(c: Config): FieldLookup {
  return { from: c.source_field, to: c.target_field, table: c.lookup };
}

export default definePlugin<Config>({
  name: 'HashLookup',
  summary: 'Map the value of a field through a table.',
  docs: 'Looks the value of `source_field` up in `lookup` and stores the result in `target_field`. A false source or a value not in the table does nothing.',
  schema: {
    type: 'object',
    properties: {
      source_field: { type: 'string', description: 'the field whose value is looked up' },
      target_field: { type: 'string', description: 'where to store the result' },
      lookup: { type: 'object', description: 'value → result' },
    },
    required: ['source_field', 'target_field', 'lookup'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'colour by status',
      config: { source_field: 'status', target_field: 'color', lookup: { CRITICAL: 'red', WARNING: 'yellow' } },
      input: { status: 'CRITICAL' },
      output: { status: 'CRITICAL', color: 'red' },
    },
    {
      title: 'values not in the table are left alone',
      config: { source_field: 'status', target_field: 'color', lookup: { CRITICAL: 'red' } },
      input: { status: 'OK' },
      output: { status: 'OK' },
    },
  ],
  effect: (c) => ({ lookups: [lookup(c)], exact: true }),
  create(c) {
    const l = lookup(c);
    return {
      react(m: Message) {
        lookUp(l, m);
      },
    };
  },
});
