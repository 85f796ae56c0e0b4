import { truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin, requireOne, type FieldSet } from './plugin.js';

interface Config {
  field?: string;
  value?: unknown;
  set?: Record<string, unknown>;
  no_override?: unknown;
}

function copy(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? structuredClone(v) : v;
}

function fieldSets(c: Config): FieldSet[] {
  const unlessTrue = truthy(c.no_override);
  const sets = Object.entries(c.set ?? {}).map(([field, value]) => ({ field, value, unlessTrue }));
  if (c.field !== undefined) sets.unshift({ field: c.field, value: c.value ?? null, unlessTrue });
  return sets;
}

export default definePlugin<Config>({
  name: 'SetField',
  summary: 'Set fields to constant values.',
  docs: 'Sets `field` to `value` (null without one), or every key of `set` to its value. With `no_override`, a field whose current value is true (in the Perl sense) is left alone.',
  schema: {
    type: 'object',
    properties: {
      field: { type: 'string', description: 'the field to set (with `value`)' },
      value: { description: 'the value for `field`' },
      set: { type: 'object', description: 'fields and the values to give them' },
      no_override: { description: 'keep fields that already hold a true value' },
    },
    additionalProperties: false,
  },
  // `field` without `value` writes null, as in the original
  check: (c) => requireOne(c, ['field', 'set']),
  examples: [
    {
      title: 'mark a message urgent and red',
      config: { set: { urgent: 1, color: 'red' } },
      input: { subject: 'disk full' },
      output: { subject: 'disk full', urgent: 1, color: 'red' },
    },
    {
      title: 'a default that keeps an existing value',
      config: { field: 'color', value: 'green', no_override: 1 },
      input: { color: 'red' },
      output: { color: 'red' },
    },
  ],
  effect: (c) => ({ sets: fieldSets(c), exact: true }),
  create(c) {
    const sets = fieldSets(c);
    return {
      react(m: Message) {
        for (const s of sets) {
          if (s.unlessTrue && Object.hasOwn(m, s.field) && truthy(m[s.field])) continue;
          m[s.field] = copy(s.value);
        }
      },
    };
  },
});
