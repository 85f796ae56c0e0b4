import { str } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin } from './plugin.js';

interface Config {
  source_field: string;
  target_fields: string[];
}

/** perlSplitCommas splits at commas with optional spaces, as Perl's split does: trailing empty fields are dropped. */
export function perlSplitCommas(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(/\s*,\s*/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
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
  effect: (c) => ({ writes: c.target_fields }),
  create(c) {
    return {
      react(m: Message) {
        const value = m[c.source_field];
        // a missing source splits into no parts, as Perl's undef does
        const parts = value === undefined || value === null ? [] : perlSplitCommas(str(value));
        for (let i = c.target_fields.length - 1; i >= 0; i--) {
          m[c.target_fields[i]] = parts.pop() ?? null;
        }
      },
    };
  },
});
