import type { Message } from '../runtime/pipeline-api.js';
import { splitInto, type FieldSplit } from './field-effects.js';
import { definePlugin } from './plugin.js';

interface Config {
  source_field: string;
  target_fields: string[];
}

function split(c: Config): FieldSplit {
  return { from: c.source_field, to: c.target_fields };
}

export default definePlugin<Config>({
  name: 'Split',
  summary: 'Split a comma-separated value into several fields.',
  docs: 'Splits `source_field` at commas (with any spaces around them) and assigns the parts to `target_fields` from the right end: the last part goes to the last field. Fields left without a part are set to null (undef in Perl, as in the original); extra leading parts are dropped. A missing source sets them all to null.',
  schema: {
    type: 'object',
    properties: {
      source_field: { type: 'string', description: 'the field to split' },
      target_fields: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'the fields to fill' },
    },
    required: ['source_field', 'target_fields'],
    additionalProperties: false,
  },
  examples: [
    {
      title: 'three load averages',
      config: { source_field: 'loads', target_fields: ['load01', 'load05', 'load15'] },
      input: { loads: '0.5, 0.4,0.3' },
      output: { loads: '0.5, 0.4,0.3', load01: '0.5', load05: '0.4', load15: '0.3' },
    },
    {
      title: 'assigned from the right',
      config: { source_field: 'pair', target_fields: ['a', 'b'] },
      input: { pair: 'x, y, z' },
      output: { pair: 'x, y, z', a: 'y', b: 'z' },
    },
  ],
  effect: (c) => ({ splits: [split(c)], exact: true }),
  create(c) {
    const s = split(c);
    return {
      react(m: Message) {
        splitInto(s, m);
      },
    };
  },
});
