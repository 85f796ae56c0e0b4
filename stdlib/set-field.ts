import { truthy } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { definePlugin, requireOne } from './plugin.js';

interface Config {
  field?: string;
  value?: unknown;
  set?: Record<string, unknown>;
  no_override?: unknown;
}

function copy(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? structuredClone(v) : v;
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
  writes: (c) => [...(c.field !== undefined ? [c.field] : []), ...Object.keys(c.set ?? {})],
  create(c) {
    const pairs: [string, unknown][] = c.set ? Object.entries(c.set) : [];
    if (c.field !== undefined) pairs.unshift([c.field, c.value ?? null]);
    const keep = truthy(c.no_override);
    return {
      react(m: Message) {
        for (const [k, v] of pairs) {
          if (keep && truthy(m[k])) continue;
          m[k] = copy(v);
        }
      },
    };
  },
});
